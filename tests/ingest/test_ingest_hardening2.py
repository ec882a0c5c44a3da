"""Issue 24 at ingest: impossible dates, control characters and lone surrogates.

Each bad field costs only that field (dropped or replaced, with a warning naming it); the
article and the good files next to it are stored, and every chunk offset stays exact.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ingest_helpers import article_md, generated_body, ingest_json
from typer.testing import CliRunner

from digest.embed import MiniLMEmbedder
from digest.ingest.chunk import chunk_article
from digest.ingest.readers import parse_json, parse_text
from digest.models import Article
from digest.store import Store, open_client


def _goods(tmp: Path, count: int = 3) -> list[str]:
    paths = []
    for i in range(count):
        path = tmp / f"good{i}.md"
        path.write_text(article_md(f"Good {i}", generated_body(40 + i, paragraphs=1),
                                   url=f"https://good.example.com/{i}"))
        paths.append(str(path))
    return paths


@pytest.mark.parametrize("value", ["2025-13-45", "2025-02-30", "2025-05-01 25:61:00"])
def test_impossible_unquoted_yaml_date_drops_the_field_not_the_article(value: str) -> None:
    notes: list = []
    raw = f"---\ntitle: T\ndate: {value}\n---\nThe port reopened on Monday.\n".encode()
    article = parse_text(raw, "odd.md", notes=notes)
    assert article.title == "T" and article.published is None
    assert any("not a date" in n.message for n in notes)


def test_json_offset_beyond_24_hours_drops_the_date() -> None:
    record = {"text": "The port reopened.", "title": "T", "published": "2025-05-01T10:00:00+25:00"}
    items = list(parse_json(json.dumps(record).encode(), "a.json"))
    articles = [i for i in items if isinstance(i, Article)]
    assert len(articles) == 1 and articles[0].published is None
    assert any("not a date" in getattr(i, "message", "") for i in items)


def test_control_characters_are_replaced_one_for_one_and_offsets_stay_exact() -> None:
    body = "The port \x01reopened.\x1b[2J It was \x00closed\x07 for a week. " * 30
    record = {"text": body, "title": "Ctrl \u0007\u0008\u001b[2J\u001b]0;pwned\u0007"}
    items = list(parse_json(json.dumps(record).encode(), "a.json"))
    article = next(i for i in items if isinstance(i, Article))
    assert not any(ord(c) < 32 and c not in "\n\t" for c in article.text + article.title)
    assert len(article.text) == len(body.strip())  # mapped, not deleted
    for chunk in chunk_article(article):
        assert article.text[chunk.start:chunk.end] == chunk.text
    assert any("text:" in getattr(i, "message", "") for i in items)
    assert any("title:" in getattr(i, "message", "") for i in items)


@pytest.mark.parametrize("record", [
    {"title": "T \udfff", "text": "The port reopened after a week of repairs to the quay."},
    {"outlet": "\ud83d", "text": "The port reopened after a week of repairs to the quay."},
    {"title": "T", "text": "The port reopened \ud800 after a week of repairs to the quay."},
])
def test_lone_surrogate_costs_no_good_file(
    record: dict, tmp_path: Path, embedder: MiniLMEmbedder
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(record))  # json.dumps writes "\udfff" as an escape, as a user would
    code, report = ingest_json(CliRunner(), str(bad), *_goods(tmp_path))
    assert code == 0
    statuses = {Path(o["source"]).name: o["status"] for o in report["outcomes"]}
    assert statuses["bad.json"] == "added"
    assert sum(s == "added" for s in statuses.values()) == 4
    assert any("replaced" in w["warning"] for w in report["warnings"])
    store = Store(open_client(path=str(tmp_path / "digest-home" / "chroma")), embedder)
    assert len(store.articles()) == 4


def test_control_characters_in_title_reach_the_store_cleaned(
    tmp_path: Path, embedder: MiniLMEmbedder
) -> None:
    bad = tmp_path / "ctrl.json"
    bad.write_text(json.dumps({"title": "A \u0001 B \u0000 C \u001b D",
                               "text": "Body \u0001 text about the port reopening."}))
    code, _ = ingest_json(CliRunner(), str(bad))
    assert code == 0
    store = Store(open_client(path=str(tmp_path / "digest-home" / "chroma")), embedder)
    (stored,) = store.articles()
    assert stored.title == "A B C D"
    assert "\x01" not in (store.article_text(stored.id) or "")


def test_control_characters_in_front_matter_cost_nothing() -> None:
    notes: list = []
    raw = b'---\ntitle: "Port \x01 reopens \x1b[2J"\n---\nThe port \x7f reopened.\n'
    article = parse_text(raw, "ctrl.md", notes=notes)
    assert article.title == "Port reopens [2J"
    assert article.text == "The port   reopened."  # DEL became one space: offsets unchanged
    assert any("replaced" in n.message for n in notes)
