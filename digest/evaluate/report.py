"""Render an :class:`EvalReport`: terminal table, JSON, Markdown, self-contained HTML.

Renderers are pure (report in, text or rich renderable out); the CLI decides where it goes.
The Markdown and HTML layouts are Jinja templates in ``digest/render/templates/`` so that
wording and styling can change without touching code. The HTML report inlines its CSS and has no
scripts or external links: it must open from an e-mail attachment or a CI artifact as-is.
"""

from __future__ import annotations

import math
import re
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from rich.console import Group
from rich.table import Table
from rich.text import Text

from digest.evaluate.models import EvalReport, SentenceResult

FORMATS = ("table", "json", "md", "html")
_STYLE = {
    "supported": "green",
    "unsupported": "red",
    "out_of_range": "magenta",
    "uncited": "yellow",
    "unavailable": "dim",
}
_LABEL = {
    "citation_recall": "citation recall (ALCE)",
    "citation_precision": "citation precision (ALCE)",
    "uncited_share": "uncited sentences",
    "non_neutral_share": "non-neutral sentences",
}


def pct(value: float | None) -> str:
    """``0.8125 -> "81.2%"``; NaN/None -> ``"n/a"`` (never a misleading 0)."""
    return "n/a" if value is None or math.isnan(value) else f"{100 * value:.1f}%"


def cites(result: SentenceResult) -> str:
    """The sentence's citations, out-of-range ones marked ``!`` and unavailable ones ``?``."""
    marks = []
    for n in result.citations:
        suffix = "!" if n in result.out_of_range else "?" if n in result.unavailable else ""
        marks.append(f"{n}{suffix}")
    return ", ".join(marks)


def flag_words(result: SentenceResult) -> str:
    return "; ".join(f"{f.kind}: {f.trigger}" for f in result.flags)


def evidence_note(result: SentenceResult) -> str:
    """One line per citation: probability, need, and the best passage (for tooltips)."""
    lines = ["supported clause by clause, each by its own citations"] if result.by_clauses else []
    for e in result.evidence:
        need = "" if e.relevant is None else " needed" if e.relevant else " IRRELEVANT"
        where = f" @{e.start}-{e.end}" if e.start >= 0 else ""
        lines.append(f"[{e.n}] p={e.probability:.2f}{need}{where}: {e.text or '(no passage)'}")
    for n in result.unavailable:
        lines.append(f"[{n}] source unavailable")
    for n in result.out_of_range:
        lines.append(f"[{n}] out of range: not in the Sources list")
    return "\n".join(lines)


def render_table(report: EvalReport) -> Group:
    """Sentences with verdicts and flags, the totals, and the unsupported sentences' evidence."""
    sentences = Table(title=f"{report.digest}", show_lines=False, expand=True)
    for column, kwargs in (
        ("#", {"justify": "right"}),
        ("¶", {"justify": "right"}),
        ("verdict", {}),
        ("cites", {}),
        ("sentence", {"ratio": 3}),
        ("neutrality", {"ratio": 1}),
    ):
        sentences.add_column(column, **kwargs)
    for r in report.sentences:
        sentences.add_row(
            str(r.index),
            str(r.paragraph),
            Text(r.verdict, style=_STYLE[r.verdict]),
            cites(r),
            r.claim,
            Text(flag_words(r), style="yellow"),
        )
    totals = Table(title="totals", show_header=True)
    totals.add_column("metric")
    totals.add_column("value", justify="right")
    totals.add_column("why")
    for name, metric in report.metrics.items():
        totals.add_row(_LABEL.get(name, name), pct(metric.value), metric.reason)
    parts: list[Any] = [sentences, totals]
    if report.unsupported:
        evidence = Table(title="unsupported sentences and their best evidence", expand=True)
        evidence.add_column("#", justify="right")
        evidence.add_column("sentence", ratio=1)
        evidence.add_column("evidence", ratio=2)
        for r in report.unsupported:
            evidence.add_row(str(r.index), r.claim, evidence_note(r))
        parts.append(evidence)
    unavailable = [s for s in report.sources if s.status == "unavailable"]
    if unavailable:
        parts.append(
            Text(
                "unavailable sources: " + ", ".join(f"[{s.n}] ({s.reason})" for s in unavailable),
                style="dim",
            )
        )
    judge = (
        f"judge {report.judge} (threshold {report.threshold:.3f})"
        if report.judge
        else "no judge run"
    )
    parts.append(Text(judge, style="dim"))
    return Group(*parts)


def render_json(report: EvalReport) -> str:
    """The whole report; NaN metrics are ``null``."""
    return report.model_dump_json(indent=2)


def _cell(value: object) -> str:
    """Text safe inside a Markdown table cell or list item: no pipes, no line breaks, no HTML.

    Sentences are untrusted; Markdown passes raw HTML through, so ``<`` ``>`` ``&`` become
    entities (rendered as the characters themselves, never as tags). Link and emphasis syntax
    is backslash-escaped too: ``[click](javascript:alert(1))`` in a sentence (issue 24) must
    come out as those characters, not as a live link or image.
    """
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_SYNTAX.sub(r"\\\g<0>", text)
    return text.replace("|", "\\|").replace("\n", " ")


_MARKDOWN_SYNTAX = re.compile(r"[\\`*_\[\]()!]")


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("digest.render", "templates"),
        autoescape=select_autoescape(["html", "html.j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(pct=pct, cell=_cell)
    env.globals.update(
        cites=cites, flag_words=flag_words, evidence_note=evidence_note, labels=_LABEL
    )
    return env


def _render(template: str, report: EvalReport) -> str:
    return _environment().get_template(template).render(report=report)


def render_markdown(report: EvalReport) -> str:
    return _render("eval_report.md.j2", report)


def render_html(report: EvalReport) -> str:
    return _render("eval_report.html.j2", report)


def render(report: EvalReport, fmt: str) -> Any:
    """Dispatch on ``--format``; ``table`` returns a rich renderable, the others text."""
    renderers = {
        "table": render_table,
        "json": render_json,
        "md": render_markdown,
        "html": render_html,
    }
    return renderers[fmt](report)
