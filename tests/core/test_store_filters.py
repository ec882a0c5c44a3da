"""Filtered queries: resolved against the article table, identical to Chroma's own filtering."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from digest.filters import ArticleFilter, date_where
from digest.store import Store, open_client

MAY = lambda day: datetime(2026, 5, day, tzinfo=UTC)  # noqa: E731


@pytest.mark.parametrize(
    "flt",
    [
        date_where(MAY(19), MAY(20)),
        date_where(MAY(18), None, "Harbor Wire Service"),
        date_where(None, MAY(19)),
        date_where(outlet="Pacific Dispatch"),
    ],
)
def test_article_filter_matches_chroma_where(corpus_store: Store, flt: ArticleFilter) -> None:
    vector = corpus_store.embedder.embed(["Where did Putin arrive in China?"])[0]
    ours = corpus_store.query_vector(vector, k=8, where=flt)
    chroma = corpus_store._chunks.query(  # Chroma's own metadata filter over the same chunks
        query_embeddings=[vector], n_results=8, where=flt.where(), include=[]
    )["ids"][0]
    assert ours, "the filter should match something in the corpus"
    assert [h.chunk.id for h in ours] == chroma
    for hit in ours:
        assert flt.matches(hit.article.id, int(hit.article.published.timestamp()), hit.article.outlet)


def test_filter_with_no_match_returns_nothing(corpus_store: Store) -> None:
    vector = corpus_store.embedder.embed(["anything"])[0]
    assert corpus_store.query_vector(vector, where=date_where(outlet="No Such Outlet")) == []


def test_article_table_follows_this_stores_writes_and_forgets(tmp_path, embedder) -> None:
    from digest.ingest.pipeline import forget, ingest

    store = Store(open_client(path=str(tmp_path / "db")), embedder)
    first = tmp_path / "a.md"
    first.write_text("---\noutlet: One\nurl: https://one.example.com/a\npublished: 2026-05-19\n---\n"
                     "The energy talks ended without a price agreement, officials said.")
    ingest([str(first)], store=store, fetcher=None)
    vector = embedder.embed(["energy talks"])[0]
    only_one = date_where(outlet="One")
    assert len(store.query_vector(vector, where=only_one)) == 1  # loads the table
    second = tmp_path / "b.md"
    second.write_text("---\noutlet: One\nurl: https://one.example.com/b\npublished: 2026-05-20\n---\n"
                      "Energy ministers met again on Wednesday, a spokesperson said.")
    ingest([str(second)], store=store, fetcher=None)
    assert len(store.query_vector(vector, where=only_one)) == 2  # the write updated the table
    forget(store, "https://one.example.com/a")
    assert len(store.query_vector(vector, where=only_one)) == 1


def test_a_long_lived_store_sees_another_writers_articles(tmp_path, embedder) -> None:
    """Two Store objects on one Chroma folder stand for two processes sharing a store."""
    from digest.ingest.pipeline import forget, ingest

    reader = Store(open_client(path=str(tmp_path / "db")), embedder)
    writer = Store(open_client(path=str(tmp_path / "db")), embedder)
    vector = embedder.embed(["energy talks"])[0]
    only_one = date_where(outlet="One")
    assert reader.query_vector(vector, where=only_one) == []  # loads an empty table
    path = tmp_path / "a.md"
    path.write_text("---\noutlet: One\nurl: https://one.example.com/a\n---\n"
                    "The energy talks ended without a price agreement, officials said.")
    ingest([str(path)], store=writer, fetcher=None)
    assert len(reader.query_vector(vector, where=only_one)) == 1
    forget(writer, "https://one.example.com/a")
    assert reader.query_vector(vector, where=only_one) == []
