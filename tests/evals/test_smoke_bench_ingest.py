"""Smoke test of ``evals/bench_ingest.py`` at its smallest size (it had rotted once: a stage
timer patched a module path that no longer existed)."""

from __future__ import annotations

from pathlib import Path

from smoke_helpers import run_script


def test_bench_ingest_runs_at_three_articles(tmp_path: Path) -> None:
    out = run_script("bench_ingest.py", "--sizes", "3", "--repeat", "1", home=tmp_path)
    assert "ingested 3 articles" in out and "0 failed" in out
    assert "peak RSS" in out and "embed: inside the ONNX model" in out
