"""ROC AUC (through scipy's Mann-Whitney U) and balanced accuracy.

ROC AUC is the Mann-Whitney rank statistic divided by ``n_pos * n_neg``: the probability that a
random positive scores above a random negative, ties counting one half. It is threshold-free,
which is why the published factual-consistency benchmarks (TRUE, SummaC) report it. scipy
(already a dependency) computes U with tie-averaged ranks, exactly the figure our hand-written
rank loop gave, so the benchmark tables stay the same.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from scipy.stats import mannwhitneyu


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """AUC of ``scores`` for predicting ``labels`` (True = positive); NaN with one class only."""
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not pos or not neg:
        return math.nan
    u = mannwhitneyu(pos, neg, alternative="two-sided", method="asymptotic").statistic
    return float(u) / (len(pos) * len(neg))


def balanced_accuracy(scores: Sequence[float], labels: Sequence[bool], threshold: float) -> float:
    """Mean of recall on positives and recall on negatives at ``score >= threshold``."""
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not pos or not neg:
        return math.nan
    tpr = sum(s >= threshold for s in pos) / len(pos)
    tnr = sum(s < threshold for s in neg) / len(neg)
    return (tpr + tnr) / 2


def best_threshold(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """The threshold maximising balanced accuracy: used only on a *training* set."""
    candidates = sorted(set(scores))
    best, best_ba = 0.5, -1.0
    for lo, hi in zip(candidates, candidates[1:], strict=False):
        t = (lo + hi) / 2
        ba = balanced_accuracy(scores, labels, t)
        if ba > best_ba:
            best, best_ba = t, ba
    return best
