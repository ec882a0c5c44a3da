"""Identity and idempotence: re-ingest changes nothing, edits replace, URLs canonicalise."""

from __future__ import annotations

import shutil
from pathlib import Path

from ingest_helpers import article_md, assert_consistent, generated_body, ingest_json, run_cli
from typer.testing import CliRunner

from digest.embed import MiniLMEmbedder
from digest.ingest.pipeline import ingest
from digest.store import Store, open_client

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "seeds" / "corpus"


def test_reingesting_the_corpus_changes_nothing(corpus_copy: Store) -> None:
    store = corpus_copy  # the corpus, ingested once per session
    before = assert_consistent(store)
    articles_before = store.articles()
    assert len(articles_before) == 13
    chunk_count = store.count_chunks()
    assert chunk_count == sum(len(v) for v in before.values())

    second = ingest([str(CORPUS)], store=store, fetcher=None)
    assert second.counts["unchanged"] == 13
    assert second.counts["added"] == second.counts["updated"] == 0
    assert second.chunks_written == 0
    assert store.count_chunks() == chunk_count
    assert assert_consistent(store) == before
    assert store.articles() == articles_before


def test_changed_article_replaces_its_chunks_without_orphans(tmp_path: Path, store: Store) -> None:
    url = "https://edits.example.com/story"
    path = tmp_path / "story.md"
    path.write_text(article_md("Story", generated_body(7, paragraphs=6), url=url))
    ingest([str(path)], store=store, fetcher=None)
    (old,) = store.articles()
    assert old.chunks >= 3

    path.write_text(article_md("Story (corrected)", generated_body(8, paragraphs=1), url=url))
    report = ingest([str(path)], store=store, fetcher=None)
    assert [o.status for o in report.outcomes] == ["updated"]
    (new,) = store.articles()
    assert new.id == old.id, "same URL, same article"
    assert new.content_hash != old.content_hash and new.title == "Story (corrected)"
    assert new.chunks < old.chunks
    chunks = assert_consistent(store)
    assert len(chunks[new.id]) == new.chunks
    assert store.count_chunks() == new.chunks
    text = store.article_text(new.id) or ""
    assert all(c.text in text for c in store.chunks_of(new.id))
    assert "Report 7." not in " ".join(c.text for c in store.chunks_of(new.id))


def test_tracking_parameters_do_not_make_a_second_article(tmp_path: Path, store: Store) -> None:
    body = generated_body(11, paragraphs=2)
    (tmp_path / "a.md").write_text(article_md("A", body, url="https://x.example.com/s?id=3"))
    (tmp_path / "b.md").write_text(
        article_md("A", body, url="https://X.example.com/s/?utm_source=tw&id=3&fbclid=9#top")
    )
    report = ingest([str(tmp_path)], store=store, fetcher=None)
    assert {Path(o.source).name: o.status for o in report.outcomes} == {
        "a.md": "added",
        "b.md": "unchanged",
    }
    (stored,) = store.articles()
    assert stored.url == "https://x.example.com/s?id=3"


def test_same_text_without_url_is_one_article(tmp_path: Path, store: Store) -> None:
    body = generated_body(12, paragraphs=1)
    (tmp_path / "one.txt").write_text(body)
    (tmp_path / "two.txt").write_text(body + "\n")
    report = ingest([str(tmp_path)], store=store, fetcher=None)
    assert sorted(o.status for o in report.outcomes) == ["added", "unchanged"]
    assert len(store.articles()) == 1


def test_dry_run_on_an_empty_store_writes_nothing(cli: CliRunner) -> None:
    code, report = ingest_json(cli, "--dry-run", str(CORPUS))
    assert code == 0 and report["dry_run"] is True
    assert report["counts"]["added"] == 13 and report["counts"]["duplicates"] == 1
    assert report["chunks"] == 0
    assert run_cli(cli, "sources", "--json").stdout.strip() == ""


def test_dry_run_reports_an_edit_and_keeps_the_old_version(
    tmp_path: Path, cli: CliRunner, corpus_copy: Store, embedder: MiniLMEmbedder
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    before = assert_consistent(corpus_copy)
    store_path = tmp_path / "digest-home" / "chroma"
    edited = corpus / "09-putin-flies-into-beijing.md"
    edited.write_text(edited.read_text() + "\nA late paragraph was added by the editors.\n")
    human = run_cli(cli, "ingest", "--dry-run", str(corpus))
    assert human.exit_code == 0
    assert "DRY RUN: would be added 0, would be updated 1, unchanged 12" in " ".join(
        human.output.split()
    )
    after = Store(open_client(path=str(store_path)), embedder)
    assert assert_consistent(after) == before
    assert "late paragraph" not in " ".join(
        c.text for a in after.articles() for c in after.chunks_of(a.id)
    )
