"""``digest deliver``: send a day's digest to the project's ``[[deliver]]`` targets."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Annotated

import typer

from digest.app import Services
from digest.cli.common import (
    ConfigOption,
    app,
    console,
    day_option,
    guard,
    load_settings,
    print_deliveries,
    project_option,
)
from digest.daily.deliver import deliver, pick_day, project_lock


@app.command("deliver")
def deliver_cmd(
    ctx: typer.Context,
    config: ConfigOption = None,
    day: Annotated[
        str | None, typer.Option("--date", help="the day to send (default: the newest digest)")
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="only the delivery target with this name")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="print what would be sent; send and record nothing")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="send even if this digest was already sent")
    ] = False,
) -> None:
    """Send a digest to the targets in digest.toml (email, webhook, Atom feed + archive).

    Failed deliveries of earlier days are retried too; nothing already sent is sent again.
    """
    with guard():
        _, project = project_option(config)
        if not project.deliver:
            console.print("no [[deliver]] targets in the project file; nothing to do",
                          markup=False)
            return
        chosen = pick_day(project, day_option(day))
        settings = load_settings(ctx, store=project.store)
        with Services(settings).http as http, project_lock(project):
            results = deliver(project, [chosen], now=datetime.now(UTC), env=os.environ,
                              http=http, only=to, dry_run=dry_run, force=force)
    if print_deliveries(results):
        raise typer.Exit(1)
