"""Run a suite end to end and total it: per-variant estimates and paired tests vs the baseline."""

from __future__ import annotations

import math
import time
from collections import defaultdict

from digest.evaluate.aggregate import estimate, paired_difference
from digest.evaluate.suite.inputs import EvalInput
from digest.evaluate.suite.models import (
    CONTEXT_METRICS,
    METRICS,
    InputInfo,
    InputResult,
    SuiteResult,
    VariantSummary,
)
from digest.evaluate.suite.runner import SuiteRunner


def limit_inputs(inputs: list[EvalInput], limit: int | None) -> list[EvalInput]:
    """The first ``limit`` inputs of each corpus (``--limit N`` for a quick look)."""
    if limit is None:
        return inputs
    seen: dict[str, int] = defaultdict(int)
    kept = []
    for inp in inputs:
        if seen[inp.corpus] < limit:
            kept.append(inp)
            seen[inp.corpus] += 1
    return kept


def _by_input(results: list[InputResult], metric: str) -> dict[str, float]:
    return {r.input: r.metrics.get(metric, math.nan) for r in results if r.status == "ok"}


def summarize(
    runner: SuiteRunner, results: list[InputResult], infos: list[InputInfo], wall_s: float
) -> SuiteResult:
    suite = runner.suite
    per_variant: dict[str, list[InputResult]] = defaultdict(list)
    for result in results:
        per_variant[result.variant].append(result)
    baseline = per_variant.get(suite.baseline or "", [])
    summaries = []
    for variant in suite.variants:
        mine = per_variant.get(variant.name, [])
        metrics = {m: estimate(list(_by_input(mine, m).values())) for m in METRICS}
        diffs = {}
        if variant.name != suite.baseline:
            diffs = {m: paired_difference(_by_input(mine, m), _by_input(baseline, m))
                     for m in METRICS}
        config = variant.model_dump(mode="json", exclude={"name"})
        config["judge"] = suite.judge_of(variant)
        summaries.append(VariantSummary(
            name=variant.name, config=config, inputs=len(mine),
            failed=sum(1 for r in mine if r.status == "error"),
            metrics=metrics, vs_baseline=diffs,
        ))
    context = {m: estimate([i.metrics.get(m, math.nan) for i in infos]) for m in CONTEXT_METRICS}
    notes = [f"{r.variant} on {r.input}: {r.message}" for r in results if r.status == "error"]
    return SuiteResult(
        suite=suite.name, generated_at=runner.now.isoformat(), baseline=suite.baseline or "",
        judge=suite.judge, variants=summaries, inputs=infos, context=context, results=results,
        notes=notes, wall_s=wall_s, cached=sum(1 for r in results if r.cached),
    )


def run_suite(runner: SuiteRunner, inputs: list[EvalInput]) -> SuiteResult:
    """Every variant over every input (cached results reused), then the totals."""
    started = time.perf_counter()
    results = [runner.run_one(v, inp) for inp in inputs for v in runner.suite.variants]
    infos = [runner.input_info(inp) for inp in inputs]
    return summarize(runner, results, infos, time.perf_counter() - started)
