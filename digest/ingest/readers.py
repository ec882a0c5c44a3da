"""Turn one source (file, URL, feed) into articles. No chunking, no store.

Every reader yields ``Article`` or ``SourceError`` items instead of raising, so that one bad
record (a malformed JSON line, a feed entry whose page 404s) is reported while its siblings
still land. Parsing is done by real parsers: python-frontmatter for YAML headers, trafilatura
for HTML main text, feedparser for RSS/Atom, json for JSON.
"""

from __future__ import annotations

import codecs
import json
import logging
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timezone
from pathlib import Path
from typing import Any

import feedparser
import frontmatter
import lxml.html
import trafilatura
from dateutil import parser as dateparser
from lxml import etree

from digest.errors import SourceError
from digest.ingest.fetch import Fetcher, canonical_url
from digest.models import Article

logger = logging.getLogger(__name__)

Result = Article | SourceError
TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | FEED_SUFFIXES
TEASER_CHARS = 600  # a summary-only feed entry shorter than this is a teaser: fetch the page
MIN_CONTENT_CHARS = 200  # even full content this short is a teaser ("Read more…")
MIN_BODY_WORDS = 20  # less than this from a web page is navigation debris, not an article


def parse_date(value: Any) -> datetime | None:
    """Lenient date parsing (ISO 8601, RFC 822, "May 20, 2026"); naive means UTC."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = dateparser.parse(str(value))
        except (ValueError, OverflowError):
            return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    # dateutil maps "Z"/"GMT" to tzlocal() when the machine runs on UTC; pin the actual offset
    # so a stored date never depends on the zone of the machine that reads it back.
    offset = parsed.utcoffset()
    return parsed.replace(tzinfo=UTC if not offset else timezone(offset))


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


def _clean_text(text: str) -> str:
    # Normalise line endings only: offsets must stay meaningful to a reader of the same text.
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _article(
    text: str, source: str, *, url: str | None = None, meta: dict[str, Any] | None = None
) -> Article:
    meta = meta or {}
    body = _clean_text(text)
    if not body:
        raise SourceError(source, "no article text")
    link = meta.get("url") or url
    return Article.build(
        text=body,
        url=canonical_url(str(link)) if link else None,
        outlet=_str(meta.get("outlet") or meta.get("source") or meta.get("site")),
        title=_str(meta.get("title")),
        author=_str(meta.get("author")),
        published=parse_date(meta.get("published") or meta.get("date")),
        source=source,
    )


def _str(value: Any) -> str | None:
    return str(value).strip() or None if value not in (None, "") else None


# -- formats ---------------------------------------------------------------------------------
def parse_text(raw: bytes, source: str, url: str | None = None) -> Article:
    """Plain text or Markdown with optional YAML front matter (whose ``url`` wins over ``url``)."""
    text = _decode(raw, source)
    try:
        post = frontmatter.loads(text)
    except Exception as exc:  # yaml raises many types; the reason is what matters
        raise SourceError(source, f"invalid YAML front matter: {exc}") from exc
    return _article(post.content, source, url=url, meta=dict(post.metadata))


def parse_html(raw: bytes, source: str, url: str | None = None) -> Article:
    """Main text and metadata of a web page via trafilatura (boilerplate removed)."""
    if not raw.strip():
        raise SourceError(source, "empty file")
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
    return _article(text, source, meta=meta)


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


def parse_json(raw: bytes, source: str, *, lines: bool = False) -> Iterator[Result]:
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
            whole = json.loads(text)
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
                records.append((f"{source}:{number}", json.loads(line)))
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
        try:
            yield _article(body, where, meta=record)
        except SourceError as exc:
            yield exc


def looks_like_feed(raw: bytes, content_type: str = "") -> bool:
    if any(t in content_type for t in ("rss", "atom")):
        return True
    head = raw[:2048].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<rss" in head or b"<feed" in head or b"<rdf" in head)


def parse_feed(raw: bytes, source: str, fetcher: Fetcher | None) -> Iterator[Result]:
    """RSS/Atom entries; teaser-only entries are completed from their linked page."""
    feed = feedparser.parse(raw)
    broken = f"malformed feed ({feed.bozo_exception}); " if feed.get("bozo") else ""
    if not feed.entries:
        yield SourceError(source, f"{broken or 'empty feed: '}no entries")
        return
    outlet = feed.feed.get("title")
    for index, entry in enumerate(feed.entries):
        link = entry.get("link")
        where = link or f"{source}#entry{index}"
        html = ""
        if entry.get("content"):
            html = max((c.get("value", "") for c in entry.content), key=len)
        has_content = bool(html)
        html = html or entry.get("summary", "")
        text = _html_to_text(html)
        meta = {
            "title": entry.get("title"),
            # RSS <author> is "email (Name)"; feedparser's author_detail has the name alone.
            "author": (entry.get("author_detail") or {}).get("name") or entry.get("author"),
            "outlet": outlet,
            "published": entry.get("published") or entry.get("updated"),
            "url": link,
        }
        teaser = len(text) < (MIN_CONTENT_CHARS if has_content else TEASER_CHARS)
        if teaser and link and link.startswith(("http://", "https://")):
            if fetcher is None:
                yield SourceError(where, "feed entry is only a teaser and fetching is disabled")
                continue
            try:
                page = fetcher.get(link)
                article = parse_html(page.body, where, url=page.url)
            except SourceError as exc:
                yield SourceError(where, f"feed entry is only a teaser; linked page: {exc.reason}")
                continue
            # The feed's own metadata is more reliable than what a page scraper guesses.
            meta = {**{k: v for k, v in meta.items() if v}, "url": link}
            yield _article(article.text, where, meta={**article.model_dump(), **meta})
            continue
        try:
            yield _article(text, where, meta=meta)
        except SourceError as exc:
            yield SourceError(exc.source, broken + exc.reason)


def _html_to_text(html: str) -> str:
    if "<" not in html:
        return html.strip()
    extracted = trafilatura.extract(html, include_comments=False, favor_recall=True)
    if extracted:
        return extracted
    try:
        return lxml.html.fromstring(html).text_content().strip()
    except Exception:  # lxml raises ParserError on fragments it cannot read at all
        return ""


# -- dispatch --------------------------------------------------------------------------------
def read_bytes(raw: bytes, source: str, suffix: str, fetcher: Fetcher | None) -> Iterator[Result]:
    """Dispatch on file type (by suffix, then by sniffing for feeds)."""
    try:
        if suffix in FEED_SUFFIXES or looks_like_feed(raw):
            yield from parse_feed(raw, source, fetcher)
        elif suffix in JSON_SUFFIXES:
            yield from parse_json(raw, source, lines=suffix != ".json")
        elif suffix in HTML_SUFFIXES:
            yield parse_html(raw, source)
        else:
            yield parse_text(raw, source)
    except SourceError as exc:
        yield exc


def read_file(path: Path, fetcher: Fetcher | None) -> Iterator[Result]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        yield SourceError(str(path), "file vanished before it could be read")
        return
    except OSError as exc:
        yield SourceError(str(path), f"cannot read: {exc.strerror or exc}")
        return
    yield from read_bytes(raw, str(path), path.suffix.lower(), fetcher)


def read_url(url: str, fetcher: Fetcher) -> Iterator[Result]:
    try:
        response = fetcher.get(url)
    except SourceError as exc:
        yield exc
        return
    if looks_like_feed(response.body, response.content_type):
        yield from parse_feed(response.body, url, fetcher)
    elif "json" in response.content_type:
        yield from parse_json(response.body, url)
    elif "text/plain" in response.content_type or "markdown" in response.content_type:
        try:
            # keyed by the URL it was fetched from, so an edited page replaces its old version
            yield parse_text(response.body, url, url=response.url)
        except SourceError as exc:
            yield exc
    elif response.content_type and not any(
        kind in response.content_type for kind in ("html", "xml", "text/")
    ):
        yield SourceError(url, f"unsupported content type {response.content_type!r}")
    else:
        try:
            yield parse_html(response.body, url, url=response.url)
        except SourceError as exc:
            yield exc


def expand(sources: Iterable[str]) -> Iterator[str | Path | SourceError]:
    """Sources -> URLs and files; folders are walked recursively in sorted order."""
    for source in sources:
        if source.startswith(("http://", "https://")):
            yield source
            continue
        path = Path(source)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in SUPPORTED and not child.name.startswith("."):
                    yield child
        elif path.is_file():
            yield path
        else:
            yield SourceError(source, "no such file, folder or URL")
