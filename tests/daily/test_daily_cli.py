"""`digest init / daily / runs` through the CLI, and real processes: a kill, a lock."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from daily_helpers import DAYS, PYTHON, REPO, Daily, article, cli_env, evening
from filelock import FileLock
from typer.testing import CliRunner

from digest.cli import app
from digest.daily.project import load_project
from digest.daily.runs import read_records, runs
from digest.store import Store, open_client

DAY4 = evening(DAYS[2]) + timedelta(days=1)


# The production CLI has no fault hook: this wrapper (test code) runs the real `digest` CLI
# with run_daily's `fault` callback set to SIGKILL the process once the named stage is reached.
_KILLED_AFTER = """
import os, signal, sys
import digest.cli.daily as cli_daily
stage, real = sys.argv.pop(1), cli_daily.run_daily

def fault(reached):
    if reached == stage:
        os.kill(os.getpid(), signal.SIGKILL)

cli_daily.run_daily = lambda *args, **kwargs: real(*args, **{**kwargs, "fault": fault})
from digest.cli import app
app(prog_name="digest")
"""


def _digest(root: Path, *args: str, timeout: int = 240,
            kill_after: str | None = None) -> subprocess.CompletedProcess:
    command = [PYTHON, "-c", _KILLED_AFTER, kill_after] if kill_after else [PYTHON, "-m", "digest"]
    return subprocess.run(
        [*command, "daily", "--config", str(root / "digest.toml"), *args],
        cwd=REPO, env=cli_env(root), capture_output=True, text=True, timeout=timeout,
    )


def test_a_run_killed_between_ingest_and_writing_is_completed_by_the_next_run(
    three_days: Daily, embedder
) -> None:
    root = three_days.root
    project = three_days.project
    out = project.output_dir  # every file, the day sets under .days/ included
    before = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    article(root, "day-four", published="2026-05-21T08:00:00+00:00")

    killed = _digest(root, "--now", DAY4.isoformat(), kill_after="ingested")

    assert killed.returncode == -9, killed.stderr  # SIGKILL: no cleanup ran at all
    assert {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()} \
        == before
    last = runs(read_records(project.runs_file))[-1]
    assert last.event == "start" and last.digest_date.isoformat() == "2026-05-21"

    done = _digest(root, "--now", DAY4.isoformat())

    assert done.returncode == 0, done.stderr
    assert "2026-05-21: wrote" in done.stdout
    assert (project.output_dir / "2026-05-21.md").is_file()
    assert {n: (project.output_dir / n).read_bytes() for n in before} == before
    finished = runs(read_records(project.runs_file))[-1]
    assert finished.outcome == "written" and finished.articles == 1
    assert finished.new_articles == 0  # the killed run had ingested it: nothing twice
    assert finished.window_start == runs(read_records(project.runs_file))[2].window_end
    store = Store(open_client(path=str(root / "chroma")), embedder)
    urls = [a.url for a in store.articles()]
    assert len(urls) == 14 and len(set(urls)) == 14


def test_a_second_process_is_refused_while_a_run_holds_the_lock(daily: Daily) -> None:
    project = daily.project
    project.state_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(project.lock_file), timeout=0):
        refused = _digest(daily.root, "--now", evening(DAYS[0]).isoformat())
    assert refused.returncode == 3, refused.stderr
    assert "another `digest daily` is running" in refused.stderr
    assert not project.runs_file.exists() and not project.output_dir.exists()


def test_daily_command_writes_markdown_sidecar_and_html(daily: Daily) -> None:
    article(daily.root, "terminal", published="2026-05-18T09:00:00+00:00")
    result = CliRunner().invoke(app, ["daily", "--config", str(daily.config), "--html",
                                      "--now", evening(DAYS[0]).isoformat()])
    assert result.exit_code == 0, result.output
    assert "2026-05-18: wrote" in result.output
    for suffix in (".md", ".json", ".html"):
        assert daily.digest(DAYS[0], suffix).is_file()


def test_runs_shows_each_run_and_an_interrupted_one(three_days: Daily) -> None:
    runs_file = three_days.project.runs_file
    start = json.loads(runs_file.read_text().splitlines()[-2])
    start.update(run_id="killed000000", digest_date="2026-05-21")
    with runs_file.open("a") as handle:
        handle.write(json.dumps(start) + "\n")

    shown = CliRunner().invoke(app, ["runs", "--config", str(three_days.config)])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.strip().splitlines()
    assert len(lines) == 4
    assert [line.split()[2] for line in lines] == ["2026-05-18", "2026-05-19", "2026-05-20",
                                                   "2026-05-21"]
    assert all("written:" in line for line in lines[:3]) and "interrupted:" in lines[3]
    assert "4 article(s)" in lines[0] and "5 article(s)" in lines[2]

    with FileLock(str(three_days.project.lock_file), timeout=0):  # a run in progress
        busy = CliRunner().invoke(app, ["runs", "--config", str(three_days.config)])
    assert "running:" in busy.output.strip().splitlines()[-1]

    as_json = CliRunner().invoke(app, ["runs", "--config", str(three_days.config), "--json"])
    records = [json.loads(line) for line in as_json.output.strip().splitlines()]
    assert [r["articles"] for r in records[:3]] == [4, 4, 5]


def test_init_writes_a_loadable_example_and_will_not_overwrite_it(tmp_path: Path) -> None:
    target = tmp_path / "digest.toml"
    first = CliRunner().invoke(app, ["init", str(target)])
    assert first.exit_code == 0, first.output
    project = load_project(target)
    assert project.sources == [str(tmp_path / "articles")] and project.writer == "extractive"
    again = CliRunner().invoke(app, ["init", str(target)])
    assert again.exit_code == 2 and "already exists" in again.output


def test_daily_without_a_project_file_says_how_to_make_one(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["daily"])
    assert result.exit_code == 2
    assert "digest init" in result.output


@pytest.mark.parametrize("command", ["init", "daily", "runs", "schedule"])
def test_every_daily_command_has_help(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0 and len(result.output) > 200
