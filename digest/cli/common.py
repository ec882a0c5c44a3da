"""Shared CLI plumbing: the typer app, global options, logging, and error -> exit code."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from digest.config import Settings
from digest.errors import ConfigError, DigestError, LockedError
from digest.ingest.readers import parse_date

app = typer.Typer(
    name="digest",
    help="Cited, neutral news briefings from your own article store, and evals that check them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)
out = Console(soft_wrap=True)

_QUIET = ("httpx", "httpcore", "openai", "chromadb", "trafilatura", "urllib3", "htmldate")


@app.callback()
def main(
    ctx: typer.Context,
    store: Annotated[
        Path | None, typer.Option(help="Chroma data directory (default: DIGEST_HOME/chroma)")
    ] = None,
    home: Annotated[Path | None, typer.Option(help="data directory (env DIGEST_HOME)")] = None,
    verbose: Annotated[int, typer.Option("-v", "--verbose", count=True, help="-v info, -vv debug")] = 0,
) -> None:
    """Cited, neutral news briefings from your own article store."""
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
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
        console.print(f"[yellow]busy:[/] {escape(str(exc))}")
        raise typer.Exit(3) from exc
    except DigestError as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc


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
