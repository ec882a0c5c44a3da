"""Shared CLI plumbing: the typer app, global options, logging, and error -> exit code."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import click
import typer
from pydantic import ValidationError
from rich.markup import escape
from rich.padding import Padding
from rich.text import Text
from typer.core import TyperOption

from digest.cli.terminal import SafeConsole, SafeLogFilter
from digest.config import Settings
from digest.daily.project import Project, find_project, load_project
from digest.daily.runs import Delivery
from digest.errors import ConfigError, DigestError, LockedError
from digest.ingest.readers import parse_date


def _option_type(self: TyperOption, ctx: click.Context) -> str | None:
    """A flag's type is not shown: ``--dry-run``, not ``--dry-run <bool>``; ``-v`` counts (-vv).

    Typer's rich help prints every option's Python type, flags included, so ``--help`` read
    ``--help <bool>`` and ``-v <int>`` although neither takes a value (issue 21).
    """
    if self.is_flag or self.count:
        return None
    return _typer_option_type(self, ctx)


_typer_option_type = TyperOption.display_type_rich
TyperOption.display_type_rich = _option_type  # type: ignore[method-assign]

app = typer.Typer(
    name="digest",
    help="Cited, neutral news briefings from your own article store, and evals that check them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = SafeConsole(stderr=True)  # data never drives the terminal: see cli/terminal.py
out = SafeConsole(soft_wrap=True)

_QUIET = ("httpx", "httpcore", "openai", "chromadb", "trafilatura", "urllib3", "htmldate")


@app.callback()
def main(
    ctx: typer.Context,
    store: Annotated[
        Path | None, typer.Option(help="Chroma data directory (default: DIGEST_HOME/chroma)")
    ] = None,
    home: Annotated[Path | None, typer.Option(help="data directory (env DIGEST_HOME)")] = None,
    verbose: Annotated[int, typer.Option("-v", "--verbose", count=True, show_default=False,
                                         help="-v info, -vv debug")] = 0,
) -> None:
    """Cited, neutral news briefings from your own article store."""
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, SafeLogFilter) for f in handler.filters):
            handler.addFilter(SafeLogFilter())
    for name in _QUIET:
        logging.getLogger(name).setLevel(max(level, logging.WARNING if verbose < 2 else level))
    overrides = {k: v for k, v in {"store": store, "home": home}.items() if v is not None}
    ctx.obj = overrides


def load_settings(ctx: typer.Context, **overrides: object) -> Settings:
    """Settings from env plus global and per-command options (None means 'not given')."""
    given = {**(ctx.obj or {}), **{k: v for k, v in overrides.items() if v is not None}}
    try:
        return Settings(**given)
    except ValidationError as exc:
        raise ConfigError(f"invalid settings: {exc}") from exc


@contextmanager
def guard() -> Iterator[None]:
    """Turn library errors into a one-line message and an exit code (no traceback)."""
    try:
        yield
    except LockedError as exc:
        _complain("[yellow]busy:[/]", str(exc))
        raise typer.Exit(3) from exc
    except DigestError as exc:
        _complain("[red]error:[/]", str(exc))
        raise typer.Exit(2) from exc


def _complain(label: str, message: str) -> None:
    head, detail = short_first_line(message)
    console.print(f"{label} {escape(head)}")
    if detail:
        console.print(Padding(Text(detail), (0, 0, 0, 2)))


FIRST_LINE = 70  # "error: " + this fits an 80-column terminal
_BREAKS = re.compile(r"; |\. |: | \(")


def short_first_line(message: str, width: int = FIRST_LINE) -> tuple[str, str]:
    """What went wrong on a short first line, the detail (what to do) indented after it.

    A long one-line error wrapped onto 4-5 lines at 80 columns, the cause lost in the middle
    (issue 21). The message is cut at its last clause break (``;``, ``.``, ``:``, `` (``)
    that keeps the first line within ``width``; a message with no such break stays whole.
    Returns (first line, detail); the detail is "" when the message is short.
    """
    message = " ".join(message.split())
    if len(message) <= width:
        return message, ""
    cuts = [m for m in _BREAKS.finditer(message) if 20 <= m.start() <= width]
    if not cuts:
        return message, ""
    cut = cuts[-1]
    head = message[: cut.start() + (1 if cut.group(0)[0] in ";.:" else 0)]
    return head, message[cut.end() - (1 if cut.group(0) == " (" else 0):]


def plain(text: str) -> None:
    """Print to stdout exactly as given: no markup, no highlighting, no link detection.

    Article titles, URLs and paths are untrusted; ``[/]`` or ``[click](javascript:...)`` in them
    must come out as written, not be interpreted (or crash) as rich console markup.
    """
    out.print(text, markup=False, highlight=False, emoji=False)


def date_option(value: str | None, option: str, *, end_of_day: bool = False) -> datetime | None:
    """A date the user typed; one that cannot be read is an error, never "no filter".

    With ``end_of_day`` a bare day is inclusive: ``--to 2026-05-20`` covers all of May 20.
    """
    if value is None:
        return None
    parsed = parse_date(value)
    if parsed is None:
        raise ConfigError(f"{option} {value!r} is not a date (use YYYY-MM-DD)")
    if end_of_day and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
        parsed += timedelta(days=1)
    return parsed


# --- shared by `daily`, `deliver`, `runs`, `schedule` and `brief` (one place each) -----------------

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="project file (default: ./digest.toml)")
]


def project_option(config: Path | None) -> tuple[Path, Project]:
    """The project file named by ``--config``, else ``./digest.toml`` found from here."""
    path = find_project(config, Path.cwd())
    return path, load_project(path)


def day_option(value: str | None) -> date | None:
    """``--date YYYY-MM-DD`` of ``daily`` and ``deliver``."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ConfigError(f"--date {value!r}: use YYYY-MM-DD") from exc


def now_option(value: str | None) -> datetime:
    """``--now``: the one parser of "pretend it is this time" (``brief`` and ``daily``).

    ISO 8601 or a date; a time without an offset is UTC, as every stored time is.
    """
    if value is None:
        return datetime.now(UTC)
    parsed = parse_date(value)
    if parsed is None:
        raise ConfigError(f"--now {value!r}: use ISO 8601, e.g. 2026-05-20T07:00:00+00:00")
    return parsed


_STYLE = {"sent": "green", "failed": "red", "skipped": "dim", "dry-run": "cyan"}


def print_deliveries(results: Iterable[Delivery]) -> int:
    """One line per (day, target); returns how many failed."""
    failed = 0
    for d in results:
        failed += d.status == "failed"
        line = (f"{d.digest_date} → {escape(d.target)} ({d.kind}): "
                f"[{_STYLE[d.status]}]{d.status}[/]"
                f": {escape(d.detail)}")
        (console if d.status == "failed" else out).print(line, highlight=False, soft_wrap=True)
    return failed
