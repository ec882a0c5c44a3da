"""Stories: similar articles group, wire copies count once, ranking by independent outlets."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import numpy as np
from daily_helpers import DAYS, Daily

from digest.models import StoredArticle
from digest.store import date_where
from digest.write.standalone import dangling_in_digest, full_names
from digest.write.stories import group_stories, select_stories

T0 = datetime(2026, 5, 19, 8, 0, tzinfo=UTC)


def _article(key: str, outlet: str, *, hours: float = 0, duplicate_of: str | None = None) -> StoredArticle:
    return StoredArticle(id=key, outlet=outlet, title=f"title {key}", published=T0 + timedelta(hours=hours),
                         content_hash=key, chunks=1, duplicate_of=duplicate_of)


def _near(axis: int, jitter: float, seed: int, dim: int = 16) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = np.zeros(dim)
    v[axis] = 1.0
    v += rng.normal(0, jitter, dim)
    return v / np.linalg.norm(v)


def test_a_wire_story_reprinted_three_times_ranks_below_three_independent_reports() -> None:
    articles = [
        _article("a1", "Outlet A"), _article("a2", "Outlet B"), _article("a3", "Outlet C"),
        _article("w0", "Wire"), _article("w1", "Paper 1", duplicate_of="w0"),
        _article("w2", "Paper 2", duplicate_of="w0"), _article("w3", "Paper 3", duplicate_of="w0"),
    ]
    vectors = np.stack([_near(0, 0.05, i) for i in range(3)] + [_near(1, 0.05, i) for i in range(4)])

    stories = group_stories(articles, vectors)

    assert [sorted(s.article_ids) for s in stories] == [["a1", "a2", "a3"], ["w0", "w1", "w2", "w3"]]
    assert [s.coverage for s in stories] == [3, 1]
    assert [a.id for a in stories[1].independent] == ["w0"]
    assert stories[1].headline == "title w0"  # the original, not a reprint


def test_grouping_is_deterministic_whatever_the_input_order() -> None:
    articles = [_article(f"x{i}", f"O{i % 4}", hours=i) for i in range(12)]
    vectors = np.stack([_near(i % 3, 0.1, i) for i in range(12)])
    expected = [s.article_ids for s in group_stories(articles, vectors)]
    assert len(expected) == 3
    for seed in range(3):
        order = list(range(12))
        random.Random(seed).shuffle(order)
        shuffled = group_stories([articles[i] for i in order], vectors[order])
        assert [s.article_ids for s in shuffled] == expected


def test_the_same_words_days_apart_are_different_events() -> None:
    same = _near(2, 0.0, 0)
    close = group_stories([_article("d0", "A"), _article("d1", "B", hours=6)], np.stack([same, same]))
    apart = group_stories([_article("d0", "A"), _article("d1", "B", hours=24 * 6)], np.stack([same, same]))
    assert len(close) == 1 and len(apart) == 2


def test_topics_pull_in_their_story_and_unmatched_topics_are_named() -> None:
    articles = [_article("big1", "A"), _article("big2", "B"), _article("small", "C")]
    vectors = np.stack([_near(0, 0.01, 1), _near(0, 0.01, 2), _near(5, 0.01, 3)])
    stories = group_stories(articles, vectors)
    chosen, missing = select_stories(
        stories, 1, topic_vectors={"energy": _near(5, 0.0, 0), "sports": _near(9, 0.0, 0)})
    assert [s.article_ids for s in chosen] == [["big1", "big2"], ["small"]]
    assert missing == ["sports"]


def test_sample_corpus_second_day_groups_the_reprint_with_its_original(three_days_root, embedder) -> None:
    store = Daily(three_days_root[0], embedder).store  # the whole sample corpus, ingested once
    day = datetime(2026, 5, 19, tzinfo=UTC)
    articles, vectors = store.article_vectors(date_where(day, day + timedelta(days=1)))
    stories = group_stories(articles, vectors)
    by_outlet = {a.outlet: s for s in stories for a in s.articles}
    tianjin = by_outlet["Meridian Daily"]
    assert by_outlet["Harbor Wire Service"] is tianjin
    assert tianjin.outlets == ["Harbor Wire Service"]  # the reprint adds no independent outlet
    assert sum(len(s.articles) for s in stories) == 4


def test_sample_corpus_third_day_beijing_and_tianjin_reports_are_one_section(
    three_days_root,
) -> None:
    """Issue 15: the outlets disagree on the city, so the digest shows one event and the
    disagreement, not two sections that each take a side."""
    briefing = three_days_root[1][DAYS[2]].briefing
    section_of = {}
    for sentence in briefing.sentences:
        for citation in sentence.citations:
            source = next(s for s in briefing.sources if s.n == citation.n)
            section_of.setdefault(source.article.outlet, set()).add(sentence.story)
    assert section_of["Pacific Dispatch"] == section_of["Eastern Bulletin"]  # Beijing | Tianjin
    (section,) = section_of["Pacific Dispatch"]
    heading = briefing.stories[section]
    assert "Beijing" not in heading and "Tianjin" not in heading
    clauses = " ".join(s.text for s in briefing.sentences
                       if s.story == section and s.section == "differences")
    assert clauses.startswith("On the place, some reports say “")
    assert "Beijing" in clauses and "Tianjin" in clauses
    surnames = full_names(p.chunk.text for p in briefing.passages)
    assert [r for _, r in dangling_in_digest([s.text for s in briefing.sentences],
                                             surnames=surnames) if r] == []
