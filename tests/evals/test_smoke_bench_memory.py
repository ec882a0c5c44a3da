"""Smoke test of ``evals/bench_memory.py``: three articles, every command and the stages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from smoke_helpers import run_script


@pytest.mark.slow  # six processes, each loading the model: a minute on a busy machine
def test_bench_memory_reports_each_command_and_stage(tmp_path: Path) -> None:
    report = tmp_path / "memory.json"
    run_script("bench_memory.py", "--articles", "3", "--repeat", "1", "--stages",
               "--json", str(report), home=tmp_path)
    figures = json.loads(report.read_text())
    assert set(figures["commands"]) == {"ingest", "daily", "brief"}
    for command in figures["commands"].values():
        assert command["rss_mib"] > 50 and command["wall_s"] > 0
    steps = [step for step, _, _ in figures["stages"]]
    assert any("embedding model loaded" in s for s in steps)
    assert any("judge" in s for s in steps)
