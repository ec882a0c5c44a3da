"""What the terminal shows a reader is readable at 80 columns (issue 21).

* ``digest sources``: one line per article, whole ids, full dates and times in UTC (labelled),
  newest first, long titles cut with "…";
* ``--help``: flags show no ``<bool>``, the count flag ``-v`` no ``<int>``;
* a long error: a short first line (what went wrong), the detail after it.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from digest.cli import app
from digest.cli.common import FIRST_LINE, short_first_line

runner = CliRunner()
ROW = re.compile(r"^([0-9a-f]{16})\s+(\d{4}-\d{2}-\d{2} \d{2}:\d{2})\s+(.+?)\s+(\d+)$")


def test_sources_fit_80_columns_with_utc_times_newest_first(corpus_store_path: Path) -> None:
    result = runner.invoke(app, ["--store", str(corpus_store_path), "sources"],
                           env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), lines
    assert "published (UTC)" in lines[0]
    rows = [m for line in lines if (m := ROW.match(line.strip()))]
    assert len(rows) == 13  # every article on one line of its own
    times = [datetime.strptime(m.group(2), "%Y-%m-%d %H:%M") for m in rows]
    assert times == sorted(times, reverse=True)  # newest first, in one zone
    assert any(m.group(3).endswith("…") for m in rows)  # long titles cut, and it shows
    assert "times in UTC" in result.stderr
    copies = [line for line in lines if " is a copy of " in line]
    assert copies and all(re.fullmatch(r"[0-9a-f]{16} is a copy of [0-9a-f]{16}", c)
                          for c in copies)


def _commands(group: Any, path: list[str]) -> list[list[str]]:
    found = [path]
    for name, command in group.commands.items():
        if hasattr(command, "commands"):  # a group (typer's own click, not `click`'s class)
            found += _commands(command, [*path, name])
        else:
            found.append([*path, name])
    return found


def test_help_shows_no_type_for_flags() -> None:
    paths = _commands(typer.main.get_command(app), [])
    assert len(paths) > 15
    for path in paths:
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "100"})
        assert result.exit_code == 0, (path, result.output)
        assert "<bool>" not in result.output, path
    top = runner.invoke(app, ["--help"], env={"COLUMNS": "100"}).output
    verbose = next(line for line in top.splitlines() if "--verbose" in line)
    assert "<int>" not in verbose and "-vv debug" in verbose
    brief = runner.invoke(app, ["brief", "--help"], env={"COLUMNS": "100"}).output
    assert re.search(r"-k\s+<int", brief)  # options that take a value still say which


@pytest.mark.parametrize("message", [
    "no stored passage matches the topic 'zzz' (2020-01-01 00:00 to 2020-01-03 00:00 UTC); "
    "nothing to brief, so no digest was written. Widen --since/--from/--to, drop --outlet, "
    "or ingest more articles.",
    "environment variable DIGEST_SLACK_WEBHOOK is not set: webhook team needs it; put it in "
    "the environment file that digest schedule wrote",
])
def test_a_long_error_has_a_short_first_line(message: str) -> None:
    head, detail = short_first_line(message)
    assert 20 <= len(head) <= FIRST_LINE and detail
    assert " ".join(f"{head} {detail}".split()) == " ".join(message.split())  # nothing lost
    assert short_first_line("short and sweet") == ("short and sweet", "")


def test_the_cli_prints_the_cause_first(corpus_store_path: Path) -> None:
    result = runner.invoke(app, ["--store", str(corpus_store_path), "brief", "nothing at all",
                                 "--from", "2020-01-01", "--to", "2020-01-02"],
                           env={"COLUMNS": "80"})
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: no stored passage matches") and len(lines[0]) <= 80
    assert all(line.startswith("  ") for line in lines[1:])  # the detail, indented after it
