"""Maximal marginal relevance under constraints: the one MMR loop of the project.

Used to pick passages (:mod:`digest.write.retrieve`) and sentences (:mod:`digest.write.extractive`).
Why not langchain-core's ``maximal_marginal_relevance``: it scores relevance as cosine similarity to
a single query vector and has no hook for constraints, while we need a caller-given relevance
(an agreement score for sentences, a store similarity for passages) and hard caps (per outlet,
per article, a redundancy ceiling) checked at every pick.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np


def mmr_pick(
    relevance: Sequence[float] | np.ndarray,
    vectors: np.ndarray,
    k: int,
    *,
    lambda_mult: float = 0.7,
    allowed: Callable[[int, list[int]], bool] | None = None,
    max_redundancy: float | None = None,
    chosen: Sequence[int] = (),
) -> list[int]:
    """Indices in pick order: ``chosen`` first, then greedily up to ``k`` in all.

    ``vectors`` are unit-normalised rows (dot product = cosine). ``allowed(i, picked)`` vetoes a
    candidate given what is already picked (outlet caps and the like). A candidate more similar
    than ``max_redundancy`` to anything picked is skipped. Ties break on the lower index, so
    callers sort candidates into a deterministic order first.
    """
    picked = list(chosen)
    relevance = np.asarray(relevance, dtype=float)
    while len(picked) < k:
        best, best_value = -1, -np.inf
        for i in range(len(relevance)):
            if i in picked or (allowed is not None and not allowed(i, picked)):
                continue
            redundancy = max((float(vectors[i] @ vectors[j]) for j in picked), default=0.0)
            if max_redundancy is not None and redundancy > max_redundancy:
                continue
            value = lambda_mult * relevance[i] - (1 - lambda_mult) * redundancy
            if value > best_value:
                best, best_value = i, value
        if best < 0:
            break
        picked.append(best)
    return picked
