"""CI gates for ``digest eval run``: absolute floors and ceilings, and regressions vs a baseline.

``--fail-under citation_recall=0.9`` fails when any variant's mean is below 0.9 (``llm:`` in
front of the metric names one variant); ``--fail-over`` is the ceiling for lower-is-better
metrics (``uncited_share=0.05``). ``--baseline results.json --max-regression
citation_recall=0.05`` fails when a variant got worse than the same variant in an earlier
``results.json`` by more than 0.05, "worse" following the metric's direction. A NaN mean
fails a floor or ceiling (it could not be measured), and is skipped in a regression check.
Each failure is one line saying which variant, which metric, the figures and the rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from digest.errors import ConfigError
from digest.evaluate.suite.models import METRICS, SuiteResult


@dataclass(frozen=True)
class Gate:
    variant: str | None
    metric: str
    value: float


def parse_gate(text: str) -> Gate:
    """``[VARIANT:]metric=value`` -> a :class:`Gate` (value 0-1, or a percentage > 1 for
    shares)."""
    head, sep, raw = text.rpartition("=")  # matrix variant names contain "="
    variant, _, metric = head.rpartition(":")
    metric = metric.strip()
    if not sep or metric not in METRICS:
        known = ", ".join(METRICS)
        raise ConfigError(f"gate {text!r}: expected [VARIANT:]METRIC=VALUE with METRIC one of "
                          f"{known}")
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"gate {text!r}: {raw!r} is not a number") from exc
    if metric.endswith(("recall", "precision", "share")) or metric.startswith("coverage"):
        value = value / 100 if value > 1 else value
    return Gate(variant.strip() or None, metric, value)


def _targets(result: SuiteResult, gate: Gate) -> list[str]:
    names = [v.name for v in result.variants]
    if gate.variant is not None and gate.variant not in names:
        raise ConfigError(f"gate names variant {gate.variant!r}; the suite has {', '.join(names)}")
    return [gate.variant] if gate.variant else names


def check_bounds(result: SuiteResult, floors: list[Gate], ceilings: list[Gate]) -> list[str]:
    failures = []
    for gates, below in ((floors, True), (ceilings, False)):
        for gate in gates:
            for name in _targets(result, gate):
                variant = result.variant(name)
                assert variant is not None
                mean = variant.metrics[gate.metric].mean
                bad = math.isnan(mean) or (mean < gate.value if below else mean > gate.value)
                if bad:
                    shown = "not measured" if math.isnan(mean) else f"{mean:.3f}"
                    rule = "--fail-under" if below else "--fail-over"
                    op = "<" if below else ">"
                    failures.append(f"{name}: {gate.metric} {shown} {op} {gate.value:.3f} "
                                    f"({rule})")
    return failures


def load_results(path: Path) -> SuiteResult:
    try:
        return SuiteResult.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"--baseline {path}: {exc}") from exc
    except ValueError as exc:
        raise ConfigError(f"--baseline {path} is not a results.json of digest eval run") from exc


def check_regressions(result: SuiteResult, before: SuiteResult, gates: list[Gate],
                      label: str) -> list[str]:
    failures = []
    for gate in gates:
        direction = METRICS[gate.metric][1] or 1
        for name in _targets(result, gate):
            now, then = result.variant(name), before.variant(name)
            if now is None or then is None:
                continue  # a new variant has nothing to regress from
            new, old = now.metrics[gate.metric].mean, then.metrics[gate.metric].mean
            if math.isnan(new) or math.isnan(old):
                continue
            worse = (old - new) * direction
            if worse > gate.value + 1e-12:
                verb = "fell" if direction > 0 else "rose"
                failures.append(
                    f"{name}: {gate.metric} {verb} by {worse:.3f}, from {old:.3f} ({label}) to "
                    f"{new:.3f}; --max-regression allows {gate.value:.3f}")
    return failures
