"""``digest init``, ``digest daily``, ``digest runs``, ``digest schedule``."""

from __future__ import annotations

import os
from datetime import UTC
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from digest.app import Services
from digest.cli.common import (
    ConfigOption,
    app,
    console,
    day_option,
    guard,
    load_settings,
    now_option,
    out,
    print_deliveries,
    project_option,
)
from digest.cli.progress import progress_bar
from digest.daily.deliver import after_run, undelivered
from digest.daily.project import PROJECT_FILE, write_example
from digest.daily.run import DailyResult, is_running, run_daily
from digest.daily.runs import RunRecord, read_records, runs
from digest.daily.schedule import (
    ENV_FILE,
    CrontabCommand,
    CrontabFile,
    ScheduleSpec,
    cron_block,
    install_cron,
    install_systemd,
    missing_variables,
    needed_variables,
    parse_at,
    remove_cron,
    remove_systemd,
    run_systemctl,
    systemd_units,
    write_env_file,
)
from digest.ingest.readers import expand


@app.command("init")
def init_cmd(
    path: Annotated[Path, typer.Argument(help="where to write it")] = Path(PROJECT_FILE),
    force: Annotated[bool, typer.Option("--force", help="overwrite an existing file")] = False,
) -> None:
    """Write a commented example digest.toml for `digest daily`."""
    with guard():
        written = write_example(path, force=force)
    out.print(f"wrote {written}; edit its sources, then run `digest daily`")


@app.command("daily")
def daily_cmd(
    ctx: typer.Context,
    config: ConfigOption = None,
    day: Annotated[
        str | None, typer.Option("--date", help="rebuild a past day's digest from the store (YYYY-MM-DD)")
    ] = None,
    html: Annotated[bool, typer.Option("--html", help="also write the HTML page")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="write the digest, but only print what each delivery target would get")
    ] = False,
    now: Annotated[str | None, typer.Option(hidden=True, help="pretend it is this time (ISO)")] = None,
    verify: Annotated[bool | None, typer.Option(
        "--verify/--no-verify", help="check sentences against their passages (default: on)")
    ] = None,
    judge: Annotated[str | None, typer.Option(help="judge for verification")] = None,
    min_supported: Annotated[float | None, typer.Option(
        "--min-supported", min=0.0, max=1.0,
        help="record a failed run, keeping the previous digest, below this supported share")
    ] = None,
) -> None:
    """Ingest what is new and write today's digest, one section per story (idempotent)."""
    with guard():
        _, project = project_option(config)
        if html:
            project = project.model_copy(update={"html": True})
        backfill = day_option(day)
        settings = load_settings(ctx, store=project.store)
        services = Services(settings)
        when = now_option(now)
        try:
            # The project's writer and model (digest.toml), else the settings' default; an LLM
            # judge defaults to the same model, and every model is checked before any work.
            writer = services.writer(project.writer, project.model)
            checks = services.verification(enabled=verify, judge=judge,
                                           min_supported=min_supported,
                                           writer_model=project.model)
            services.check_models()
            total = 0 if backfill else sum(1 for _ in expand(project.sources))
            with progress_bar(console, "daily: ingest", total, enabled=total >= 5) as bar:
                result = run_daily(
                    project, store=services.store,
                    fetcher=None if backfill else services.fetcher,
                    writer=writer, now=when, verify=checks, backfill=backfill,
                    ingest_options=services.ingest_options, on_source=bar.advance,
                    deliver=after_run(project, now=when, env=os.environ, http=services.http,
                                      dry_run=dry_run)
                    if project.deliver else None,
                )
        finally:
            services.close()
    _print_result(result, project.output_dir)
    if print_deliveries(result.record.deliveries):
        raise typer.Exit(1)


def _print_result(result: DailyResult, directory: Path) -> None:
    r = result.record
    for failed in r.failed_sources:
        console.print(f"[yellow]source failed[/] {escape(failed.source)}: "
                      f"{escape(failed.reason)}")
    files = ", ".join(str(directory / name) for name in r.files) or "no file"
    what = {
        "written": f"wrote {files}",
        "no-news": f"no new coverage; wrote {files}",
        "unchanged": f"nothing new; kept {files}",
        "skipped": "no new coverage; nothing written (no_news = \"skip\")",
    }.get(r.outcome, r.outcome)
    out.print(f"{r.digest_date}: {what} ({r.articles} article(s), {r.new_articles} new, "
              f"{r.stories} stor{'y' if r.stories == 1 else 'ies'}, {r.duration_s:.1f} s)",
              markup=False)


@app.command("runs")
def runs_cmd(
    config: ConfigOption = None,
    limit: Annotated[int, typer.Option("-n", "--limit", help="show the last N runs")] = 20,
    json_output: Annotated[bool, typer.Option("--json", help="JSON lines")] = False,
) -> None:
    """Show the run records of `digest daily` (newest last)."""
    with guard():
        _, project = project_option(config)
        shown = runs(read_records(project.runs_file))[-limit:]
        busy = is_running(project)
    if json_output:
        for record in shown:
            out.print(record.model_dump_json(), highlight=False)
        return
    for i, r in enumerate(shown):
        out.print(_run_line(r, running=busy and i == len(shown) - 1), highlight=False)
    if not shown:
        console.print(f"no runs recorded in {project.runs_file}")
    for d in undelivered(project):
        out.print(f"undelivered: {d.digest_date} → {d.target} ({d.kind}), last tried "
                  f"{d.at.astimezone(UTC):%Y-%m-%d %H:%M} UTC: {d.detail}", highlight=False,
                  markup=False)


