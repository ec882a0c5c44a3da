"""Smoke test of ``evals/bench_verify.py``: the concurrency measurement at 3 sentences."""

from __future__ import annotations

from pathlib import Path

from smoke_helpers import run_script


def test_bench_verify_measures_concurrency(tmp_path: Path) -> None:
    out = run_script("bench_verify.py", "concurrency", "--sentences", "3", "--delay", "0.01",
                     home=tmp_path)
    assert "concurrency 1:" in out and "concurrency 8:" in out and "speed-up" in out
