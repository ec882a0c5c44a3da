"""Near-duplicates: the wire copy is linked (both kept); unrelated stories are not."""

from __future__ import annotations

from pathlib import Path

from ingest_helpers import run_cli
from typer.testing import CliRunner

from digest.ingest import dedupe
from digest.ingest.pipeline import forget, ingest
from digest.ingest.readers import read_file
from digest.models import Article
from digest.store import Store

CORPUS = Path(__file__).resolve().parents[2] / "seeds" / "corpus"
ORIGINAL = CORPUS / "05-putin-arrives-tianjin-red-carpet.md"
COPY = CORPUS / "06-red-carpet-at-the-port-meridian.md"


def _article(path: Path) -> Article:
    (article,) = list(read_file(path, None))
    assert isinstance(article, Article)
    return article


def test_wire_copy_in_the_corpus_is_linked_and_both_are_kept(corpus_store: Store) -> None:
    original, copy = _article(ORIGINAL), _article(COPY)
    stored = {a.id: a for a in corpus_store.articles()}
    assert original.id in stored and copy.id in stored, "both kept"
    assert stored[copy.id].duplicate_of == original.id
    assert stored[original.id].duplicate_of is None
    linked = {a.id for a in stored.values() if a.duplicate_of}
    assert linked == {copy.id}, "no other article in the corpus is anyone's duplicate"
    # the link travels with every chunk, so retrieval can count the copy once
    hits = corpus_store.query("red carpet reception at the port of Tianjin", k=20)
    copy_hits = [h for h in hits if h.article.id == copy.id]
    assert copy_hits and all(h.article.duplicate_of == original.id for h in copy_hits)


def test_similarity_scores_separate_copy_from_same_topic_story() -> None:
    original = dedupe.signature(_article(ORIGINAL).text)
    copy = dedupe.signature(_article(COPY).text)
    same_topic = dedupe.signature(_article(CORPUS / "11-putin-xi-sco-regional-security.md").text)
    same_outlet = dedupe.signature(
        _article(CORPUS / "01-kremlin-confirms-putin-china-visit.md").text
    )
    assert original.jaccard(copy) >= 0.7
    assert original.jaccard(same_topic) < 0.2
    assert original.jaccard(same_outlet) < 0.2
    decoded = dedupe.decode(dedupe.encode(copy))
    assert decoded is not None and decoded.jaccard(original) == copy.jaccard(original)
    assert dedupe.decode("not base64 at all!") is None


def test_unrelated_pair_is_not_linked(tmp_path: Path, store: Store) -> None:
    ingest([str(CORPUS / "01-kremlin-confirms-putin-china-visit.md"),
            str(CORPUS / "09-putin-flies-into-beijing.md")], store=store, fetcher=None)
    assert [a.duplicate_of for a in store.articles()] == [None, None]


def test_copy_ingested_in_a_later_run_is_linked_to_the_stored_original(store: Store) -> None:
    ingest([str(ORIGINAL)], store=store, fetcher=None)
    report = ingest([str(COPY)], store=store, fetcher=None)
    (outcome,) = report.outcomes
    assert outcome.duplicate_of == _article(ORIGINAL).id
    assert outcome.similarity is not None and outcome.similarity >= 0.7
    assert report.counts["duplicates"] == 1


def test_forgetting_the_original_clears_the_link(store: Store) -> None:
    ingest([str(ORIGINAL), str(COPY)], store=store, fetcher=None)
    original, copy = _article(ORIGINAL), _article(COPY)
    assert store.get_article(copy.id).duplicate_of == original.id  # type: ignore[union-attr]

    assert forget(store, original.url or "") == original.id
    remaining = store.get_article(copy.id)
    assert remaining is not None and remaining.duplicate_of is None
    assert store.get_article(original.id) is None
    hits = store.query("Tianjin red carpet", k=10)
    assert hits and all(h.article.id == copy.id for h in hits)
    assert all(h.article.duplicate_of is None for h in hits), "chunk metadata cleared too"
    # the copy is no longer anyone's duplicate, so re-adding the original links it the other way
    report = ingest([str(ORIGINAL)], store=store, fetcher=None)
    assert report.outcomes[0].duplicate_of == copy.id


def test_cli_reports_the_duplicate_and_lists_the_link(cli: CliRunner) -> None:
    result = run_cli(cli, "ingest", str(ORIGINAL), str(COPY))
    assert result.exit_code == 0
    flat = " ".join(result.output.split())
    assert "duplicates 1" in flat and "kept and linked" in flat
    rows = run_cli(cli, "sources", "--json").stdout
    assert f'"duplicate_of":"{_article(ORIGINAL).id}"' in rows.replace(" ", "")
