"""``digest brief``: a cited, neutral briefing on a topic or on the period's top stories.

The writer default is decided once, in :func:`digest.app.writer_name` (``DIGEST_WRITER``,
default ``auto``: the LLM writer when an LLM is configured, otherwise the offline extractive
writer); ``--writer`` overrides it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from digest.app import Services
from digest.cli.common import app, console, date_option, guard, load_settings
from digest.cli.terminal import echo
from digest.errors import ConfigError
from digest.ingest.readers import parse_date
from digest.render.formats import Format, render, write_briefing
from digest.render.output import check_target, is_stdout
from digest.render.view import usage_line
from digest.write.brief import build_briefing

_DURATION = re.compile(r"^\s*(\d+)\s*([hdw])\s*$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
_SUFFIX_FORMATS: dict[str, Format] = {".md": "md", ".json": "json", ".html": "html", ".htm": "html"}


def parse_since(value: str, now: datetime) -> datetime:
    """``2d`` / ``12h`` / ``1w`` before ``now``, or a date/time."""
    match = _DURATION.match(value)
    if match:
        return now - timedelta(**{_UNITS[match[2]]: int(match[1])})
    parsed = parse_date(value)
    if parsed is None:
        raise ConfigError(f"--since {value!r}: use a duration like 2d, 12h, 1w or a date")
    return parsed


@app.command("brief")
def brief_cmd(
    ctx: typer.Context,
    topic: Annotated[str | None, typer.Argument(
        help="question or topic; omit for the period's most covered stories")] = None,
    since: Annotated[str | None, typer.Option(
        help="window start: a duration before now (2d, 12h, 1w) or a date")] = None,
    date_from: Annotated[str | None, typer.Option(
        "--from", help="published on/after (YYYY-MM-DD)")] = None,
    date_to: Annotated[str | None, typer.Option(
        "--to", help="published up to and including this day (YYYY-MM-DD)")] = None,
    outlet: Annotated[str | None, typer.Option(help="only articles from this outlet")] = None,
    k: Annotated[int, typer.Option("-k", help="at most this many passages", min=1)] = 12,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output",
        help="write here (atomically; Markdown also gets a .json sidecar)")] = None,
    writer: Annotated[str | None, typer.Option(
        help="llm or extractive (default: llm if OPENAI_API_KEY/OPENAI_BASE_URL is set)")] = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", help="md, json or html (default: from -o's suffix, else md)")] = None,
    model: Annotated[str | None, typer.Option(help="chat model for --writer llm")] = None,
    now: Annotated[str | None, typer.Option(
        help="treat this ISO time as 'now' (reproducible --since windows and headers)")] = None,
    verify: Annotated[bool | None, typer.Option(
        "--verify/--no-verify",
        help="check every sentence against its cited passages before writing (default: on)")
    ] = None,
    judge: Annotated[str | None, typer.Option(
        help="judge for verification (default: DIGEST_JUDGE); any judge `digest eval` has")
    ] = None,
    min_supported: Annotated[float | None, typer.Option(
        "--min-supported", min=0.0, max=1.0,
        help="exit non-zero, writing nothing, when a smaller share of sentences is supported")
    ] = None,
) -> None:
    """Write a neutral briefing in which every sentence carries [n] citations."""
    with guard():
        settings = load_settings(ctx)
        clock = date_option(now, "--now") or datetime.now(UTC)
        if since and date_from:
            raise ConfigError("give either --since or --from, not both")
        start = parse_since(since, clock) if since else date_option(date_from, "--from")
        end = date_option(date_to, "--to", end_of_day=True)
        suffix = output.suffix.lower() if output else ""
        form = fmt or _SUFFIX_FORMATS.get(suffix, "md")
        if form not in ("md", "json", "html"):
            raise ConfigError(f"--format {form!r}: use md, json or html")
        if output is not None and not is_stdout(output):
            check_target(output)  # `-o ""` or a directory: one line, before any work
        services = Services(settings)
        chosen = services.writer(writer, model)
        checks = services.verification(enabled=verify, judge=judge, min_supported=min_supported,
                                       writer_model=model)
        services.check_models()  # writer, repair and judge models, before any work starts
        briefing = build_briefing(
            services.store, topic=topic, since=start, until=end, outlet=outlet, k=k, writer=chosen,
            now=clock, verify=checks,
        )
        if output is None or is_stdout(output):  # `-o -` / `-o /dev/stdout`: no sidecar
            echo(render(briefing, form), nl=False)  # type: ignore[arg-type]
        else:
            for path in write_briefing(briefing, output, form):  # type: ignore[arg-type]
                console.print(f"wrote {escape(str(path))}")
    if briefing.dropped:
        console.print(f"[yellow]{len(briefing.dropped)} sentence(s) left out[/] "
                      "(each with its reason in the JSON form)")
    if briefing.usage.requests:
        console.print(usage_line(briefing.usage), markup=False)
