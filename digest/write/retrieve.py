"""Retrieval: which stored passages a briefing may draw on.

A plain, typed retriever over our :class:`~digest.store.Store` (:class:`StoreRetriever`); the
selection rules are ours and plain code, and one picker (:func:`pick_hits`) applies them to a
topic's vector and to each story's centroid alike:

* relevance from the store's vector search, then **MMR** on the *stored* chunk vectors (no
  re-embedding), so five near-identical paragraphs do not fill all k slots;
* date window and outlet filters pushed down to Chroma (``date_where``);
* a **per-outlet cap**, so one prolific outlet cannot crowd out the rest;
* **wire copies count once**: an article and its near-duplicates (``duplicate_of``) form one
  group, and only one article of a group contributes passages;
* a **relevance floor**, so an off-topic question yields nothing (and no digest) instead of the
  least-bad passages;
* without a topic, the window's **most covered stories**
  (:func:`digest.write.stories.top_stories`), each searched with its centroid, slots shared by
  independent coverage.

Passages come back in reading order (published, article, position) under opaque ids ``P1..Pn``.
A LangChain chain that wants the ``BaseRetriever`` interface gets it from
:func:`as_langchain_retriever`, a thin adapter; nothing here depends on it.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from digest.briefing import Passage
from digest.errors import DigestError
from digest.models import Hit, StoredArticle
from digest.store import Store, date_where
from digest.write.mmr import mmr_pick
from digest.write.stories import Story, merge_same_event, top_stories

logger = logging.getLogger(__name__)

# all-MiniLM-L6-v2 cosine similarity: on-topic questions score 0.4-0.8 against the sample
# corpus, unrelated ones ("banana bread", "lattice QCD") 0.02-0.17. 0.3 sits in the gap.
MIN_RELEVANCE = 0.3


def wire_group(article: StoredArticle) -> str:
    """The key under which near-duplicate copies of one story count as a single source."""
    return article.duplicate_of or article.id


def default_per_outlet(k: int) -> int:
    """At most a quarter of the slots (but at least two) for any one outlet."""
    return max(2, math.ceil(k / 4))


def mmr_select(
    hits: list[Hit],
    vectors: dict[str, np.ndarray],
    *,
    k: int,
    per_outlet: int,
    lambda_mult: float = 0.7,
    taken: dict[str, int] | None = None,
) -> list[Hit]:
    """Maximal marginal relevance under the outlet cap and the one-article-per-wire-group rule.

    Deterministic: ties break on chunk id. Relevance is the store's cosine similarity.
    ``taken`` counts passages per outlet already chosen elsewhere (other stories); it is updated.
    """
    pool = sorted(hits, key=lambda h: (h.distance, h.chunk.id))
    group_owner: dict[str, str] = {}
    for hit in pool:
        # The original speaks for its wire group when it was retrieved at all (credit goes to
        # the outlet that reported the story); otherwise the best-ranked copy does.
        group = wire_group(hit.article)
        if hit.article.id == group:
            group_owner[group] = group
        else:
            group_owner.setdefault(group, hit.article.id)
    pool = [h for h in pool if group_owner[wire_group(h.article)] == h.article.id]

    per = taken if taken is not None else {}

    def allowed(i: int, picked: list[int]) -> bool:
        outlet = _outlet(pool[i].article)
        return per.get(outlet, 0) + sum(_outlet(pool[j].article) == outlet for j in picked) \
            < per_outlet

    matrix = np.stack([vectors[h.chunk.id] for h in pool]) if pool else np.zeros((0, 1))
    picked = mmr_pick([1.0 - h.distance for h in pool], matrix, k,
                      lambda_mult=lambda_mult, allowed=allowed)
    chosen = [pool[i] for i in picked]
    for hit in chosen:
        per[_outlet(hit.article)] = per.get(_outlet(hit.article), 0) + 1
    return chosen


def _outlet(article: StoredArticle) -> str:
    return article.outlet or f"(unknown outlet {article.id})"


def as_passages(hits: list[Hit], stories: dict[str, int] | None = None) -> list[Passage]:
    """Hits in reading order under ids P1..Pn (opaque to a model; stable for the same input)."""
    def order(hit: Hit) -> tuple[Any, ...]:
        published = hit.article.published.timestamp() if hit.article.published else -math.inf
        return (stories.get(hit.article.id, 0) if stories else 0, published, hit.article.id,
                hit.chunk.position)

    return [
        Passage(id=f"P{i}", chunk=h.chunk, article=h.article,
                story=stories.get(h.article.id, 0) if stories else 0)
        for i, h in enumerate(sorted(hits, key=order), start=1)
    ]


def pick_hits(
    store: Store, vector: np.ndarray, *, k: int, where: dict[str, Any] | None, per_outlet: int,
    min_relevance: float = MIN_RELEVANCE, lambda_mult: float = 0.7, fetch_k: int | None = None,
    taken: dict[str, int] | None = None,
) -> list[Hit]:
    """The one picker: vector search -> relevance floor -> MMR under the outlet cap and the
    one-article-per-wire-group rule. Topic searches and story sections both come through here."""
    found = store.query_vector(vector, k=fetch_k or max(4 * k, 40), where=where)
    found = [h for h in found if 1.0 - h.distance >= min_relevance]
    vectors = store.chunk_vectors([h.chunk.id for h in found])
    chosen = mmr_select(found, vectors, k=k, per_outlet=per_outlet, lambda_mult=lambda_mult,
                        taken=taken)
    logger.info("retrieved %d of %d candidate passages", len(chosen), len(found))
    return chosen


def passages_for_stories(
    store: Store,
    stories: list[Story],
    budgets: list[int],
    *,
    since: datetime | None,
    until: datetime | None,
    outlet: str | None = None,
    min_relevance: float = MIN_RELEVANCE,
    lambda_mult: float = 0.7,
    limit: int | None = None,
) -> list[Passage]:
    """Passages for each story (``budgets[i]`` for story ``i``), numbered P1.. in reading order.

    The one passage picker behind "brief without a topic" and every daily section, so both
    follow the same rules: only the story's original reports (a republished wire copy adds no
    facts, and citing it would credit the reprinting outlet), relevance to the story's
    centroid above the same floor as a topic search, MMR for diversity, and the outlet cap per
    story (each story is its own section; an outlet covering two stories is not penalised).
    ``limit`` caps the total across stories. ``Passage.story`` is the story's index.
    """
    hits: list[Hit] = []
    story_of: dict[str, int] = {}
    for index, (story, budget) in enumerate(zip(stories, budgets, strict=True)):
        if limit is not None:
            budget = min(budget, limit - len(hits))
        if budget < 1:
            break
        originals = [a.id for a in story.independent]
        # One outlet (asked for, or the only one reporting the story): nothing to balance, and a
        # cap would leave a one-outlet section two passages and often no lede (issue 15).
        cap = budget if outlet or story.coverage == 1 else default_per_outlet(budget)
        chosen = pick_hits(store, story.centroid, k=budget,
                           where=date_where(since, until, outlet, originals), per_outlet=cap,
                           min_relevance=min_relevance, lambda_mult=lambda_mult)
        hits.extend(chosen)
        story_of.update({h.article.id: index for h in chosen})
    return as_passages(hits, story_of)


@dataclass
class StoreRetriever:
    """Passages for a topic, or for the window's most covered stories, from one :class:`Store`."""

    store: Store
    k: int = 12
    since: datetime | None = None
    until: datetime | None = None
    outlet: str | None = None
    per_outlet: int | None = None
    fetch_k: int | None = None
    lambda_mult: float = 0.7
    min_relevance: float = MIN_RELEVANCE
    max_stories: int = 3

    def retrieve(self, topic: str | None) -> list[Passage]:
        """Passages for ``topic``; without one, for the window's most covered stories."""
        if self.k < 1:
            raise DigestError(f"k must be at least 1, got {self.k}")
        if topic and topic.strip():
            # One outlet asked for by name: balancing across outlets has nothing to balance.
            cap = self.k if self.outlet else (self.per_outlet or default_per_outlet(self.k))
            hits = pick_hits(
                self.store, self.store.embedder.embed([topic.strip()])[0], k=self.k,
                where=date_where(self.since, self.until, self.outlet, None), per_outlet=cap,
                min_relevance=self.min_relevance, lambda_mult=self.lambda_mult,
                fetch_k=self.fetch_k)
            return as_passages(hits)
        return self.top_stories()[1]

    def top_stories(self) -> tuple[list[Story], list[Passage]]:
        """The window's most covered stories and their passages (``Passage.story`` indexes them).

        ``digest brief`` without a topic writes one section per story, as ``daily`` does.
        """
        store = self.store
        articles, vectors = store.article_vectors(
            date_where(self.since, self.until, self.outlet, None))
        if not articles:
            return [], []
        # One story per event: outlets contesting a detail (the city) are merged (issue 15).
        stories = merge_same_event(top_stories(articles, vectors, limit=3 * self.max_stories),
                                   text_of=store.article_text, embed=store.embedder.embed)
        stories = stories[: self.max_stories]
        total = sum(len(s.outlets) for s in stories)
        budgets = [max(1, round(self.k * len(s.outlets) / total)) for s in stories]
        return stories, passages_for_stories(
            store, stories, budgets, since=self.since, until=self.until, outlet=self.outlet,
            min_relevance=self.min_relevance, lambda_mult=self.lambda_mult, limit=self.k,
        )


def as_langchain_retriever(retriever: StoreRetriever) -> Any:
    """The same passages behind LangChain's ``BaseRetriever`` (``.invoke(query)`` -> Documents
    whose metadata carries the passage, chunk and article ids and the chunk's offsets)."""
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever

    class _Adapter(BaseRetriever):
        def _get_relevant_documents(self, query: str, *, run_manager: Any) -> list[Document]:
            return [Document(page_content=p.chunk.text, id=p.chunk.id, metadata={
                "passage_id": p.id, "chunk_id": p.chunk.id, "article_id": p.article.id,
                "outlet": p.article.outlet or "", "start": p.chunk.start, "end": p.chunk.end})
                for p in retriever.retrieve(query)]

    return _Adapter()
