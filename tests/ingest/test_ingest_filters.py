"""Chunk metadata supports filtering queries by outlet, article and published date range."""

from __future__ import annotations

from datetime import UTC, datetime

from digest.store import Store, date_where

QUESTION = "Where did Putin arrive in China?"


def test_query_filtered_by_outlet(corpus_store: Store) -> None:
    hits = corpus_store.query(QUESTION, k=8, where=date_where(outlet="Pacific Dispatch"))
    assert hits and {h.article.outlet for h in hits} == {"Pacific Dispatch"}


def test_query_filtered_by_published_window(corpus_store: Store) -> None:
    since, until = datetime(2026, 5, 19, tzinfo=UTC), datetime(2026, 5, 20, tzinfo=UTC)
    hits = corpus_store.query(QUESTION, k=30, where=date_where(since, until))
    assert hits
    for hit in hits:
        assert hit.article.published is not None and since <= hit.article.published < until
    unfiltered = corpus_store.query(QUESTION, k=30)
    assert len(unfiltered) > len(hits), "the filter removed something"


def test_query_filtered_by_article(corpus_store: Store) -> None:
    target = next(a for a in corpus_store.articles() if a.outlet == "Lakeside Observer")
    hits = corpus_store.query(QUESTION, k=10, where=date_where(article_ids=[target.id]))
    assert {h.chunk.article_id for h in hits} == {target.id}
    assert len(hits) == target.chunks
    text = corpus_store.article_text(target.id) or ""
    for hit in hits:
        assert text[hit.chunk.start : hit.chunk.end] == hit.chunk.text
