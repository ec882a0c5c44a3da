"""Our Newton fit reaches the optimum a maintained solver finds on the same objective."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from digest.judges.logistic import fit_logistic


def test_newton_fit_matches_scipy_on_the_same_objective() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(300, 4)) * [1.0, 3.0, 0.5, 2.0] + [0, 1, 2, 3]
    y = (x[:, 0] - 0.3 * x[:, 1] + rng.normal(scale=0.8, size=300) > 0.5).astype(float)
    model = fit_logistic(x, y, ("a", "b", "c", "d"), l2=1.0)

    z = np.hstack([(x - np.asarray(model.mean)) / np.asarray(model.scale), np.ones((300, 1))])
    w = np.where(y > 0.5, 300 / (2 * y.sum()), 300 / (2 * (300 - y.sum())))
    penalty = np.array([1.0, 1.0, 1.0, 1.0, 0.0])

    def loss(beta: np.ndarray) -> float:
        t = z @ beta
        return float(np.sum(w * (np.logaddexp(0, t) - y * t)) + 0.5 * penalty @ beta**2)

    best = minimize(loss, np.zeros(5), method="BFGS", options={"gtol": 1e-10}).x
    ours = np.array([*model.coef, model.intercept])
    assert np.allclose(ours, best, atol=1e-4)
    assert loss(ours) <= loss(best) + 1e-9
