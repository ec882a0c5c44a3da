"""Smoke test of ``evals/bench_judges.py`` without ../shared/evaldata: only the project's own
labelled cases (evals/cases/claims.jsonl), first 5 claims."""

from __future__ import annotations

from pathlib import Path

from smoke_helpers import run_script


def test_bench_judges_runs_on_the_shipped_cases(tmp_path: Path) -> None:
    out = run_script("bench_judges.py", "--data", str(tmp_path / "no-data"), "--files",
                     "--limit", "5", home=tmp_path)
    assert "| claims.jsonl | embedded | 5 " in out
