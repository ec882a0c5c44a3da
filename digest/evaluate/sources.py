"""Resolve each source number ``n`` of a digest to the text of the article it stands for.

Three places can hold a source, tried in this order:

1. a folder or map file given with ``--sources``: files named ``1.md``, ``2.txt``, ``3-slug.html``
   (the leading number is ``n``), or a JSON/YAML object ``{"1": "path/or/inline", ...}`` whose
   values are file paths (relative to the map), ``{"text": ..., "title": ...}`` objects, or
   article ids / URLs looked up in the store when one is given;
2. the article store (``--store``), by the article id or URL of the digest's Sources list;
3. the passages saved in our own digest's JSON sidecar (the exact chunks the writer saw).

A number that none of them can supply is *unavailable*: reported as such, never counted as an
unsupported claim, because "we could not check" is not "the source does not say so".
"""

from __future__ import annotations

import json
import logging
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # no stubs installed; PyYAML comes with frontmatter

from digest.briefing import Briefing, provenance
from digest.errors import CitationError, SourceError
from digest.evaluate.models import ParsedDigest, SourceInfo, SourceRef
from digest.ingest.fetch import canonical_url
from digest.ingest.readers import read_file
from digest.models import Article
from digest.store import Store

logger = logging.getLogger(__name__)

_NUMBERED = re.compile(r"^(\d+)(?:[-_ .].*)?$")
_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class SourceText:
    """The text a judge reads for source ``n``.

    When only some passages of an article are known (sidecar passages), ``text`` joins them and
    ``segments`` maps offsets in ``text`` back to offsets in the original article, so evidence
    is always reported in article coordinates.
    """

    n: int
    text: str
    origin: str
    label: str = ""
    segments: tuple[tuple[int, int], ...] = ()  # (offset in text, offset in article), sorted

    def article_offset(self, pos: int) -> int:
        if pos < 0 or not self.segments:
            return pos
        i = bisect_right([s[0] for s in self.segments], pos) - 1
        if i < 0:  # inside the provenance line, not the article's text
            return -1
        here, there = self.segments[i]
        return there + (pos - here)


@dataclass
class ResolvedSources:
    """Texts by number, plus a row per number for the report."""

    texts: dict[int, SourceText] = field(default_factory=dict)
    info: list[SourceInfo] = field(default_factory=list)


def _first_article(path: Path) -> Article:
    for item in read_file(path, None):
        if isinstance(item, SourceError):
            raise CitationError(f"source file {path}: {item.reason}")
        return item
    raise CitationError(f"source file {path} holds no article")


def _folder_texts(folder: Path) -> dict[int, tuple[str, str, str]]:
    """``n -> (text, origin, label)`` from files whose name starts with their number."""
    found: dict[int, tuple[str, str, str]] = {}
    for path in sorted(folder.iterdir()):
        match = _NUMBERED.match(path.stem)
        if not path.is_file() or not match:
            continue
        n = int(match.group(1))
        if n in found:
            logger.warning("source %d: ignoring %s, already mapped to another file", n, path.name)
            continue
        article = _first_article(path)
        found[n] = (article.text, f"folder {path.name}", article.title or path.name)
    return found


