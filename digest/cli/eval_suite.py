"""``digest eval run SUITE`` and ``digest eval init-suite``: parse, build collaborators, call
the library once, write the reports, apply the CI gates."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from digest.app import Services
from digest.cli.common import console, guard, load_settings
from digest.cli.evaluate import eval_app
from digest.cli.progress import progress_bar
from digest.errors import ConfigError
from digest.evaluate.gates import (
    check_bounds,
    check_regressions,
    load_results,
    parse_gate,
)
from digest.evaluate.suite.config import EXAMPLE, load_suite
from digest.evaluate.suite.models import InputResult, SuiteResult
from digest.evaluate.suite.report import render_suite_html, render_suite_markdown
from digest.evaluate.suite.summary import run_suite
from digest.render.output import write_atomic

GATE_HELP = "[VARIANT:]METRIC=VALUE; repeatable"


@eval_app.command("init-suite")
def init_suite_cmd(
    path: Annotated[Path, typer.Argument(help="where to write the example suite")] = Path(
        "suite.toml"),
    force: Annotated[bool, typer.Option(help="overwrite an existing file")] = False,
) -> None:
    """Write a commented example suite file for `digest eval run`."""
    with guard():
        if path.exists() and not force:
            raise ConfigError(f"{path} exists; use --force to overwrite it")
        write_atomic(path, EXAMPLE)
    console.print(f"wrote {path}")


def _report(result: InputResult) -> None:
    recall = result.metrics.get("citation_recall")
    shown = f"recall {recall:.2f}" if recall is not None and recall == recall else result.status
    source = " (cached)" if result.cached else ""
    console.print(f"{escape(result.variant)} · {escape(result.input)}: {shown}{source}")


def _write(result: SuiteResult, folder: Path) -> list[Path]:
    files = {
        "results.json": result.model_dump_json(indent=1) + "\n",
        "report.md": render_suite_markdown(result),
        "report.html": render_suite_html(result),
    }
    for name, text in files.items():
        write_atomic(folder / name, text)
    return [folder / name for name in files]


@eval_app.command("run")
def run_cmd(
    ctx: typer.Context,
    suite_file: Annotated[Path, typer.Argument(help="suite TOML (see `digest eval init-suite`)",
                                               exists=True, dir_okay=False)],
    limit: Annotated[int | None, typer.Option(help="only the first N inputs of each corpus",
                                              min=1)] = None,
    output_dir: Annotated[Path | None, typer.Option(
        "--output-dir", "-o", help="where results.json, report.md, report.html go "
        "(default: the suite's output_dir)")] = None,
    fail_under: Annotated[list[str] | None, typer.Option(
        help=f"CI gate: fail when a variant's mean is below VALUE ({GATE_HELP})")] = None,
    fail_over: Annotated[list[str] | None, typer.Option(
        help=f"CI gate: fail when a variant's mean is above VALUE ({GATE_HELP})")] = None,
    baseline: Annotated[Path | None, typer.Option(
        help="an earlier results.json to compare with (--max-regression)", dir_okay=False)] = None,
    max_regression: Annotated[list[str] | None, typer.Option(
        help=f"CI gate with --baseline: fail when a metric got worse by more than VALUE "
        f"({GATE_HELP})")] = None,
) -> None:
    """Build every variant's digests over the suite's inputs, score them, report, gate."""
    with guard():
        suite = load_suite(suite_file)
        floors = [parse_gate(g) for g in fail_under or []]
        ceilings = [parse_gate(g) for g in fail_over or []]
        regressions = [parse_gate(g) for g in max_regression or []]
        if regressions and baseline is None:
            raise ConfigError("--max-regression needs --baseline results.json to compare with")
        before = load_results(baseline) if baseline is not None else None
        services = Services(load_settings(ctx))
        inputs = services.suite_inputs(suite, limit)
        total = len(inputs) * len(suite.variants)
        with progress_bar(console, "eval run", total) as bar:

            def report(one: InputResult) -> None:
                _report(one)
                bar.advance(f"{one.variant} · {one.input}")

            runner = services.suite_runner(suite, now=datetime.now(UTC), on_result=report)
            result = run_suite(runner, inputs)
        written = _write(result, output_dir or suite.output_dir)
        failures = check_bounds(result, floors, ceilings)
        if before is not None:
            failures += check_regressions(result, before, regressions, str(baseline))
    console.print(f"{len(inputs)} inputs x {len(suite.variants)} variants in "
                  f"{result.wall_s:.1f} s ({result.cached} cached); wrote "
                  + ", ".join(str(p) for p in written))
    for note in result.notes:
        console.print(f"[yellow]note:[/] {escape(note)}", soft_wrap=True)
    for failure in failures:
        console.print(f"[red]FAIL[/] {escape(failure)}", soft_wrap=True)  # one line, unwrapped
    if failures:
        raise typer.Exit(1)
    if floors or ceilings or regressions:
        console.print("[green]ok[/] every gate passed")
