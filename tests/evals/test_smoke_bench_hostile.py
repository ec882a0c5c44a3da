"""Smoke test of evals/bench_hostile.py at a tiny size: it lists its rows and runs two."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "evals" / "bench_hostile.py"


def test_lists_every_issue_24_row() -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "--list"], capture_output=True,
                          text=True, cwd=REPO, timeout=60)
    assert done.returncode == 0, done.stderr
    rows = done.stdout.split()
    items = {"1", "2", "3", "4", "5", "7", "8", "9", "10", "11", "13"}
    assert {r.split("-")[1] for r in rows if r.startswith("i24-")} == items
    assert {"yaml-date-2025-13-45", "json-surrogate-title", "json-control-title"} <= set(rows)


@pytest.mark.slow
def test_runs_two_rows_and_reports_time_and_memory() -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "--only", "i24-10-suite-files",
                           "i24-3-markdown-report-links"], capture_output=True, text=True,
                          cwd=REPO, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:3] == ["row", "item", "seconds"] and "peak MB" in lines[0]
    assert len(lines) == 3
    for line in lines[1:]:
        _name, _item, seconds, _own, peak, _code, ok = line.split()[:7]
        assert ok == "yes" and float(seconds) > 0 and float(peak) > 0, line
