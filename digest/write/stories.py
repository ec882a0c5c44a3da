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

Outlets that disagree on a detail write different articles: "Putin flies into Beijing" and
"Putin lands in Tianjin" can fall on either side of the similarity cut, and two sections about
one event hide the very disagreement a reader needs to see. :func:`merge_same_event` joins
stories whose lede sentences say nearly the same thing about the same actors, within a day
and a half, but name a different place for the same kind of event; the merged story's
headline is a member title that takes neither side.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from digest.config import STORY_SIMILARITY
from digest.models import StoredArticle
from digest.sentences import split_sentences
from digest.write.differences import features
from digest.write.standalone import strip_dateline

logger = logging.getLogger(__name__)

DEFAULT_SIMILARITY = STORY_SIMILARITY
PENALTY_PER_DAY = 0.05  # similarity lost per day between two articles' publication times
SAME_FACT = 0.6  # lede sentences at least this similar report the same fact (or contest it)
SAME_EVENT_HOURS = 36.0  # articles further apart than this are not about one arrival, one talk
LEDE_SENTENCES = 2
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


def _lede_rows(stories: Sequence[Story], text_of: Callable[[str], str | None]
               ) -> list[tuple[int, str, float]]:
    """(story index, lede sentence without dateline, published timestamp) of every report."""
    rows = []
    for index, story in enumerate(stories):
        for article in story.independent:
            text = (text_of(article.id) or "")[:2000]
            published = article.published.timestamp() if article.published else 0.0
            for span in split_sentences(text)[:LEDE_SENTENCES]:
                rows.append((index, span.text[strip_dateline(span.text):], published))
    return rows


def _contested(fa: dict[str, set[str]], fb: dict[str, set[str]]) -> set[str]:
    """Places two sentences give for the same kind of event ("arrival"), when they differ."""
    values: set[str] = set()
    for kind in fa.keys() & fb.keys():
        if fa[kind] - fb[kind] and fb[kind] - fa[kind]:
            values |= fa[kind] ^ fb[kind]
    return values


def merge_same_event(
    stories: Sequence[Story], *, text_of: Callable[[str], str | None],
    embed: Callable[[list[str]], np.ndarray], similar: float = SAME_FACT,
    max_hours: float = SAME_EVENT_HOURS,
) -> list[Story]:
    """``stories`` with those that differ only in a contested place merged, best covered first.

    ``text_of`` gives an article's text (``Store.article_text``); ``embed`` embeds sentences.
    """
    rows = _lede_rows(stories, text_of) if len(stories) > 1 else []
    if not rows:
        return list(stories)
    vectors = _normalise(np.asarray(embed([text for _, text, _ in rows]), dtype=np.float64))
    sims = vectors @ vectors.T
    parent = list(range(len(stories)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    places = [{k: v for k, v in features(text).items() if k.startswith("place@")}
              for _, text, _ in rows]
    found: list[tuple[int, set[str]]] = []  # (a member story, the places it contests)
    for i, j in np.argwhere(np.triu(sims >= similar, 1)):
        (si, _, ta), (sj, _, tb) = rows[i], rows[j]
        if root(si) == root(sj) or abs(ta - tb) > max_hours * 3600:
            continue
        values = _contested(places[i], places[j])
        if values:
            found.append((si, values))
            parent[max(root(si), root(sj))] = min(root(si), root(sj))
    members: dict[int, list[Story]] = {}
    for index, story in enumerate(stories):
        members.setdefault(root(index), []).append(story)
    contested: dict[int, set[str]] = {}
    for index, values in found:
        contested.setdefault(root(index), set()).update(values)
    merged = [_merged(group, contested.get(key, set())) if len(group) > 1 else group[0]
              for key, group in members.items()]
    merged.sort(key=Story.rank_key)
    if len(merged) < len(stories):
        logger.info("%d stories differing only in a contested place merged -> %d",
                    len(stories), len(merged))
    return merged


def _merged(group: list[Story], contested: set[str]) -> Story:
    group = sorted(group, key=Story.rank_key)
    articles = sorted({a.id: a for s in group for a in s.articles}.values(),
                      key=lambda a: (a.published or _EPOCH, a.id))
    centroid = _normalise(sum(s.centroid * len(s.articles) for s in group)[None, :])[0]
    titles = [s.headline for s in group]
    titles += [a.title for s in group for a in s.independent if a.title]
    neutral = [t for t in titles if not any(place in t for place in contested)]
    return Story(articles=tuple(articles), centroid=centroid, headline=(neutral or titles)[0])
