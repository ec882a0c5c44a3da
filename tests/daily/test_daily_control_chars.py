"""Issue 24 item 8: a control character never breaks the archive or reaches a mail header.

Two ways in: an article carrying ``\\u0001``/``\\u0000``/``\\u001b`` (cleaned at ingest, so the
run, the feed and every later run work), and a digest already on disk that carries them (an
older store): the output boundary (Atom, email Subject) must hold on its own.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import feedparser
import httpx
from daily_helpers import Daily, article, evening, write_project
from deliver_helpers import add_targets

from digest.daily.deliver import deliver
from digest.daily.mail import subject_line
from digest.daily.outbox import DayDigest, load_day
from digest.daily.publish import _feed
from digest.daily.targets import ArchiveTarget, EmailTarget

DAY = date(2026, 5, 20)
ARCHIVE = '[[deliver]]\nname = "site"\ntype = "archive"\n'
DIRTY = "Port \x00reopens\x01 after \x1b[2J strike"


def test_an_article_with_control_characters_publishes_a_valid_feed(
    tmp_path: Path, embedder
) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "project"
    write_project(root)
    add_targets(root, ARCHIVE)
    record = {"title": DIRTY, "outlet": "Wire \u0001", "url": "https://example.org/port",
              "published": "2026-05-20T09:00:00+00:00",
              "text": "Port officials in Tianjin said \u0001 on Thursday that a new terminal "
                      "would open \u0000 next month. The terminal will handle grain \u001b[2J "
                      "shipments, the officials said."}
    (root / "inbox" / "port.json").write_text(json.dumps(record), encoding="utf-8")
    daily = Daily(root, embedder)
    for _ in range(2):  # and every later run works as well
        result = daily.run(evening(DAY))
        assert result.record.outcome in ("written", "unchanged")
        with httpx.Client() as http:
            sent = deliver(daily.project, [DAY], now=evening(DAY), env={}, http=http, force=True)
        assert [d.status for d in sent] == ["sent"], [d.detail for d in sent]
    out = daily.project.output_dir
    feed = feedparser.parse(str(out / "feed.xml"))
    assert feed.bozo is False and len(feed.entries) == 1
    assert (out / "index.html").is_file()


def _dirty_digest(tmp_path: Path, embedder) -> DayDigest:  # type: ignore[no-untyped-def]
    root = tmp_path / "clean"
    write_project(root)
    article(root, "port", published="2026-05-20T09:00:00+00:00")
    daily = Daily(root, embedder)
    daily.run(evening(DAY))
    clean = load_day(daily.project.output_dir, DAY)
    briefing = clean.briefing.model_copy(update={
        "title": "Daily \x00digest\x01 \x1b]0;pwned\x07", "stories": [DIRTY]})
    sidecar = briefing.model_dump_json()
    return DayDigest(DAY, clean.markdown + "\x01", sidecar, briefing,
                     hashlib.sha256(sidecar.encode()).hexdigest())


def test_the_atom_writer_and_the_subject_clean_a_dirty_digest(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    digest = _dirty_digest(tmp_path, embedder)
    target = ArchiveTarget.model_validate({"type": "archive", "name": "site",
                                           "title": "Desk \x01 digest"})
    xml = _feed(target, [digest])
    assert feedparser.parse(xml).bozo is False
    email = EmailTarget.model_validate({"type": "email", "name": "m", "host": "localhost",
                                        "from": "a@example.com", "to": ["b@example.com"],
                                        "subject": "{title}: {top_story}"})
    subject = subject_line(email, digest)
    assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in subject), repr(subject)
    assert "digest" in subject
