"""``digest eval DIGEST`` (the faithfulness harness) and ``digest eval bench FILE.jsonl``.

``eval`` is a command group whose default command checks a digest, so both spellings of the
issue work: ``digest eval out/today.md --fail-under 0.8`` and ``digest eval bench cases.jsonl``.
Anything after ``eval`` that is not a subcommand name is taken as the digest to check.
"""

from __future__ import annotations

import io
import math
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from digest.app import Services
from digest.cli.common import app, console, guard, load_settings, out
from digest.cli.progress import progress_bar
from digest.cli.terminal import echo
from digest.errors import ConfigError
from digest.evaluate.report import render
from digest.evaluate.run import evaluate_digest
from digest.judges.spec import MODEL_KINDS, JudgeSpec
from digest.render.output import is_stdout, write_atomic

DEFAULT_COMMAND = "check"


class ReportFormat(StrEnum):
    """``--format`` choices (the same names as :data:`digest.evaluate.report.FORMATS`)."""

    table = "table"
    json = "json"
    md = "md"
    html = "html"


class _DefaultCommandGroup(TyperGroup):
    """A group that runs ``check`` when the first argument is not one of its commands."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # a click Context
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)


eval_app = typer.Typer(
    cls=_DefaultCommandGroup,
    no_args_is_help=True,
    help=(
        "Check a digest's citations and neutrality: `digest eval DIGEST` "
        "(same as `digest eval check DIGEST`), or measure a judge: `digest eval bench FILE.jsonl`."
    ),
)
app.add_typer(eval_app, name="eval")


JUDGE_MODEL_HELP = "model of the llm/minicheck judge (default: DIGEST_LLM_MODEL, as for brief)"


def _fraction(value: float) -> float:
    """``--fail-under`` takes 0.8 or 80 (a percentage)."""
    return value / 100 if value > 1 else value


@eval_app.command(DEFAULT_COMMAND)
def check_cmd(
    ctx: typer.Context,
    digest: Annotated[
        Path,
        typer.Argument(
            help="digest to check: Markdown or text with numbered citation markers "
            "(its X.json sidecar is used if present), or such a sidecar alone",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ],
    sources: Annotated[
        Path | None,
        typer.Option(
            "--sources",
            help="folder of files named 1.md, 2.txt, 3-slug.html … or a JSON/YAML map n -> file",
        ),
    ] = None,
    use_store: Annotated[
        bool,
        typer.Option(
            "--store",
            help="look sources up in the article store by the Sources list's URLs or ids",
        ),
    ] = False,
    judge: Annotated[
        str | None,
        typer.Option(
            help="judge engine: trained, embedded, lexical, llm, minicheck "
            "(default: DIGEST_JUDGE, which is trained)"
        ),
    ] = None,
    model: Annotated[str | None, typer.Option(help=JUDGE_MODEL_HELP)] = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="report format")
    ] = ReportFormat.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write the report to FILE")
    ] = None,
    fail_under: Annotated[
        float | None,
        typer.Option(
            help="CI gate: exit 1 when citation recall (ALCE: share of sentences supported by "
            "their "
            "cited sources; uncited count as unsupported, unavailable sources left out) is below "
            "X (0-1, or a percentage), or could not be computed",
        ),
    ] = None,
) -> None:
    """Check every sentence of DIGEST: cited, in range, supported, each citation needed, neutral."""
    with guard():
        services = Services(load_settings(ctx))
        report = evaluate_digest(
            digest,
            sources=sources,
            store=services.store if use_store else None,
            make_judge=lambda: services.judge(judge, model),
        )
        rendered = render(report, fmt.value)
    _emit(rendered, output)
    if fail_under is not None:
        recall = report.metric("citation_recall")
        threshold = _fraction(fail_under)
        if math.isnan(recall):
            why = report.metrics["citation_recall"].reason
            console.print(f"[red]FAIL[/] citation recall n/a, so not >= {threshold:.3f} "
                          f"({escape(why)})")
            raise typer.Exit(1)
        if recall < threshold:
            console.print(f"[red]FAIL[/] citation recall {recall:.3f} < {threshold:.3f}")
            raise typer.Exit(1)
        console.print(f"[green]ok[/] citation recall {recall:.3f} >= {threshold:.3f}")


def _emit(rendered: Any, output: Path | None) -> None:
    if output is None or is_stdout(output):
        if isinstance(rendered, str):
            echo(rendered.rstrip("\n"))
        else:
            out.print(rendered)
        return
    if not isinstance(rendered, str):
        buffer = Console(file=io.StringIO(), width=160, color_system=None)
        buffer.print(rendered)
        rendered = buffer.file.getvalue()  # type: ignore[attr-defined]
    with guard():  # render.output: atomic, regular files only, errors as one line
        write_atomic(output, rendered)
    console.print(f"wrote {escape(str(output))}")


@eval_app.command("bench")
def bench_cmd(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="labelled claims, JSON Lines {sentence, sources, label}",
            exists=True,
            dir_okay=False,
        ),
    ],
    judge: Annotated[
        str | None, typer.Option(help="judge engine to measure (default: DIGEST_JUDGE)")
    ] = None,
    model: Annotated[str | None, typer.Option(help=JUDGE_MODEL_HELP)] = None,
    limit: Annotated[int | None, typer.Option(help="only the first N claims")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
) -> None:
    """Measure a judge on labelled claims: ROC AUC, balanced accuracy, claims/s."""
    with guard():
        from digest.judges.bench import run_bench  # our own module: no import guard

        built = Services(load_settings(ctx)).judge(judge, model)
        with progress_bar(console, "eval bench", None, enabled=not json_output) as bar:
            result = run_bench(file, judge=built, limit=limit, progress=bar.update)
    if json_output:
        echo(result.to_json())
    else:
        out.print(result.to_table())


@eval_app.command("calibrate")
def calibrate_cmd(
    ctx: typer.Context,
    judge: Annotated[str, typer.Option(help="judge to calibrate: llm or minicheck")] = "llm",
    model: Annotated[str | None, typer.Option(help=JUDGE_MODEL_HELP)] = None,
    cases: Annotated[
        Path | None,
        typer.Option(
            help="labelled claims, JSON Lines {sentence, sources, label} [default: the shipped "
            "cases, evals/cases/claims.jsonl]",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Fit the judge's decision threshold for one model on labelled cases; used from then on."""
    with guard():
        from digest.judges.calibrate import calibrate, packaged_cases, store_calibration

        spec = JudgeSpec.parse(judge, model)
        if spec.kind not in MODEL_KINDS:
            raise ConfigError(f"--judge {judge!r}: only llm and minicheck judges are calibrated")
        settings = load_settings(ctx)
        fitted = calibrate(Services(settings).judge(spec), cases or packaged_cases())
        path = store_calibration(settings.home, fitted)
    console.print(
        f"judge {fitted.judge}: threshold {fitted.threshold:.3f} on {fitted.claims} cases "
        f"(ROC AUC {fitted.roc_auc:.3f}; balanced accuracy {fitted.balanced_accuracy:.3f}, "
        f"{fitted.balanced_accuracy_at_0_5:.3f} at 0.5); stored in {path}"
    )
