"""Judges: (claim, evidence passages) -> probability that the evidence supports the claim.

The engines live here (``embedded``, ``trained``, ``llm``…); they are *built* in one place, the
factory table :data:`digest.app.JUDGE_FACTORIES`, from a :class:`~digest.judges.spec.JudgeSpec`.
Nothing in this package imports the composition root.
"""

from __future__ import annotations

from digest.judges.base import Judge, Judgement
from digest.judges.spec import JudgeSpec


def judge_all(judge: Judge, items: list[tuple[str, list[str]]]) -> list[Judgement]:
    """Judge many (claim, sources) pairs: concurrently where the judge can (``judge_many``, the
    LLM judges), one by one otherwise."""
    many = getattr(judge, "judge_many", None)
    return list(many(items)) if many is not None else [judge.judge(c, s) for c, s in items]


__all__ = ["Judge", "JudgeSpec", "Judgement", "judge_all"]