def _run_line(r: RunRecord, *, running: bool = False) -> str:
    """One run per line: greppable, and readable in an 80-column terminal or a log."""
    outcome = ("running" if running else "interrupted") if r.event == "start" else r.outcome
    failed = f", {len(r.failed_sources)} failed source(s)" if r.failed_sources else ""
    tokens = r.prompt_tokens + r.completion_tokens
    v = r.verification
    checked = (f", verified {v.supported + v.repaired}/{v.shipped} ({v.judge}"
               f"{f', {v.cut} cut' if v.cut else ''}{f', {v.flagged} unverified' if v.flagged else ''})"
               if v is not None else "")
    return (
        f"{r.started_at:%Y-%m-%d %H:%M} {r.digest_date}{' (backfill)' if r.backfill else ''} "
        f"{outcome}: {r.articles} article(s), {r.new_articles} new, {r.stories} stor"
        f"{'y' if r.stories == 1 else 'ies'}, {r.writer}{f' {tokens} tokens' if tokens else ''}, "
        f"{r.duration_s:.1f} s{failed}{checked}; window {r.window_start.astimezone(UTC):%Y-%m-%d %H:%M} – "
        f"{r.window_end.astimezone(UTC):%Y-%m-%d %H:%M} UTC" + (f"; error: {r.error}" if r.error else "")
    )


@app.command("schedule")
def schedule_cmd(
    ctx: typer.Context,
    at: Annotated[str, typer.Option("--at", help="daily at HH:MM, this machine's local time")] = "07:00",
    config: ConfigOption = None,
    systemd: Annotated[bool, typer.Option("--systemd", help="a systemd user timer, not cron")] = False,
    install: Annotated[bool, typer.Option("--install", help="install it (default: print it)")] = False,
    remove: Annotated[bool, typer.Option("--remove", help="uninstall it")] = False,
    log: Annotated[Path | None, typer.Option(help="log file (default: STATE_DIR/daily.log)")] = None,
    crontab_file: Annotated[Path | None, typer.Option(hidden=True, help="edit this file, not `crontab`")] = None,
    unit_dir: Annotated[Path | None, typer.Option(hidden=True, help="systemd user unit directory")] = None,
) -> None:
    """Print (or --install / --remove) a crontab line or systemd timer running `digest daily`."""
    with guard():
        path, project = project_option(config)
        settings = load_settings(ctx, store=project.store)
        spec = ScheduleSpec(
            at=parse_at(at), config=path,
            log=(log or project.state_dir / "daily.log").resolve(),
            env={"DIGEST_HOME": str(settings.home.resolve())},
            env_file=(project.state_dir / ENV_FILE).resolve(),
        )
        needed = needed_variables(project, os.environ)
        if install and not remove:
            added = write_env_file(spec.env_file, needed, os.environ)  # type: ignore[arg-type]
            if added:
                console.print(f"copied {', '.join(added)} from this shell into {spec.env_file} "
                              "(mode 600)", markup=False)
        for name, why in missing_variables(spec, needed).items():
            console.print(f"warning: {name} ({why}) is not in {spec.env_file}: the scheduled "
                          "run will not have it; add it there", markup=False)
        if systemd:
            _schedule_systemd(spec, install, remove, unit_dir)
        else:
            _schedule_cron(spec, install, remove, crontab_file)


def _schedule_cron(spec: ScheduleSpec, install: bool, remove: bool, file: Path | None) -> None:
    crontab = CrontabFile(file) if file else CrontabCommand()
    if remove:
        found = remove_cron(spec, crontab)
        out.print(f"removed {spec.name} from the crontab" if found else f"{spec.name} was not installed")
    elif install:
        install_cron(spec, crontab)
        out.print(f"installed {spec.name} in the crontab; logs go to {spec.log}")
    else:
        out.print(cron_block(spec), end="", highlight=False)


def _schedule_systemd(spec: ScheduleSpec, install: bool, remove: bool, unit_dir: Path | None) -> None:
    from platformdirs import user_config_dir

    directory = unit_dir or Path(user_config_dir("systemd", appauthor=False)) / "user"
    systemctl = None if unit_dir else run_systemctl  # a custom dir is not the user's manager
    if remove:
        gone = remove_systemd(spec, directory, systemctl)
        out.print("removed " + ", ".join(str(p) for p in gone) if gone else f"{spec.name} was not installed")
    elif install:
        written = install_systemd(spec, directory, systemctl)
        out.print("installed " + ", ".join(str(p) for p in written)
                  + ("" if systemctl else " (not enabled: custom unit directory)"))
    else:
        for name, text in systemd_units(spec).items():
            out.print(f"# {directory / name}\n{text}", highlight=False)

