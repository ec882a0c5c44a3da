"""Judges: (claim, evidence passages) -> probability that the evidence supports the claim."""

from digest.judges.base import Judge, Judgement

__all__ = ["Judge", "Judgement"]
