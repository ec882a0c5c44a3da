"""The archive target: a valid Atom feed (feedparser) and a static archive of every day."""

from __future__ import annotations

import json
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import httpx
from daily_helpers import DAYS, Daily, evening
from deliver_helpers import add_targets, file_hashes

from digest.daily.deliver import deliver

ARCHIVE = """
[[deliver]]
name = "site"
type = "archive"
title = "Harbor desk digest"
entries = {entries}
{base}
"""


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]


def _page(path: Path) -> _Page:
    parser = _Page()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _publish(daily: Daily, *, entries: int = 20, base: str = "") -> list:
    add_targets(daily.root, ARCHIVE.format(entries=entries, base=base))
    with httpx.Client() as http:
        return deliver(daily.project, DAYS, now=evening(DAYS[2]), env={}, http=http)


def _sidecar(daily: Daily, day) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(daily.digest(day, ".json").read_text(encoding="utf-8"))


def test_the_feed_is_valid_atom_with_one_entry_per_day(three_days: Daily) -> None:
    out = three_days.project.output_dir
    before = file_hashes(out)
    results = _publish(three_days, base='base_url = "https://news.example.org/digests/"')
    assert [r.status for r in results] == ["sent"] * 3
    feed = feedparser.parse(str(out / "feed.xml"))
    assert feed.bozo is False, feed.get("bozo_exception")
    assert feed.version == "atom10" and feed.feed.title == "Harbor desk digest"
    assert feed.feed.id == "https://news.example.org/digests/feed.xml"
    assert len(feed.entries) == 3
    for entry, day in zip(feed.entries, reversed(DAYS), strict=True):  # newest first
        sidecar = _sidecar(three_days, day)
        assert entry.id == f"https://news.example.org/digests/archive/{day}.html"
        assert entry.link == entry.id
        assert entry.title.startswith(f"{day}: ") and sidecar["stories"][0] in entry.title
        updated = datetime.fromisoformat(sidecar["generated_at"].replace("Z", "+00:00"))
        assert entry.updated_parsed[:6] == updated.utctimetuple()[:6]
        assert entry.summary.startswith("Top stories: ")
        content = entry.content[0]
        assert content.type == "text/html" and "<script" not in content.value
        for source in sidecar["sources"]:
            assert source["article"]["url"] in content.value  # citations link to articles
    assert file_hashes(out) == before  # the digests themselves are only read


def test_publishing_again_changes_nothing_and_entries_limits_the_feed(three_days: Daily) -> None:
    out = three_days.project.output_dir
    _publish(three_days, entries=2)
    written = {p: p.read_bytes() for p in [out / "feed.xml", out / "index.html",
                                            *sorted((out / "archive").iterdir())]}
    mtimes = {p: p.stat().st_mtime_ns for p in written}
    with httpx.Client() as http:
        again = deliver(three_days.project, DAYS, now=evening(DAYS[2]), env={}, http=http,
                        force=True)
    assert {r.detail for r in again} == {"archive of 3 day(s) already up to date"}
    assert {p: p.read_bytes() for p in written} == written
    assert {p: p.stat().st_mtime_ns for p in written} == mtimes
    feed = feedparser.parse(str(out / "feed.xml"))
    assert feed.bozo is False and [e.title[:10] for e in feed.entries] == ["2026-05-20",
                                                                          "2026-05-19"]
    assert feed.entries[0].id.startswith("urn:uuid:")  # stable ids without a base_url
    assert feed.entries[0].link == "archive/2026-05-20.html"


def test_the_archive_lists_every_day_and_each_page_links_its_neighbours(
    three_days: Daily
) -> None:
    out = three_days.project.output_dir
    _publish(three_days)
    index = _page(out / "index.html")
    assert "script" not in index.tags
    for day in DAYS:
        assert f"archive/{day}.html" in index.hrefs and f"{day}.md" in index.hrefs
    for i, day in enumerate(DAYS):
        page = _page(out / "archive" / f"{day}.html")
        assert "script" not in page.tags
        local = [h for h in page.hrefs if not h.startswith(("http", "#"))]
        for href in local:
            assert (out / "archive" / href).resolve().is_file(), href  # no dead link
        assert "../index.html" in local and f"../{day}.md" in local
        neighbours = {f"{d}.html" for d in DAYS[max(i - 1, 0): i + 2] if d != day}
        assert {h for h in local if h[:4].isdigit()} == neighbours  # prev / next only
