"""RSS/Atom feeds: one article per entry; a teaser-only entry is completed from its page.

A feed is someone else's list of links, so its entries are bounded like any source (a deadline
for the feed and the pages it links to, see :class:`~digest.limits.Limits`) and its
links must be http(s) and point at public hosts unless the user allows private ones (the
policy lives in :mod:`digest.ingest.netguard`; the feed's own host is always allowed, so an
intranet feed may link to its own pages).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import feedparser
import lxml.html
import trafilatura

from digest.errors import SourceError
from digest.ingest.fields import Notice, build_article
from digest.ingest.netguard import is_public_literal
from digest.limits import Limits
from digest.models import Article

if TYPE_CHECKING:
    from digest.ingest.fetch import Fetcher

Result = Article | SourceError | Notice
HtmlParser = Callable[..., Article]
TEASER_CHARS = 600  # a summary-only feed entry shorter than this is a teaser: fetch the page
MIN_CONTENT_CHARS = 200  # even full content this short is a teaser ("Read more…")


def looks_like_feed(raw: bytes, content_type: str = "") -> bool:
    if any(t in content_type for t in ("rss", "atom")):
        return True
    head = raw[:2048].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<rss" in head or b"<feed" in head or b"<rdf" in head)


def _link_problem(link: str, feed_source: str, limits: Limits) -> str | None:
    """Why an entry's link may not be used (None: it may), without any network lookup."""
    if limits.allow_private_urls:
        return None
    try:
        parts = urlsplit(link)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 -- a bad port raises ValueError here
    except ValueError as exc:
        return f"link {link[:80]!r} is not a valid URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return f"link {link[:80]!r} is not http(s); refused"
    try:
        own = (urlsplit(feed_source).hostname or "").lower()
    except ValueError:
        own = ""
    if host != own and is_public_literal(host) is False:
        return (f"link points at {host}, a local or private address; refused "
                "(set DIGEST_LIMITS__ALLOW_PRIVATE_URLS=true to allow)")
    return None


def parse_feed(
    raw: bytes, source: str, fetcher: Fetcher | None, parse_html: HtmlParser,
    limits: Limits | None = None,
) -> Iterator[Result]:
    """RSS/Atom entries; teaser-only entries are completed from their linked page."""
    limits = limits or (fetcher.limits if fetcher is not None else Limits())
    feed = feedparser.parse(raw)
    broken = f"malformed feed ({feed.bozo_exception}); " if feed.get("bozo") else ""
    if not feed.entries:
        yield SourceError(source, f"{broken or 'empty feed: '}no entries")
        return
    outlet = feed.feed.get("title")
    deadline = fetcher.feed_deadline() if fetcher is not None else time.monotonic()
    for index, entry in enumerate(feed.entries):
        link = str(entry.get("link") or "") or None
        where = link or f"{source}#entry{index}"
        try:
            yield from _entry(entry, where, link, outlet, broken, source, fetcher, parse_html,
                              limits, deadline)
        except SourceError as exc:
            yield exc
        except Exception as exc:  # noqa: BLE001 -- one odd entry must not sink its feed
            yield SourceError(where, f"unreadable feed entry ({type(exc).__name__}: {exc})")


def _entry(
    entry: dict, where: str, link: str | None, outlet: str | None, broken: str, source: str,
    fetcher: Fetcher | None, parse_html: HtmlParser, limits: Limits, deadline: float,
) -> Iterator[Result]:
    html = ""
    if entry.get("content"):
        html = max((c.get("value", "") for c in entry["content"]), key=len)
    has_content = bool(html)
    html = html or entry.get("summary", "")
    text = html_to_text(html)
    meta = {
        "title": entry.get("title"),
        # RSS <author> is "email (Name)"; feedparser's author_detail has the name alone.
        "author": (entry.get("author_detail") or {}).get("name") or entry.get("author"),
        "outlet": outlet,
        "published": entry.get("published") or entry.get("updated"),
        "url": link,
    }
    problem = _link_problem(link, source, limits) if link else None
    if problem:
        raise SourceError(where, problem)
    notes: list[Notice] = []
    teaser = len(text) < (MIN_CONTENT_CHARS if has_content else TEASER_CHARS)
    if teaser and link:
        if fetcher is None:
            raise SourceError(where, "feed entry is only a teaser and fetching is disabled")
        try:
            page = fetcher.get(link, deadline=deadline, linked_from=source)
            article = parse_html(page.body, where, url=page.url, limits=limits, notes=notes)
        except SourceError as exc:
            reason = f"feed entry is only a teaser; linked page: {exc.reason}"
            raise SourceError(where, reason) from exc
        # The feed's own metadata is more reliable than what a page scraper guesses.
        meta = {**{k: v for k, v in meta.items() if v}, "url": link}
        yield build_article(article.text, where, meta={**article.model_dump(), **meta},
                            limits=limits, notes=notes)
        yield from notes
        return
    try:
        yield build_article(text, where, meta=meta, limits=limits, notes=notes)
    except SourceError as exc:
        raise SourceError(exc.source, broken + exc.reason) from exc
    yield from notes


def html_to_text(html: str) -> str:
    if "<" not in html:
        return html.strip()
    extracted = trafilatura.extract(html, include_comments=False, favor_recall=True)
    if extracted:
        return extracted
    try:
        return lxml.html.fromstring(html).text_content().strip()
    except Exception:  # lxml raises ParserError on fragments it cannot read at all
        return ""
