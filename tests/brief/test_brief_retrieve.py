"""Retrieval: filters, per-outlet cap, wire copies once, relevance floor, top stories."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import numpy as np
from langchain_core.documents import Document

from digest.models import Chunk, Hit, StoredArticle
from digest.store import Store
from digest.write.retrieve import StoreRetriever, mmr_select

DAY19 = datetime(2026, 5, 19, tzinfo=UTC)
DAY20 = datetime(2026, 5, 20, tzinfo=UTC)


def _hit(chunk_id: str, outlet: str, distance: float, duplicate_of: str | None = None) -> Hit:
    article_id = chunk_id.split(":")[0]
    return Hit(
        chunk=Chunk(id=chunk_id, article_id=article_id, text=chunk_id, start=0, end=1, position=0),
        article=StoredArticle(id=article_id, outlet=outlet, content_hash="h", chunks=1,
                              duplicate_of=duplicate_of),
        distance=distance,
    )


def _orthogonal(ids: list[str]) -> dict[str, np.ndarray]:
    return {cid: np.eye(len(ids), dtype=np.float32)[i] for i, cid in enumerate(ids)}


def test_outlet_cap_lets_other_outlets_in() -> None:
    hits = [_hit(f"a{i}:0", "Loud", 0.1 + i / 100) for i in range(5)]
    hits += [_hit("b:0", "Quiet", 0.5), _hit("c:0", "Other", 0.6)]
    vectors = _orthogonal([h.chunk.id for h in hits])
    uncapped = mmr_select(hits, vectors, k=5, per_outlet=5)
    assert Counter(h.article.outlet for h in uncapped) == {"Loud": 5}
    capped = mmr_select(hits, vectors, k=5, per_outlet=2)
    assert Counter(h.article.outlet for h in capped) == {"Loud": 2, "Quiet": 1, "Other": 1}


def test_wire_copy_and_original_count_once() -> None:
    hits = [_hit("orig:0", "Wire", 0.2), _hit("copy:0", "Paper", 0.1, duplicate_of="orig"),
            _hit("copy:1", "Paper", 0.3, duplicate_of="orig"), _hit("x:0", "Else", 0.4)]
    chosen = mmr_select(hits, _orthogonal([h.chunk.id for h in hits]), k=4, per_outlet=4)
    # the original speaks for its wire group even when a copy ranks higher; the copy is out
    assert {h.article.id for h in chosen} == {"orig", "x"}
    without_original = mmr_select(hits[1:], _orthogonal([h.chunk.id for h in hits[1:]]),
                                  k=4, per_outlet=4)
    # with only copies retrieved, the best-ranked copy speaks for the group
    assert {h.article.id for h in without_original} == {"copy", "x"}


def test_mmr_skips_a_near_repeat_for_a_less_relevant_but_new_passage() -> None:
    hits = [_hit("a:0", "A", 0.10), _hit("b:0", "B", 0.11), _hit("c:0", "C", 0.30)]
    same = np.array([1, 0, 0], dtype=np.float32)
    vectors = {"a:0": same, "b:0": same, "c:0": np.array([0, 1, 0], dtype=np.float32)}
    assert [h.chunk.id for h in mmr_select(hits, vectors, k=2, per_outlet=2)] == ["a:0", "c:0"]


def test_date_window_and_outlet_filters(module_store: Store) -> None:
    passages = StoreRetriever(store=module_store, k=20, since=DAY19, until=DAY20).retrieve(
        "Putin visit to China")
    assert passages
    assert all(DAY19 <= p.article.published < DAY20 for p in passages)
    only = StoreRetriever(store=module_store, k=20, outlet="Pacific Dispatch").retrieve(
        "Putin visit to China")
    assert only and {p.article.outlet for p in only} == {"Pacific Dispatch"}
    assert len(only) > 5  # the outlet cap (5 of 20) does not apply to a single chosen outlet


def test_corpus_retrieval_respects_cap_and_duplicates(module_store: Store) -> None:
    passages = StoreRetriever(store=module_store, k=12, per_outlet=2).retrieve(
        "Putin arrives in Tianjin to a red carpet")
    assert len(passages) <= 12
    assert max(Counter(p.article.outlet for p in passages).values()) <= 2
    stored = module_store.articles()
    tianjin_copies = {a.id for a in stored
                      if a.duplicate_of or any(b.duplicate_of == a.id for b in stored)}
    assert len(tianjin_copies) == 2  # the sample corpus's wire story and its republication
    assert len({p.article.id for p in passages} & tianjin_copies) == 1
    assert [p.id for p in passages] == [f"P{i}" for i in range(1, len(passages) + 1)]


def test_off_topic_question_retrieves_nothing(module_store: Store) -> None:
    assert StoreRetriever(store=module_store, k=12).retrieve("banana bread recipe") == []


def test_empty_window_retrieves_nothing(module_store: Store) -> None:
    retriever = StoreRetriever(store=module_store, k=12, since=datetime(2030, 1, 1, tzinfo=UTC))
    assert retriever.retrieve("Putin") == [] and retriever.retrieve(None) == []


def test_without_topic_the_most_covered_stories_share_the_slots(module_store: Store) -> None:
    passages = StoreRetriever(store=module_store, k=12).retrieve(None)
    assert 0 < len(passages) <= 12
    stories = Counter(p.story for p in passages)
    assert len(stories) >= 2 and stories[0] == max(stories.values())
    assert [p.story for p in passages] == sorted(p.story for p in passages)


def test_the_langchain_adapter_returns_the_same_passages(module_store: Store) -> None:
    """A LangChain chain sees the retriever's own passages, ids and offsets intact."""
    from digest.write.retrieve import as_langchain_retriever

    retriever = StoreRetriever(store=module_store, k=6)
    passages = retriever.retrieve("Putin's visit to China")
    documents = as_langchain_retriever(retriever).invoke("Putin's visit to China")
    assert [d.metadata["passage_id"] for d in documents] == [p.id for p in passages]
    assert [d.page_content for d in documents] == [p.chunk.text for p in passages]
    assert all(isinstance(d, Document) for d in documents)
    assert all(d.metadata["end"] - d.metadata["start"] == len(d.page_content) for d in documents)
