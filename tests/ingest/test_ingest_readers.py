"""Each reader turns its format into articles with the right text and metadata."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from ingest_helpers import FIXTURES

from digest.errors import SourceError
from digest.ingest.readers import expand, read_file
from digest.models import Article

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "seeds" / "corpus"


def _read(path: Path) -> list[Article | SourceError]:
    return list(read_file(path, None))


def _one(path: Path) -> Article:
    results = _read(path)
    assert len(results) == 1 and isinstance(results[0], Article), results
    return results[0]


def test_plain_text_keeps_its_text_and_is_keyed_by_content() -> None:
    article = _one(FIXTURES / "wrapped.txt")
    raw = (FIXTURES / "wrapped.txt").read_text(encoding="utf-8")
    assert article.text == raw.strip()
    assert article.url is None and article.title is None
    assert article.id == Article.build(text=raw.strip()).id, "no URL: the content hash is the key"


def test_markdown_front_matter_becomes_metadata_and_is_not_text() -> None:
    article = _one(FIXTURES / "front_matter.md")
    assert article.title == "Council approves new tram line: what changes"
    assert article.outlet == "Riverside Gazette"
    assert article.author == "Priya Nand"
    assert article.published == datetime(2026, 5, 22, 12, 30, tzinfo=UTC)
    assert article.published.utcoffset() == timedelta(hours=-4)
    # canonical URL: tracking parameters and fragment gone, real query kept
    assert article.url == "https://riverside.example.com/local/tram-line-approved?id=42"
    assert article.text.startswith("# Council approves new tram line")
    assert "outlet:" not in article.text and "---" not in article.text


def test_corpus_markdown_metadata_matches_the_seed_table() -> None:
    article = _one(CORPUS / "02-pipeline-payments-moscow-agenda.md")
    assert article.outlet == "Northern Ledger"
    assert article.published == datetime(2026, 5, 18, 11, 40, tzinfo=timezone(timedelta(hours=3)))
    assert article.published.utcoffset() == timedelta(hours=3)


def test_html_main_text_without_boilerplate_and_with_time_of_day() -> None:
    article = _one(CORPUS / "07-ukraine-peace-process-putin-xi.html")
    assert article.title == "Ukraine peace process looms over Putin\u2013Xi talks"
    assert article.outlet == "Eastern Bulletin"
    assert article.author == "Oksana Dreval"
    assert article.url == (
        "https://easternbulletin.example.net/world/2026/05/19/ukraine-peace-process-putin-xi-talks"
    )
    # article:published_time carries 09:10 +03:00; the day alone would be midnight
    assert article.published == datetime(2026, 5, 19, 6, 10, tzinfo=UTC)
    assert "Taras Holub" in article.text and "Lin Qiao" in article.text
    for boilerplate in ("Newsletters", "Subscribe", "Sign up for our Morning Briefing",
                        "cookie", "\u00a9", "All rights reserved"):
        assert boilerplate not in article.text, boilerplate


def test_html_date_from_json_ld_graph_and_canonical_link() -> None:
    article = _one(FIXTURES / "article_jsonld.html")
    assert article.published == datetime(2026, 5, 21, 13, 45, tzinfo=UTC)
    assert article.url == "https://bosporus.example.org/world/grain-corridor-talks-resume"
    assert article.outlet == "Bosporus Courier"
    assert "Selin Okur" in article.text
    assert "Celebrity chef" not in article.text and "cookies" not in article.text


def test_json_array_records() -> None:
    results = _read(FIXTURES / "records.json")
    assert all(isinstance(r, Article) for r in results)
    titles = [r.title for r in results if isinstance(r, Article)]
    assert titles == ["Museum reopens after flood repairs", "Bridge inspection finds minor cracks"]
    second = results[1]
    assert isinstance(second, Article)
    assert second.published == datetime(2026, 5, 21, 14, 0, tzinfo=UTC)
    assert second.source.endswith("records.json[1]")


def test_jsonl_corpus_record() -> None:
    article = _one(CORPUS / "13-xi-putin-pledge-deeper-ties.jsonl")
    assert article.outlet == "Harbor Wire Service"
    assert article.published == datetime(2026, 5, 20, 19, 40, tzinfo=UTC)
    assert "\n\n" in article.text, "paragraph breaks survive"


def test_atom_feed_with_full_content() -> None:
    article = _one(FIXTURES / "feed.atom")
    assert article.outlet == "Uplands Review"
    assert article.title == "Orchestra announces free summer concerts"
    assert article.author == "Tomas Vey"
    assert article.url == "https://uplands.example.org/culture/free-concerts"
    assert article.published == datetime(2026, 5, 22, 9, 15, tzinfo=UTC)
    assert "Dvo\u0159\u00e1k" in article.text and "<p>" not in article.text


def test_rss_feed_without_network_reports_the_teaser_entry(tmp_path: Path) -> None:
    feed = tmp_path / "feed.rss"
    feed.write_text((FIXTURES / "feed.rss").read_text().replace("{base}", "https://c.example.com"))
    results = _read(feed)
    full = [r for r in results if isinstance(r, Article)]
    teasers = [r for r in results if isinstance(r, SourceError)]
    assert [a.title for a in full] == ["Lighthouse restoration finished"]
    assert full[0].author == "Ines Faro"
    assert full[0].url == "https://c.example.com/news/lighthouse"
    assert full[0].published == datetime(2026, 5, 22, 7, 30, tzinfo=UTC)
    assert len(teasers) == 1 and "teaser" in teasers[0].reason
    assert teasers[0].source == "https://c.example.com/news/ferry-timetable"


def test_folders_are_walked_recursively_in_order(tmp_path: Path) -> None:
    (tmp_path / "a" / "deep" / "deeper").mkdir(parents=True)
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deep" / "deeper" / "one.md").write_text("One. Text here.")
    (tmp_path / "a" / "two.txt").write_text("Two. Text here.")
    (tmp_path / "b" / "three.json").write_text('[{"text": "Three. Text here."}]')
    (tmp_path / "b" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / ".hidden.md").write_text("Hidden notes.")
    found = list(expand([str(tmp_path)]))
    assert [Path(str(p)).relative_to(tmp_path).as_posix() for p in found] == [
        "a/deep/deeper/one.md", "a/two.txt", "b/three.json",
    ]


def test_missing_path_is_reported_not_raised(tmp_path: Path) -> None:
    (missing,) = list(expand([str(tmp_path / "nope.md")]))
    assert isinstance(missing, SourceError)
    assert "no such file" in missing.reason


def test_pretty_printed_json_object_is_one_record(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(
        {"title": "Pretty", "text": "An indented record. It spans lines.",
         "url": "https://p.example.com/1", "published": "2026-05-20T10:00:00+02:00"}, indent=2
    ))
    article = _one(path)
    assert article.title == "Pretty" and article.text == "An indented record. It spans lines."
    assert article.published == datetime(2026, 5, 20, 8, 0, tzinfo=UTC)


def test_json_lines_saved_as_json_still_read(tmp_path: Path) -> None:
    path = tmp_path / "dump.json"
    path.write_text('{"text": "First line record."}\n{"text": "Second line record."}\n')
    assert [r.text for r in _read(path) if isinstance(r, Article)] == [
        "First line record.", "Second line record.",
    ]


def test_utf16_text_with_byte_order_mark_is_text_not_binary(tmp_path: Path) -> None:
    path = tmp_path / "windows.txt"
    path.write_bytes("Caf\u00e9 owners in Z\u00fcrich met on Monday.".encode("utf-16"))
    assert _one(path).text == "Caf\u00e9 owners in Z\u00fcrich met on Monday."
