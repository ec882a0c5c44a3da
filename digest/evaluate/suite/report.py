"""Reports of ``digest eval run``: JSON (everything), Markdown (tables), HTML (charts).

The Markdown report has one table per group of metrics, variants side by side, every cell a
mean with its bootstrap 95 % interval, and — for variants other than the baseline — the paired
difference, starred when significant. The HTML report is self-contained (inline CSS and SVG,
no scripts, no external links): per-metric bars with interval whiskers, and a per-input
drill-down showing each digest with unsupported sentences highlighted and the evidence on
hover. Both are Jinja templates in ``digest/render/templates/``.
"""

from __future__ import annotations

import math
from typing import Any

import jinja2

from digest.evaluate.aggregate import Difference, Estimate
from digest.evaluate.suite.models import CONTEXT_METRICS, METRICS, SuiteResult

GROUPS: dict[str, list[str]] = {
    "Faithfulness": ["citation_recall", "citation_precision", "uncited_share",
                     "dropped_sentences", "verify_cut", "verify_flagged"],
    "Neutrality": ["flags_per_sentence"],
    "Coverage of the reference": ["coverage_words", "coverage_entities", "coverage_numbers",
                                  "rouge_l"],
    "Size, cost and time": ["sentences", "words", "prompt_tokens", "completion_tokens",
                            "cost_usd", "wall_s"],
}
_BAR_WIDTH = 420


def _num(value: float, metric: str) -> str:
    if math.isnan(value):
        return "n/a"
    if metric in ("sentences", "words", "prompt_tokens", "completion_tokens"):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}"
    return f"{value:.4f}" if metric == "cost_usd" else f"{value:.3f}"


def cell(estimate: Estimate, metric: str) -> str:
    """``0.912 [0.871, 0.948] n=31``: mean, 95 % interval, inputs."""
    if estimate.n == 0:
        return "n/a"
    interval = (f" [{_num(estimate.low, metric)}, {_num(estimate.high, metric)}]"
                if not math.isnan(estimate.low) else "")
    return f"{_num(estimate.mean, metric)}{interval} n={estimate.n}"


def delta(diff: Difference | None, metric: str) -> str:
    """``Δ +0.041* [+0.012, +0.070]``; a star marks a significant difference."""
    if diff is None or diff.n == 0:
        return ""
    star = "*" if diff.significant else ""
    interval = ("" if math.isnan(diff.low)
                else f" [{diff.low:+.3f}, {diff.high:+.3f}]")
    return f"Δ {diff.mean:+.3f}{star}{interval}"


def _bars(result: SuiteResult, metric: str) -> dict[str, Any] | None:
    """Geometry of one metric's bar chart (SVG drawn by the template)."""
    rows = [(v.name, v.metrics[metric]) for v in result.variants if v.metrics[metric].n]
    if not rows:
        return None
    top = max(max(e.mean, e.high if not math.isnan(e.high) else e.mean) for _, e in rows)
    scale = _BAR_WIDTH / top if top > 0 else 0.0
    bars = []
    for i, (name, e) in enumerate(rows):
        low = e.low if not math.isnan(e.low) else e.mean
        high = e.high if not math.isnan(e.high) else e.mean
        bars.append({
            "name": name, "y": 8 + i * 28, "width": max(e.mean * scale, 0.0),
            "low": low * scale, "high": high * scale, "label": cell(e, metric),
        })
    return {"metric": metric, "label": METRICS[metric][0], "bars": bars,
            "height": 16 + 28 * len(rows), "width": _BAR_WIDTH}


def report_context(result: SuiteResult) -> dict[str, Any]:
    names = [v.name for v in result.variants]
    tables = []
    for title, metrics in GROUPS.items():
        rows = []
        for metric in metrics:
            cells = []
            for v in result.variants:
                text = cell(v.metrics[metric], metric)
                change = delta(v.vs_baseline.get(metric), metric)
                cells.append(f"{text} {change}".strip())
            if any(c != "n/a" for c in cells):
                rows.append({"label": METRICS[metric][0], "metric": metric, "cells": cells})
        if title == "Neutrality":
            rows += [{"label": label, "metric": key,
                      "cells": [cell(result.context[key], key)] * len(names)}
                     for key, label in CONTEXT_METRICS.items()
                     if key in result.context and result.context[key].n]
        if rows:
            tables.append({"title": title, "rows": rows})
    by_input: dict[str, list[Any]] = {}
    for r in result.results:
        by_input.setdefault(r.input, []).append(r)
    charts = [chart for m in METRICS if (chart := _bars(result, m)) is not None]
    return {"r": result, "names": names, "tables": tables, "charts": charts,
            "by_input": by_input, "references": {i.id: i.reference for i in result.inputs}}


def _env(autoescape: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("digest.render", "templates"),
        undefined=jinja2.StrictUndefined, autoescape=autoescape,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
    )


def _md_cell(text: str) -> str:
    """Table cells hold untrusted text (variant names, messages): no pipes, no line breaks, no
    raw HTML (Markdown passes it through)."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(text.split()).replace("|", "\\|")


def render_suite_markdown(result: SuiteResult) -> str:
    env = _env(False)
    env.filters["cell"] = _md_cell
    return env.get_template("eval_suite.md.j2").render(**report_context(result))


def render_suite_html(result: SuiteResult) -> str:
    return _env(True).get_template("eval_suite.html.j2").render(**report_context(result))
