"""ROC AUC and balanced accuracy, computed directly (no scikit-learn needed for two formulas).

ROC AUC is the Mann-Whitney rank statistic: the probability that a random positive scores above
a random negative, ties counting one half. It is threshold-free, which is why the published
factual-consistency benchmarks (TRUE, SummaC) report it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """AUC of ``scores`` for predicting ``labels`` (True = positive); NaN with one class only."""
    pairs = sorted(zip(scores, labels, strict=True), key=lambda p: p[0])
    n_pos = sum(1 for _, y in pairs if y)
    n_neg = len(pairs) - n_pos
    if n_pos == 0 or n_neg == 0:
        return math.nan
    rank_sum = 0.0
    i = 0
    while i < len(pairs):
        j = i
        while j + 1 < len(pairs) and pairs[j + 1][0] == pairs[i][0]:
            j += 1
        mid_rank = (i + j) / 2 + 1  # average rank of a tie group, 1-based
        rank_sum += mid_rank * sum(1 for k in range(i, j + 1) if pairs[k][1])
        i = j + 1
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


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
