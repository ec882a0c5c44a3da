"""Per-variant means with bootstrap 95 % intervals, and paired-bootstrap tests against a baseline.

Inputs (news clusters, corpora) are the unit of resampling: a digest's sentences are not
independent of each other, so resampling sentences would make intervals too narrow. Both the
interval of a mean and the interval of a *paired* difference (variant minus baseline on the same
inputs) come from ``scipy.stats.bootstrap`` (percentile method, fixed seed so a report is
reproducible). A difference is called significant when its 95 % interval excludes 0.

Inputs where a metric is NaN (e.g. no reference to cover, nothing checkable) are left out of
that metric, and the number of inputs used is reported next to every figure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict
from scipy.stats import bootstrap

RESAMPLES = 2000
SEED = 20260522
NAN = float("nan")


def _none_is_nan(value: Any) -> Any:
    return NAN if value is None else value


#: A float that may be NaN: JSON writes NaN as ``null`` and this reads ``null`` back as NaN.
Float = Annotated[float, BeforeValidator(_none_is_nan)]


class Estimate(BaseModel):
    """A mean over inputs and its bootstrap 95 % interval (NaN bounds with < 2 inputs)."""

    model_config = ConfigDict(extra="forbid")

    mean: Float
    low: Float
    high: Float
    n: int


class Difference(Estimate):
    """Variant minus baseline over the inputs both have, and whether it is significant."""

    significant: bool


def _interval(values: np.ndarray) -> tuple[float, float]:
    if len(values) < 2 or np.all(values == values[0]):
        value = float(values[0]) if len(values) else NAN
        return (value, value) if len(values) >= 2 else (NAN, NAN)
    options = {"confidence_level": 0.95, "n_resamples": RESAMPLES, "method": "percentile"}
    try:  # scipy >= 1.15 names the generator ``rng``; older releases ``random_state``
        result = bootstrap((values,), np.mean, rng=np.random.default_rng(SEED), **options)
    except TypeError:
        result = bootstrap((values,), np.mean, random_state=np.random.default_rng(SEED), **options)
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def estimate(values: Sequence[float]) -> Estimate:
    """Mean and 95 % interval of the non-NaN ``values``."""
    kept = np.array([v for v in values if v is not None and not math.isnan(v)], dtype=float)
    if not len(kept):
        return Estimate(mean=NAN, low=NAN, high=NAN, n=0)
    low, high = _interval(kept)
    return Estimate(mean=float(kept.mean()), low=low, high=high, n=len(kept))


def paired_difference(
    variant: dict[str, float], baseline: dict[str, float]
) -> Difference:
    """Paired bootstrap of ``variant[i] - baseline[i]`` over inputs ``i`` both scored."""
    diffs = [
        variant[key] - baseline[key]
        for key in variant
        if key in baseline and not math.isnan(variant[key]) and not math.isnan(baseline[key])
    ]
    found = estimate(diffs)
    significant = found.n >= 2 and not (found.low <= 0.0 <= found.high) and not math.isnan(
        found.low
    )
    return Difference(**found.model_dump(), significant=significant)