def _load_map(path: Path) -> dict[Any, Any]:
    raw = path.read_text(encoding="utf-8")
    try:
        data = json.loads(raw) if path.suffix == ".json" else yaml.safe_load(raw)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise CitationError(f"source map {path} is not valid JSON/YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise CitationError(f"source map {path} must be an object mapping numbers to articles")
    return data


def _map_texts(path: Path, store: Store | None) -> dict[int, tuple[str, str, str]]:
    """``n -> (text, origin, label)`` from a JSON/YAML map file."""
    found: dict[int, tuple[str, str, str]] = {}
    for key, value in _load_map(path).items():
        if not str(key).strip().isdigit():
            raise CitationError(f"source map {path}: key {key!r} is not a source number")
        n = int(key)
        if isinstance(value, dict) and "text" in value:
            found[n] = (
                str(value["text"]),
                "map",
                str(value.get("title") or value.get("url") or ""),
            )
            continue
        ref = str(value.get("path") if isinstance(value, dict) else value)
        file = (path.parent / ref).expanduser()
        if file.is_file():
            article = _first_article(file)
            found[n] = (article.text, f"map {file.name}", article.title or file.name)
        elif store is not None and (hit := _from_store(store, ref, ref)) is not None:
            found[n] = (hit[0], "store", hit[1])
        else:
            logger.info("source %d: %s is neither a file nor a stored article", n, ref)
    return found


def _from_store(store: Store, article_id: str | None, url: str | None) -> tuple[str, str] | None:
    keys = [k for k in (article_id, url, canonical_url(url) if url else None) if k]
    for key in keys:
        article = store.find_article(key)
        if article is not None:
            text = store.article_text(article.id)
            if text:
                return text, article.title or article.outlet or article.id
    return None


def _passages_text(n: int, article_id: str, briefing: Briefing) -> SourceText | None:
    chunks = sorted(
        {p.chunk.id: p.chunk for p in briefing.passages if p.article.id == article_id}.values(),
        key=lambda c: c.start,
    )
    if not chunks:
        return None
    article = next(p.article for p in briefing.passages if p.article.id == article_id)
    parts: list[str] = [provenance(article).rstrip("\n")]  # the same view verification had
    segments: list[tuple[int, int]] = []
    pos = len(parts[0]) + len(_SEPARATOR)
    for chunk in chunks:
        segments.append((pos, chunk.start))
        parts.append(chunk.text)
        pos += len(chunk.text) + len(_SEPARATOR)
    label = next(
        (p.article.title or "" for p in briefing.passages if p.article.id == article_id), ""
    )
    return SourceText(n, _SEPARATOR.join(parts), "sidecar passages", label, tuple(segments))


def resolve_sources(
    digest: ParsedDigest, *, sources: Path | None = None, store: Store | None = None
) -> ResolvedSources:
    """Texts for every source number the digest cites or lists (see module docstring)."""
    refs = {r.n: r for r in digest.sources}
    cited = {n for s in digest.sentences for n in s.citations}
    valid = digest.source_numbers
    wanted = sorted(valid if valid is not None else cited)  # out-of-range n are not sources
    given: dict[int, tuple[str, str, str]] = {}
    if sources is not None:
        if sources.is_dir():
            given = _folder_texts(sources)
        elif sources.is_file():
            given = _map_texts(sources, store)
        else:
            raise CitationError(f"--sources {sources}: no such folder or map file")
    resolved = ResolvedSources()
    for n in wanted:
        ref = refs.get(n, SourceRef(n=n))
        text = _resolve_one(n, ref, given, store, digest.briefing)
        if text is None:
            resolved.info.append(
                SourceInfo(
                    n=n,
                    label=ref.label,
                    status="unavailable",
                    reason=_why_unavailable(ref, sources, store, digest),
                )
            )
            continue
        resolved.texts[n] = text
        resolved.info.append(
            SourceInfo(
                n=n,
                label=ref.label or text.label,
                status="available",
                origin=text.origin,
                chars=len(text.text),
            )
        )
    return resolved


def _resolve_one(
    n: int,
    ref: SourceRef,
    given: dict[int, tuple[str, str, str]],
    store: Store | None,
    briefing: Briefing | None,
) -> SourceText | None:
    if n in given:
        text, origin, label = given[n]
        return SourceText(n, text, origin, label)
    if store is not None and (ref.article_id or ref.url):
        hit = _from_store(store, ref.article_id, ref.url)
        if hit is not None:
            return SourceText(n, hit[0], "store", hit[1])
    if briefing is not None and ref.article_id:
        return _passages_text(n, ref.article_id, briefing)
    return None


def _why_unavailable(
    ref: SourceRef, sources: Path | None, store: Store | None, digest: ParsedDigest
) -> str:
    reasons = []
    if sources is not None:
        reasons.append(f"not in {sources}")
    if store is not None:
        reasons.append(
            "not in the store"
            if (ref.article_id or ref.url)
            else "no URL or id in the Sources list to look up"
        )
    if digest.briefing is not None and ref.article_id:
        reasons.append("no sidecar passages")
    return "; ".join(reasons) or "no sources given (use --sources DIR or --store)"
