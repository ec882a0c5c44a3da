"""CachedJudge: judgements kept on disk by (claim, evidence, judge, prompts), asked once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from digest.judges.base import Judgement
from digest.judges.cache import CachedJudge, JudgeCache
from digest.judges.embedded import EmbeddedJudge

CLAIM = "The terminal will handle grain and timber shipments."
SOURCE = "Port officials said the terminal will handle grain and timber shipments from June."


class Counting:
    """The real lexical judge, counting what it is asked (one item per call)."""

    def __init__(self, name: str = "embedded", threshold: float | None = None,
                 prompts: dict[str, str] | None = None) -> None:
        self.real = EmbeddedJudge(None)
        self.name = name
        self.threshold = self.real.threshold if threshold is None else threshold
        self.asked: list[str] = []
        if prompts is not None:
            self.prompts = prompts

    def judge(self, claim: str, sources: list[str]) -> Judgement:
        self.asked.append(claim)
        return self.real.judge(claim, sources)


def test_second_ask_is_answered_from_the_file_by_a_new_process(tmp_path: Path) -> None:
    first = CachedJudge(Counting(), tmp_path / "cache.sqlite3")
    got = first.judge(CLAIM, [SOURCE])
    first.close()
    again_inner = Counting()
    again = CachedJudge(again_inner, tmp_path / "cache.sqlite3")  # a later run
    assert again.judge(CLAIM, [SOURCE]) == got
    assert again_inner.asked == [] and again.calls == 0
    assert (again.name, again.threshold) == (again_inner.name, again_inner.threshold)


def test_only_misses_reach_the_judge_once_each_in_order(tmp_path: Path) -> None:
    inner = Counting()
    cached = CachedJudge(inner, JudgeCache(tmp_path / "c.sqlite3"))
    cached.judge(CLAIM, [SOURCE])
    other = "Officials said the terminal opens next month."
    results = cached.judge_many([(other, [SOURCE]), (CLAIM, [SOURCE]), (other, [SOURCE])])
    assert inner.asked == [CLAIM, other]  # the repeat in one batch is asked once too
    assert results[0] == results[2] and cached.calls == 2
    assert results[1] == inner.real.judge(CLAIM, [SOURCE])


def test_key_changes_with_evidence_judge_threshold_and_prompt(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    base = CachedJudge(Counting(), path).key(CLAIM, [SOURCE])
    variants = [
        CachedJudge(Counting(), path).key(CLAIM, [SOURCE + " Officials said."]),
        CachedJudge(Counting(), path).key(CLAIM + "!", [SOURCE]),
        CachedJudge(Counting(name="trained"), path).key(CLAIM, [SOURCE]),
        CachedJudge(Counting(threshold=0.9), path).key(CLAIM, [SOURCE]),
        CachedJudge(Counting(prompts={"judge": "abc"}), path).key(CLAIM, [SOURCE]),
        CachedJudge(Counting(prompts={"judge": "abd"}), path).key(CLAIM, [SOURCE]),
    ]
    assert len({base, *variants}) == len(variants) + 1


def test_an_unreadable_stored_value_is_a_miss_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    inner = Counting()
    cached = CachedJudge(inner, path)
    key = cached.key(CLAIM, [SOURCE])
    cached.judge(CLAIM, [SOURCE])
    cached.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE judgements SET value = ? WHERE key = ?", ('{"nonsense": 1}', key))
    again = CachedJudge(inner, path)
    assert again.judge(CLAIM, [SOURCE]).probability == inner.real.judge(CLAIM, [SOURCE]).probability
    assert again.calls == 1
