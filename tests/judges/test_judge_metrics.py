"""ROC AUC, balanced accuracy and threshold choice against hand-computed values."""

import math

from digest.judges.metrics import balanced_accuracy, best_threshold, roc_auc


def test_roc_auc_perfect_inverted_and_ties() -> None:
    assert roc_auc([0.9, 0.8, 0.1, 0.2], [True, True, False, False]) == 1.0
    assert roc_auc([0.1, 0.2, 0.9, 0.8], [True, True, False, False]) == 0.0
    # one positive tied with one negative counts one half: (1 + 0.5) / 2 pairs... of 4 pairs
    assert roc_auc([0.5, 0.9, 0.5, 0.1], [True, True, False, False]) == (1 + 1 + 0.5 + 1) / 4


def test_roc_auc_matches_pair_counting() -> None:
    scores = [0.3, 0.7, 0.7, 0.2, 0.9, 0.4, 0.4, 0.6]
    labels = [False, True, False, False, True, True, False, True]
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    pairs = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    assert math.isclose(roc_auc(scores, labels), pairs / (len(pos) * len(neg)))


def test_one_class_is_nan_not_zero() -> None:
    assert math.isnan(roc_auc([0.1, 0.2], [True, True]))
    assert math.isnan(balanced_accuracy([0.1, 0.2], [False, False], 0.5))


def test_balanced_accuracy_and_threshold() -> None:
    scores = [0.9, 0.6, 0.4, 0.3, 0.2]
    labels = [True, True, True, False, False]
    assert balanced_accuracy(scores, labels, 0.5) == (2 / 3 + 1.0) / 2
    t = best_threshold(scores, labels)
    assert 0.3 < t < 0.4
    assert balanced_accuracy(scores, labels, t) == 1.0
