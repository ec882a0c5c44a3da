"""Read a digest in Markdown (ours or anyone's) into sentences, citation markers and sources.

Any digest written as prose with ``[1]``, ``[3, 4]`` or ``[1-3]`` markers can be evaluated, so
parsing relies on nothing our renderer adds: sentences come from the shared splitter
(:func:`digest.sentences.split_sentences`, the same one ingest uses), markers are read where
they stand, and a Sources/References section is parsed when there is one. For our own digests
the JSON sidecar ``X.json`` next to ``X.md`` (``Briefing.model_dump_json()``) adds what the
Markdown cannot carry: the article id and exact chunk behind every citation.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from pydantic import ValidationError

from digest.briefing import Briefing, Citation
from digest.errors import CitationError
from digest.evaluate.markers import MARKER, attach_markers, expand_marker, markers_in
from digest.evaluate.models import Clause, DigestSentence, ParsedDigest, SentenceKind, SourceRef
from digest.evaluate.own import markdown_matches, parse_own_briefing
from digest.sentences import Span, split_sentences

logger = logging.getLogger(__name__)

_MIN_CLAUSE = 20  # shorter sidecar texts are not matched inside longer sentences
_SOURCES_HEADING = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*|__)?[ \t]*(sources|references|citations|works cited)"
    r"[ \t]*:?[ \t]*(?:\*\*|__)?[ \t]*:?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_SOURCE_ENTRY = re.compile(r"^\s*(?:[-*+]\s*)?(?:\[\^?(\d+)\]:?|(\d+)[.)])\s*(.*)$")
_BULLET = re.compile(r"^\s*[-*+]\s+(\S.*)$")
_URL = re.compile(r"https?://[^\s)>\]]+")
_ARTICLE_ID = re.compile(r"\b[0-9a-f]{16}\b")
_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_HEADING = re.compile(r"^#{1,6}\s")
_LIST = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_ESCAPED = re.compile(r"\\([\\`*_\[\]<>|#+\-=.!()])")
_QUOTES = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb"


def clean_claim(text: str) -> str:
    """The sentence as a judge should read it: no markers, no Markdown syntax."""
    text = MARKER.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = re.sub(r"^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)", "", text)
    text = re.sub(r"(?<!\\)(\*\*|__|(?<!\w)[*_]|[*_](?!\w))", "", text)
    text = _ESCAPED.sub(r"\1", text)  # our renderer escapes Markdown in sentence text
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"([.,!?])\s+([\"\u201d\u2019])(?=\s|$)", r"\1\2", text)  # `win. [1]"`
    return re.sub(r"\s+([.,;:!?])", r"\1", text)


def split_clauses(text: str) -> list[Clause]:
    """Clauses of a sentence whose markers sit at clause ends, each with its own citations.

    ``"Some reports place it in Beijing [4], others at a port [1]."`` -> two clauses. Returns
    ``[]`` for a sentence with fewer than two marker groups; a trailing stretch after the last
    marker becomes a clause without citations (so the sentence is not clause-checkable).
    """
    matches = list(MARKER.finditer(text))
    if len(matches) < 2:
        return []
    clauses: list[Clause] = []
    start = 0
    for match in matches:
        piece = clean_claim(text[start : match.start()]).strip(" ,;:")
        if piece and re.search(r"\w", piece):
            clauses.append(Clause(claim=piece, citations=expand_marker(match.group(1))))
        elif clauses:  # "[1][2]": adjacent markers belong to the same clause
            last = clauses[-1]
            numbers = list(dict.fromkeys([*last.citations, *expand_marker(match.group(1))]))
            clauses[-1] = Clause(claim=last.claim, citations=numbers)
        start = match.end()
    tail = clean_claim(text[start:]).strip(" ,;:.")
    if tail and re.search(r"\w", tail):
        clauses.append(Clause(claim=tail, citations=[]))
    return clauses if len(clauses) >= 2 else []


def _sources_section(text: str) -> int:
    """Offset where the Sources list starts (len(text) when there is none)."""
    found = list(_SOURCES_HEADING.finditer(text))
    return found[-1].start() if found else len(text)


def _source_ref(n: int, rest: str) -> SourceRef:
    url = _URL.search(rest)
    article_id = _ARTICLE_ID.search(rest)
    label = re.sub(r"\s+", " ", _URL.sub("", _MD_LINK.sub(r"\1", rest))).strip(" -—–:<>")
    return SourceRef(
        n=n,
        label=label,
        url=url.group(0).rstrip(".,;") if url else None,
        article_id=article_id.group(0) if article_id else None,
    )


def parse_sources(section: str) -> list[SourceRef]:
    """Entries of a Sources list: ``1. [Title](url)``, ``[2] Outlet — url``, ``[3]: url``.

    A list with no numbers at all (``- Reuters: https://…``) is numbered in order, which is
    how readers of such a digest resolve its ``[n]``.
    """
    refs: dict[int, SourceRef] = {}
    bullets: list[str] = []
    for line in section.splitlines():
        match = _SOURCE_ENTRY.match(line)
        if match:
            n = int(match.group(1) or match.group(2))
            refs.setdefault(n, _source_ref(n, match.group(3)))
        elif bullet := _BULLET.match(line):
            bullets.append(bullet.group(1))
    if not refs:
        refs = {i: _source_ref(i, rest) for i, rest in enumerate(bullets, start=1)}
    return sorted(refs.values(), key=lambda r: r.n)


def _line_of(text: str, pos: int) -> str:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text[start : end if end >= 0 else len(text)]


def _paragraph_starts(text: str) -> list[int]:
    """Start offsets of blank-line-separated blocks, for "the second paragraph" in reports."""
    starts = [m.end() for m in re.finditer(r"\n[ \t]*\n\s*", text)]
    return [0, *starts]


def _kind(text: str, span: Span, block_sentences: int) -> SentenceKind:
    line = _line_of(text, span.start).lstrip()
    if _HEADING.match(line):
        return "heading"
    if line.startswith(">"):
        return "quote"
    if _LIST.match(line):
        return "list"
    body = span.text.strip()
    if re.fullmatch(r"(\*[^*]+\*|_[^_]+_)", MARKER.sub("", body).strip()):
        return "meta"  # a whole line in italics: byline, note, generated-at stamp
    if body[:1] in _QUOTES and block_sentences == 1:
        return "quote"  # a pull-quote standing on its own line
    return "prose"


def read_sidecar(path: Path) -> Briefing | None:
    """Our JSON sidecar next to the Markdown, if there is one and it is a Briefing."""
    sidecar = path.with_suffix(".json")
    if sidecar == path or not sidecar.is_file():
        return None
    try:
        return Briefing.model_validate_json(sidecar.read_text(encoding="utf-8"))
    except (ValidationError, ValueError) as exc:
        logger.warning("ignoring %s: not a digest sidecar (%s)", sidecar, str(exc)[:200])
        return None


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", clean_claim(text).lower()).strip()


def _links(text: str, sidecar: Briefing | None) -> list[Citation]:
    """The sidecar's chunk links for a rendered sentence.

    A rendered sentence is one sidecar sentence, or several clauses of one group joined with
    "; " ("Some reports say … [1]; others say … [4]."), so clauses found inside it count too.
    """
    if sidecar is None:
        return []
    norm = _norm(text)
    exact = [c for s in sidecar.sentences if _norm(s.text) == norm for c in s.citations]
    if exact:
        return exact
    padded = f" {norm} "
    found = [
        c
        for s in sidecar.sentences
        if len(clause := _norm(s.text)) >= _MIN_CLAUSE and f" {clause} " in padded
        for c in s.citations
    ]
    return list(dict.fromkeys(found))  # a clause repeated elsewhere must not double a link


def parse_digest_text(
    text: str, *, path: str = "<digest>", sidecar: Briefing | None = None
) -> ParsedDigest:
    """Parse Markdown ``text`` (and an optional sidecar) into a :class:`ParsedDigest`."""
    cut = _sources_section(text)
    body = text[:cut]
    refs = parse_sources(text[cut:]) if cut < len(text) else []
    spans = attach_markers(split_sentences(body), body)
    paragraphs = _paragraph_starts(body)
    per_block: dict[int, int] = {}
    for span in spans:
        block = sum(1 for p in paragraphs if p <= span.start)
        per_block[block] = per_block.get(block, 0) + 1
    sentences: list[DigestSentence] = []
    for span in spans:
        if _RULE.match(span.text):
            continue
        block = sum(1 for p in paragraphs if p <= span.start)
        sentences.append(
            DigestSentence(
                index=len(sentences) + 1,  # numbered from 1, as a reader counts
                paragraph=block,
                kind=_kind(body, span, per_block[block]),
                text=span.text,
                claim=clean_claim(span.text),
                start=span.start,
                end=span.end,
                citations=markers_in(span.text),
                links=_links(span.text, sidecar),
                clauses=split_clauses(span.text),
            )
        )
    if sidecar is not None:
        refs = _merge_sidecar_sources(refs, sidecar)
    return ParsedDigest(
        path=path,
        sentences=sentences,
        sources=refs,
        has_sources_list=bool(refs),
        briefing=sidecar,
    )


def _merge_sidecar_sources(refs: list[SourceRef], sidecar: Briefing) -> list[SourceRef]:
    """The sidecar knows each source's article id; the Markdown list may only show its URL."""
    by_n = {r.n: r for r in refs}
    for source in sidecar.sources:
        a = source.article
        known = by_n.get(source.n)
        by_n[source.n] = SourceRef(
            n=source.n,
            label=known.label if known and known.label else (a.title or a.outlet or a.id),
            url=a.url or (known.url if known else None),
            article_id=a.id,
        )
    return sorted(by_n.values(), key=lambda r: r.n)


def parse_briefing(briefing: Briefing, *, path: str = "<briefing>") -> ParsedDigest:
    """Our own digest, read from its JSON (:mod:`digest.evaluate.own`), not re-parsed."""
    return parse_own_briefing(briefing, path=path)


def parse_digest(path: Path) -> ParsedDigest:
    """Read a digest file (Markdown or plain text, or our JSON sidecar) and its sidecar."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CitationError(f"cannot read digest {path}: {exc}") from exc
    if path.suffix.lower() == ".json":
        try:
            parsed = parse_briefing(Briefing.model_validate_json(text), path=str(path))
        except (ValidationError, ValueError) as exc:
            raise CitationError(
                f"{path} is not a digest sidecar (Briefing JSON): {str(exc)[:300]}"
            ) from exc
    else:
        sidecar = read_sidecar(path)
        if sidecar is not None and markdown_matches(text, sidecar):
            parsed = parse_own_briefing(sidecar, path=str(path))
        else:  # anyone's digest, or ours edited by hand: check what the reader sees
            if sidecar is not None:
                logger.info("%s differs from its sidecar: checking the Markdown as written", path)
            parsed = parse_digest_text(text, path=str(path), sidecar=sidecar)
        if sidecar is not None:
            parsed.sidecar = str(path.with_suffix(".json"))
    if not any(s.kind != "heading" for s in parsed.sentences):
        raise CitationError(f"{path} contains no sentences to evaluate")
    return parsed
