"""Turn one source (file, URL, feed) into articles. No chunking, no store.

Every reader yields ``Article``, ``SourceError`` or ``Notice`` items instead of raising, so that
one bad record (a malformed JSON line, a feed entry whose page 404s) is reported while its
siblings still land; :func:`read_bytes` turns *any* exception a parser raises into a
``SourceError`` for that source alone. Parsing is done by real parsers: python-frontmatter for
YAML headers (with a size limit and no aliases), trafilatura for HTML main text, feedparser for
RSS/Atom, json for JSON. Limits come from :class:`~digest.limits.Limits`.
"""

from __future__ import annotations

import codecs
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import frontmatter
import lxml.html
import trafilatura
import yaml
from lxml import etree

from digest.errors import SourceError
from digest.ingest.feeds import html_to_text, looks_like_feed, parse_feed
from digest.ingest.fetch import Fetcher
from digest.ingest.fields import Notice, build_article, parse_date
from digest.limits import Limits
from digest.models import Article
from digest.safe_text import clean_text

logger = logging.getLogger(__name__)

__all__ = ["Notice", "expand", "html_to_text", "parse_date", "read_bytes", "read_file", "read_url"]
Result = Article | SourceError | Notice
TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | FEED_SUFFIXES
MIN_BODY_WORDS = 20  # less than this from a web page is navigation debris, not an article
_TAG = re.compile(rb"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
_VOID = {b"br", b"img", b"hr", b"meta", b"link", b"input", b"area", b"base", b"col", b"embed",
         b"source", b"track", b"wbr", b"param"}
_WRAPPERS = re.compile(rb"</?(?:div|span|section|article|main|font|center|b|i|u|em|strong|"
                       rb"table|tbody|tr|td|th|ul|ol|li|blockquote|aside|header|footer)\b[^>]*>",
                       re.IGNORECASE)


def _decode(raw: bytes, source: str) -> str:
    if not raw.strip():
        raise SourceError(source, "empty file")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Windows tools save "Unicode" text as UTF-16; its NUL bytes do not make it binary.
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SourceError(source, "not valid UTF-16 despite its byte-order mark") from exc
    if b"\x00" in raw[:8192]:
        raise SourceError(source, "binary file (contains NUL bytes), not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(
            source, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "re-save the file as UTF-8"
        ) from exc


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors/aliases: a 469-byte alias bomb would expand to gigabytes."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("aliases (*name) are not allowed in front matter")
        return super().compose_node(parent, index)

    def construct_yaml_timestamp(self, node: Any) -> Any:
        """An impossible unquoted date (``2025-13-45``) stays text, so only that field is lost.

        PyYAML raises from inside ``load`` for it, which used to cost the whole article;
        as a string it reaches ``fields.published``, which drops it with a warning.
        """
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


_NoAliasLoader.add_constructor("tag:yaml.org,2002:timestamp",
                               _NoAliasLoader.construct_yaml_timestamp)


class _StrictYAML(frontmatter.YAMLHandler):
    def __init__(self, max_bytes: int) -> None:
        super().__init__()
        self.max_bytes = max_bytes

    def load(self, fm: str, **kwargs: object) -> Any:
        if len(fm.encode("utf-8")) > self.max_bytes:
            raise yaml.YAMLError(f"longer than {self.max_bytes:,} bytes "
                                 "(DIGEST_LIMITS__MAX_FRONT_MATTER_BYTES)")
        return yaml.load(fm, Loader=_NoAliasLoader)  # noqa: S506 -- a SafeLoader subclass


# -- formats ---------------------------------------------------------------------------------
def parse_text(raw: bytes, source: str, url: str | None = None, *, limits: Limits | None = None,
               notes: list[Notice] | None = None) -> Article:
    """Plain text or Markdown with optional YAML front matter (whose ``url`` wins over ``url``)."""
    limits = limits or Limits()
    text, bad = clean_text(_decode(raw, source))  # YAML refuses controls: the article was lost
    if bad and notes is not None:
        notes.append(Notice(source, f"{bad} control or invalid character(s) replaced"))
    try:
        post = frontmatter.loads(text, handler=_StrictYAML(limits.max_front_matter_bytes)
                                 if text.startswith("---") else None)
    except Exception as exc:  # yaml raises many types; the reason is what matters
        reason = " ".join(str(exc).split())[:200]
        raise SourceError(source, f"invalid YAML front matter: {reason}") from exc
    meta = post.metadata if isinstance(post.metadata, dict) else {}
    return build_article(post.content, source, url=url, meta=dict(meta), limits=limits, notes=notes)


def parse_html(raw: bytes, source: str, url: str | None = None, *, limits: Limits | None = None,
               notes: list[Notice] | None = None) -> Article:
    """Main text and metadata of a web page via trafilatura (boilerplate removed).

    HTML nested deeper than the parser's limit (libxml2 stops at 256 levels) would read as an
    empty page; such a page has its wrapper tags removed first, with a notice.
    """
    limits = limits or Limits()
    if not raw.strip():
        raise SourceError(source, "empty file")
    depth = _html_depth(raw)
    if depth > limits.max_html_depth:
        raw = _WRAPPERS.sub(b" ", raw)
        if notes is not None:
            notes.append(Notice(source, f"HTML nested {depth} levels deep (limit "
                                f"{limits.max_html_depth}); wrapper tags removed before reading"))
    doc = trafilatura.bare_extraction(
        raw,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={"outputformat": "%Y-%m-%dT%H:%M:%S%z", "original_date": True},
    )
    # trafilatura returns a Document, or a dict in its legacy mode; read either the same way.
    found: dict[str, Any] = (
        {} if doc is None else doc if isinstance(doc, dict) else doc.as_dict()
    )
    text = str(found.get("text") or "")
    words = len(text.split())
    if words < MIN_BODY_WORDS:
        # trafilatura falls back to any text it can find, e.g. the menu of a home page.
        raise SourceError(
            source,
            f"no article body found in the HTML ({words} words of text, none of it an article)",
        )
    meta = {
        "title": found.get("title"),
        "author": found.get("author"),
        "outlet": found.get("sitename"),
        # trafilatura (htmldate) keeps only the day; the page's own metadata has the time.
        "published": _declared_published(raw) or found.get("date"),
        "url": found.get("url") or url,
    }
    return build_article(text, source, meta=meta, limits=limits, notes=notes)


def _html_depth(raw: bytes) -> int:
    """The deepest element nesting of an HTML document, by a linear scan of its tags."""
    depth = deepest = 0
    for match in _TAG.finditer(raw):
        closing, name, self_closing = match.groups()
        if closing:
            depth = max(0, depth - 1)
        elif not self_closing and name.lower() not in _VOID:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


_PUBLISHED_META = (
    '//meta[@property="article:published_time"]/@content',
    '//meta[@itemprop="datePublished"]/@content',
    '//meta[@name="pubdate" or @name="publishdate" or @name="date" or @name="dc.date"]/@content',
    "//article//time[@datetime]/@datetime",
    "//time[@pubdate or @itemprop='datePublished']/@datetime",
)


def _declared_published(raw: bytes) -> datetime | None:
    """The publication time a page declares (Open Graph, JSON-LD, <time>), with time of day.

    Only a value that carries a time of day is returned: a bare date is no better than what
    trafilatura already found, and parsing it would invent midnight.
    """
    try:
        tree = lxml.html.fromstring(raw)
    except (ValueError, etree.ParserError):
        return None
    candidates: list[str] = [str(v) for xpath in _PUBLISHED_META for v in tree.xpath(xpath)]
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        candidates.extend(_jsonld_dates(script))
    for value in candidates:
        if "T" in value or ":" in value:
            parsed = parse_date(value.strip())
            if parsed is not None:
                return parsed
    return None


def _jsonld_dates(script: str) -> list[str]:
    try:
        data = json.loads(script)
    except json.JSONDecodeError:
        return []
    if isinstance(data, dict):
        items = data.get("@graph", [data])
    else:
        items = data if isinstance(data, list) else []
    return [
        str(item["datePublished"])
        for item in items
        if isinstance(item, dict) and item.get("datePublished")
    ]


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise json.JSONDecodeError("nested too deeply to read", text[:0], 0) from exc


def parse_json(raw: bytes, source: str, *, lines: bool = False,
               limits: Limits | None = None) -> Iterator[Result]:
    """A JSON array/object or JSON Lines of ``{title, text, url, outlet, published}`` records.

    ``lines`` (a .jsonl file) reads line by line, so one broken line costs only itself.
    Otherwise the whole document is tried first: a pretty-printed object spans many lines
    and none of them is JSON alone.
    """
    text = _decode(raw, source)
    records: list[tuple[str, Any]] = []
    whole: Any = None
    if not lines:
        try:
            whole = _json(text)
        except json.JSONDecodeError as exc:
            if text.lstrip().startswith("[") or "\n" not in text.strip():
                yield SourceError(source, f"malformed JSON: {exc}")
                return
    if isinstance(whole, list):
        records = [(f"{source}[{i}]", item) for i, item in enumerate(whole)]
    elif whole is not None:
        records = [(source, whole)]
    else:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append((f"{source}:{number}", _json(line)))
            except json.JSONDecodeError as exc:
                yield SourceError(f"{source}:{number}", f"malformed JSON line: {exc.msg}")
    for where, record in records:
        if not isinstance(record, dict):
            yield SourceError(where, "JSON record is not an object")
            continue
        body = record.get("text") or record.get("content") or record.get("body")
        if not isinstance(body, str) or not body.strip():
            yield SourceError(where, "JSON record has no 'text'")
            continue
        notes: list[Notice] = []
        try:
            yield build_article(body, where, meta=record, limits=limits, notes=notes)
        except SourceError as exc:
            yield exc
        yield from notes


# -- dispatch --------------------------------------------------------------------------------
def read_bytes(
    raw: bytes, source: str, suffix: str, fetcher: Fetcher | None, limits: Limits | None = None
) -> Iterator[Result]:
    """Dispatch on file type (by suffix, then by sniffing for feeds).

    Any exception a parser raises (a RecursionError, a ValueError from a URL, a bug in a
    library) fails this source alone, with its type and message as the reason.
    """
    limits = limits or (fetcher.limits if fetcher is not None else Limits())
    notes: list[Notice] = []
    try:
        if suffix in FEED_SUFFIXES or looks_like_feed(raw):
            yield from parse_feed(raw, source, fetcher, parse_html, limits)
        elif suffix in JSON_SUFFIXES:
            yield from parse_json(raw, source, lines=suffix != ".json", limits=limits)
        elif suffix in HTML_SUFFIXES:
            yield parse_html(raw, source, limits=limits, notes=notes)
        else:
            yield parse_text(raw, source, limits=limits, notes=notes)
    except SourceError as exc:
        yield exc
    except Exception as exc:  # noqa: BLE001 -- isolation: one source never sinks the run
        logger.debug("reading %s failed", source, exc_info=True)
        yield SourceError(source, f"could not be read ({type(exc).__name__}: {_one_line(exc)})")
    yield from notes


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or "no detail"


def read_file(
    path: Path, fetcher: Fetcher | None, limits: Limits | None = None
) -> Iterator[Result]:
    limits = limits or (fetcher.limits if fetcher is not None else Limits())
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            yield SourceError(str(path), f"file too large: {size:,} bytes > limit "
                              f"{limits.max_file_bytes:,} (DIGEST_LIMITS__MAX_FILE_BYTES)")
            return
        with path.open("rb") as handle:  # read at most the limit, even if the file grows
            raw = handle.read(limits.max_file_bytes + 1)
    except FileNotFoundError:
        yield SourceError(str(path), "file vanished before it could be read")
        return
    except OSError as exc:
        yield SourceError(str(path), f"cannot read: {exc.strerror or exc}")
        return
    if len(raw) > limits.max_file_bytes:
        limit = limits.max_file_bytes
        yield SourceError(str(path), f"file too large: over the {limit:,}-byte limit")
        return
    yield from read_bytes(raw, str(path), path.suffix.lower(), fetcher, limits)


def read_url(url: str, fetcher: Fetcher) -> Iterator[Result]:
    try:
        response = fetcher.get(url)
    except SourceError as exc:
        yield exc
        return
    kind = response.content_type
    if looks_like_feed(response.body, kind):
        suffix = ".xml"
    elif "json" in kind:
        suffix = ".json"
    elif "text/plain" in kind or "markdown" in kind:
        # keyed by the URL it was fetched from, so an edited page replaces its old version
        yield from _read_page(parse_text, response.body, url, response.url, fetcher.limits)
        return
    elif kind and not any(k in kind for k in ("html", "xml", "text/")):
        yield SourceError(url, f"unsupported content type {kind!r}")
        return
    else:
        yield from _read_page(parse_html, response.body, url, response.url, fetcher.limits)
        return
    yield from read_bytes(response.body, url, suffix, fetcher)


def _read_page(parse: Callable[..., Article], body: bytes, url: str, final: str,
               limits: Limits) -> Iterator[Result]:
    """A fetched text or HTML page, isolated like :func:`read_bytes`; keyed by the URL asked for."""
    notes: list[Notice] = []
    try:
        yield parse(body, url, url=final, limits=limits, notes=notes)
    except SourceError as exc:
        yield exc
    except Exception as exc:  # noqa: BLE001 -- isolation, as in read_bytes
        yield SourceError(url, f"could not be read ({type(exc).__name__}: {_one_line(exc)})")
    yield from notes


def expand(sources: Iterable[str]) -> Iterator[str | Path | SourceError]:
    """Sources -> URLs and files; folders are walked recursively in sorted order."""
    for source in sources:
        if source.startswith(("http://", "https://")):
            yield source
            continue
        path = Path(source)
        if path.is_dir():
            found = False
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in SUPPORTED and not child.name.startswith("."):
                    found = True
                    yield child
            if not found:
                kinds = " ".join(sorted(SUPPORTED))
                yield SourceError(source, f"folder has no files digest can read ({kinds})")
        elif path.is_file():
            yield path
        else:
            yield SourceError(source, "no such file, folder or URL")
