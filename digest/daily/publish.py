"""The archive target: an Atom feed and a static, browsable archive next to the digests.

    OUTPUT_DIR/feed.xml            Atom (feedgen), the newest ``entries`` days
    OUTPUT_DIR/index.html          every day, newest first, its top stories and files
    OUTPUT_DIR/archive/DAY.html    each day, script-free, with prev / next / all-days links

Everything is rebuilt from the JSON sidecars on disk, so the archive always matches the
digests, including a day a backfill rewrote, and a file is replaced (atomically) only when
its bytes change: publishing twice changes nothing. Timestamps come from each digest's
``generated_at``, never the clock, and links are relative (with ``base_url`` the feed's are
absolute), so the folder works opened from disk or behind any web server. The digest files
themselves are only read.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from feedgen.feed import FeedGenerator

from digest.daily.outbox import DayDigest, digest_days, load_day
from digest.daily.targets import ArchiveTarget
from digest.errors import DeliveryError
from digest.render.daily import NO_NEWS
from digest.render.email import Nav, render_archive_index, render_email_html, top_stories
from digest.render.output import write_atomic
from digest.safe_text import xml_safe

logger = logging.getLogger(__name__)
FEED, INDEX, PAGES = "feed.xml", "index.html", "archive"


def _originals(directory: Path, day: date, prefix: str) -> list[tuple[str, str]]:
    """The digest's own files that exist, as (label, relative href)."""
    labels = {".md": "Markdown", ".json": "JSON", ".html": "interactive page"}
    return [(label, f"{prefix}{day}{suffix}") for suffix, label in labels.items()
            if (directory / f"{day}{suffix}").is_file()]


def _readable(directory: Path) -> list[DayDigest]:
    days = []
    for day in digest_days(directory):
        try:
            days.append(load_day(directory, day))
        except DeliveryError as exc:  # one broken day must not take the archive down
            logger.warning("archive: %s; left out", exc)
    return days


def _day_pages(directory: Path, days: list[DayDigest]) -> dict[Path, str]:
    pages = {}
    for i, digest in enumerate(days):
        before = days[i - 1].day if i > 0 else None
        after = days[i + 1].day if i + 1 < len(days) else None
        nav = Nav(index=f"../{INDEX}",
                  prev=(str(before), f"{before}.html") if before else None,
                  next=(str(after), f"{after}.html") if after else None,
                  original=_originals(directory, digest.day, "../"))
        pages[directory / PAGES / f"{digest.day}.html"] = render_email_html(digest.briefing, nav)
    return pages


def _index(target: ArchiveTarget, directory: Path, days: list[DayDigest]) -> str:
    listed: list[dict[str, Any]] = [{
        "date": str(d.day), "href": f"{PAGES}/{d.day}.html", "stories": top_stories(d.briefing),
        "sources": len(d.briefing.sources), "files": _originals(directory, d.day, ""),
        "empty": NO_NEWS,
    } for d in reversed(days)]
    return render_archive_index(target.title, listed, FEED if days else None)


def _feed(target: ArchiveTarget, days: list[DayDigest]) -> str:
    base = target.base_url or ""
    feed_uuid = uuid.uuid5(uuid.NAMESPACE_URL, f"digest-archive:{target.name}:{target.title}")
    feed_id = f"{base}{FEED}" if base else feed_uuid.urn  # stable: entries keep their ids
    generator = FeedGenerator()
    generator.id(feed_id)
    generator.title(xml_safe(target.title))
    generator.author({"name": xml_safe(target.title)})
    generator.link(href=f"{base}{INDEX}", rel="alternate")
    if base:
        generator.link(href=f"{base}{FEED}", rel="self")
    shown = days[-target.entries:]
    generator.updated(max(d.briefing.generated_at for d in shown))
    for digest in reversed(shown):  # newest first
        page = f"{base}{PAGES}/{digest.day}.html"
        entry = generator.add_entry(order="append")
        entry.id(page if base else uuid.uuid5(feed_uuid, str(digest.day)).urn)
        entry.title(xml_safe(f"{digest.day}: {digest.top_story}"))
        entry.updated(digest.briefing.generated_at)
        entry.link(href=page, rel="alternate")
        stories = top_stories(digest.briefing)
        entry.summary(xml_safe("Top stories: " + "; ".join(stories) if stories else NO_NEWS))
        # XML cannot hold a control character: one in an article used to crash the writer
        # after the email had gone, and every later run the same way (issue 24)
        entry.content(xml_safe(render_email_html(digest.briefing, fragment=True)), type="html")
    return generator.atom_str(pretty=True).decode("utf-8")


def publish_archive(target: ArchiveTarget, directory: Path) -> str:
    """Rebuild feed, index and day pages; write only what changed. Returns what it did."""
    days = _readable(directory)
    if not days:
        raise DeliveryError(f"archive {target.name}: no readable digest in {directory}")
    files = {directory / INDEX: _index(target, directory, days), **_day_pages(directory, days),
             directory / FEED: _feed(target, days)}
    changed = [path for path, text in files.items()
               if not (path.is_file() and path.read_bytes() == text.encode("utf-8"))]
    try:
        for path in changed:
            write_atomic(path, files[path])
        stale = [p for p in (directory / PAGES).glob("????-??-??.html") if p not in files]
        for path in stale:
            path.unlink()
    except OSError as exc:
        raise DeliveryError(f"archive {target.name}: cannot write in {directory}: "
                            f"{exc.strerror or exc}") from exc
    if not changed and not stale:
        return f"archive of {len(days)} day(s) already up to date"
    return (f"archive of {len(days)} day(s): wrote {len(changed)} file(s)"
            + (f", removed {len(stale)} page(s) of deleted days" if stale else ""))
