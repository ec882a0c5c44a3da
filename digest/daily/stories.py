"""Group a window's articles into stories and rank them by independent coverage.

A *story* is a set of articles about the same event. Articles are grouped by the cosine
similarity of their stored mean-chunk vectors (no re-embedding), lowered a little for every
day between their publication times so that two days of "talks continue" pieces about
different events do not merge just because they share vocabulary. Grouping is average-linkage
agglomerative clustering (scipy), cut at a similarity threshold: deterministic for the same
input, no random seeds, no fixed number of clusters.

Near-duplicates (a wire story republished by another outlet, ``StoredArticle.duplicate_of``)
are collapsed *before* clustering: the copy joins its original's group and counts once.
Ranking uses independent coverage, the number of distinct outlets among non-duplicate
articles, so one wire story printed by five papers does not outrank an event that five
newsrooms reported themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from digest.models import StoredArticle

logger = logging.getLogger(__name__)

DEFAULT_SIMILARITY = 0.78
PENALTY_PER_DAY = 0.05  # similarity lost per day between two articles' publication times
_EPOCH = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Story:
    """One event's articles, the original reports first, with what ranking needs."""

    articles: tuple[StoredArticle, ...]
    centroid: np.ndarray
    headline: str

    @property
    def independent(self) -> tuple[StoredArticle, ...]:
        """Articles that are not near-duplicates of another article."""
        ids = {a.id for a in self.articles}
        return tuple(a for a in self.articles if not a.duplicate_of or a.duplicate_of not in ids)

    @property
    def outlets(self) -> list[str]:
        """Distinct outlets with an independent report (a republished wire copy adds none)."""
        return sorted({a.outlet or a.url or a.id for a in self.independent})

    @property
    def coverage(self) -> int:
        """Independent coverage: how many outlets reported the story themselves."""
        return len(self.outlets)

    @property
    def article_ids(self) -> list[str]:
        return [a.id for a in self.articles]

    @property
    def latest(self) -> datetime:
        return max((a.published or _EPOCH) for a in self.articles)

    def rank_key(self) -> tuple:
        """More outlets, then more independent reports, then newer; ties broken by text."""
        return (-len(self.outlets), -len(self.independent), -len(self.articles),
                -self.latest.timestamp() if self.latest != _EPOCH else 0.0, self.headline,
                self.articles[0].id)


def _units(articles: Sequence[StoredArticle]) -> list[list[int]]:
    """Indexes grouped so that a near-duplicate sits with its original (when in the window)."""
    by_id = {a.id: i for i, a in enumerate(articles)}
    groups: dict[int, list[int]] = {}
    for i, article in enumerate(articles):
        root = by_id.get(article.duplicate_of or "", i)
        groups.setdefault(root, []).append(i)
    return [groups[k] for k in sorted(groups)]


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _cluster(similarity: np.ndarray, threshold: float) -> list[int]:
    """Average-linkage labels (0..k-1, in order of first member) cut at ``threshold``."""
    n = similarity.shape[0]
    if n == 1:
        return [0]
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    distance = np.clip(1.0 - similarity, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    raw = fcluster(tree, t=1.0 - threshold, criterion="distance")
    relabel: dict[int, int] = {}
    return [relabel.setdefault(int(label), len(relabel)) for label in raw]


def group_stories(
    articles: Sequence[StoredArticle],
    vectors: np.ndarray,
    *,
    similarity: float = DEFAULT_SIMILARITY,
    penalty_per_day: float = PENALTY_PER_DAY,
) -> list[Story]:
    """Stories of ``articles`` (rows of ``vectors`` in the same order), best covered first."""
    if not articles:
        return []
    order = sorted(range(len(articles)), key=lambda i: (articles[i].published or _EPOCH,
                                                        articles[i].id))
    articles = [articles[i] for i in order]
    vectors = _normalise(np.asarray(vectors, dtype=np.float64)[order])
    units = _units(articles)
    unit_vectors = _normalise(np.stack([vectors[u].mean(axis=0) for u in units]))
    times = np.array([
        min((articles[i].published or _EPOCH) for i in u).timestamp() for u in units
    ])
    days = np.abs(times[:, None] - times[None, :]) / 86400.0
    sim = unit_vectors @ unit_vectors.T - penalty_per_day * days
    labels = _cluster(sim, similarity)

    members: dict[int, list[int]] = {}
    for unit, label in zip(units, labels, strict=True):
        members.setdefault(label, []).extend(unit)
    stories = [_story(articles, vectors, sorted(idx)) for idx in members.values()]
    stories.sort(key=Story.rank_key)
    logger.info("%d article(s) -> %d stor%s", len(articles), len(stories),
                "y" if len(stories) == 1 else "ies")
    return stories


def _story(articles: Sequence[StoredArticle], vectors: np.ndarray, idx: list[int]) -> Story:
    members = vectors[idx]
    centroid = _normalise(members.mean(axis=0, keepdims=True))[0]
    # The headline is the title of the member closest to the others (the medoid), preferring
    # an original report over a republished copy.
    scores = members @ centroid
    best = max(range(len(idx)), key=lambda j: (articles[idx[j]].duplicate_of is None,
                                              round(float(scores[j]), 6), -j))
    headline = articles[idx[best]].title or "Untitled story"
    return Story(articles=tuple(articles[i] for i in idx), centroid=centroid, headline=headline)


def top_stories(
    articles: Sequence[StoredArticle], vectors: np.ndarray, *, limit: int,
    similarity: float = DEFAULT_SIMILARITY,
) -> list[Story]:
    """The ``limit`` best-covered stories of ``articles`` (what an untopical briefing covers)."""
    return group_stories(articles, vectors, similarity=similarity)[:limit]


def select_stories(
    stories: Sequence[Story],
    n: int,
    *,
    topic_vectors: dict[str, np.ndarray] | None = None,
    min_topic_similarity: float = 0.3,
) -> tuple[list[Story], list[str]]:
    """The top ``n`` stories plus the best story for each topic; and the topics not covered.

    A topic adds its best-matching story even when that story is outside the top ``n``; a topic
    that matches no story above ``min_topic_similarity`` is returned so the digest can say so
    rather than stretch an unrelated story to fit.
    """
    chosen = list(stories[:n])
    missing: list[str] = []
    for topic, vector in (topic_vectors or {}).items():
        if not stories:
            missing.append(topic)
            continue
        scores = [float(s.centroid @ vector) for s in stories]
        best = int(np.argmax(scores))
        if scores[best] < min_topic_similarity:
            missing.append(topic)
        elif stories[best] not in chosen:
            chosen.append(stories[best])
    chosen.sort(key=Story.rank_key)
    return chosen, missing
