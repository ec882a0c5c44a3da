"""Article fields from untrusted metadata: checked, bounded, and warned about, never guessed.

A reader hands :func:`build_article` whatever a file's front matter, a JSON record or a feed
entry said. Text fields must be text (a JSON title ``{"x": 1}`` is not a title), URLs must be
http(s) and parse, dates must parse and be plausible. A field that fails is dropped and a
warning (a :class:`Notice`) names the source and the field, so nothing is lost silently and
one bad field never costs the article.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timezone
from typing import Any

from dateutil import parser as dateparser

from digest.errors import SourceError
from digest.ingest.fetch import canonical_url
from digest.limits import Limits
from digest.models import Article
from digest.safe_text import clean_text

EARLIEST_YEAR = 1800  # older "publication dates" are typos or placeholders (0001-01-01)
LATEST_YEAR = 2200  # 9999-12-31 is a placeholder, not a date


@dataclass(frozen=True)
class Notice:
    """A warning about one source: something was dropped or changed, the article still lands."""

    source: str
    message: str


def parse_date(value: Any) -> datetime | None:
    """Lenient date parsing (ISO 8601, RFC 822, "May 20, 2026"); naive means UTC."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):  # YAML turns `published: 2026-05-20` into a date
        parsed = datetime.combine(value, time())
    else:
        try:
            parsed = dateparser.parse(str(value)[:100])
        except (ValueError, OverflowError, TypeError):
            return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    # dateutil maps "Z"/"GMT" to tzlocal() when the machine runs on UTC; pin the actual offset
    # so a stored date never depends on the zone of the machine that reads it back.
    try:
        offset = parsed.utcoffset()  # "+25:00" parses, then raises here: not a date
    except (ValueError, OverflowError):
        return None
    return parsed.replace(tzinfo=UTC if not offset else timezone(offset))


class _Fields:
    """Collects the notices of one article while its fields are checked."""

    def __init__(self, source: str, limits: Limits, notes: list[Notice]) -> None:
        self.source, self.limits, self.notes = source, limits, notes

    def warn(self, message: str) -> None:
        self.notes.append(Notice(self.source, message))

    def text(self, name: str, value: Any) -> str | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.warn(f"{name} is a {type(value).__name__}, not text; ignored")
            return None
        cleaned, bad = clean_text(str(value))
        if bad:
            self.warn(f"{name}: {bad} control or invalid character(s) replaced")
        cleaned = " ".join(cleaned.split())
        if len(cleaned) > self.limits.max_field_chars:
            self.warn(f"{name} longer than {self.limits.max_field_chars} characters; cut")
            cleaned = cleaned[: self.limits.max_field_chars]
        return cleaned or None

    def url(self, value: Any) -> str | None:
        link = self.text("url", value)
        if link is None:
            return None
        if not link.lower().startswith(("http://", "https://")):
            self.warn(f"url {link[:80]!r} is not http(s); stored without a URL")
            return None
        try:
            return canonical_url(link)
        except ValueError as exc:
            self.warn(f"url {link[:80]!r} is not a valid URL ({exc}); stored without a URL")
            return None

    def published(self, value: Any) -> datetime | None:
        if value in (None, ""):
            return None
        parsed = parse_date(value)
        shown = str(value)[:40]
        if parsed is None:
            self.warn(f"published date {shown!r} is not a date; stored without one")
            return None
        if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
            self.warn(f"published date {shown!r} is outside {EARLIEST_YEAR}-{LATEST_YEAR}; "
                      "stored without one")
            return None
        return parsed


def build_article(
    text: str, source: str, *, url: str | None = None, meta: dict[str, Any] | None = None,
    limits: Limits | None = None, notes: list[Notice] | None = None,
) -> Article:
    """An article from body text and untrusted metadata; problems become ``notes``."""
    meta = meta or {}
    limits = limits or Limits()
    fields = _Fields(source, limits, notes if notes is not None else [])
    body = text.replace("\r\n", "\n").replace("\r", "\n").strip()  # offsets stay meaningful
    # One character for one (see digest.safe_text): chunk offsets into the stored text are
    # exact, and a terminal, an XML feed or Chroma never sees a control or a lone surrogate.
    body, bad = clean_text(body)
    if bad:
        fields.warn(f"text: {bad} control or invalid character(s) replaced by spaces or U+FFFD")
        body = body.strip()
    if not body:
        raise SourceError(source, "no article text")
    if len(body) > limits.max_article_chars:
        raise SourceError(source, f"article text too long: {len(body):,} characters > limit "
                          f"{limits.max_article_chars:,} (DIGEST_LIMITS__MAX_ARTICLE_CHARS)")
    return Article.build(
        text=body,
        url=fields.url(meta.get("url") or url),
        outlet=fields.text("outlet", meta.get("outlet") or meta.get("source") or meta.get("site")),
        title=fields.text("title", meta.get("title")),
        author=fields.text("author", meta.get("author")),
        published=fields.published(meta.get("published") or meta.get("date")),
        source=clean_text(source)[0],
    )
