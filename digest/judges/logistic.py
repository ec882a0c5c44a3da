"""A tiny L2-regularised logistic regression (Newton's method) in numpy.

Why ours and not scikit-learn or scipy.optimize: the objective (class-balanced log loss plus an
L2 penalty that spares the intercept) is strictly convex, so Newton's method reaches the same
unique optimum any library solver would (``tests/judges/test_judge_logistic.py`` checks it
against ``scipy.optimize.minimize``) in a few exact steps; the shipped weights were fitted with
it, and the judge needs only a dot product at run time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Logistic:
    """P(supported) = sigmoid(intercept + sum(coef * (x - mean) / scale))."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def predict(self, x: np.ndarray) -> np.ndarray:
        z = (np.atleast_2d(x) - np.asarray(self.mean)) / np.asarray(self.scale)
        return 1.0 / (1.0 + np.exp(-(z @ np.asarray(self.coef) + self.intercept)))


def fit_logistic(
    x: np.ndarray, y: np.ndarray, names: tuple[str, ...], l2: float = 1.0, balanced: bool = True
) -> Logistic:
    """Fit on standardised features; ``balanced`` weights classes equally (labels are skewed)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.ones(len(y))
    if balanced:
        pos = max(float(y.sum()), 1.0)
        neg = max(float(len(y) - y.sum()), 1.0)
        w = np.where(y > 0.5, len(y) / (2 * pos), len(y) / (2 * neg))
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0  # never shrink the intercept
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(z @ beta)))
        grad = z.T @ (w * (p - y)) + penalty * beta
        hess = (z * (w * p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return Logistic(
        names=names,
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        coef=tuple(float(v) for v in beta[:-1]),
        intercept=float(beta[-1]),
    )
