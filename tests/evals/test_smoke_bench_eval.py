"""Smoke test of ``evals/bench_eval.py`` (the sample corpus is its only, and smallest, size)."""

from __future__ import annotations

from pathlib import Path

from smoke_helpers import run_script


def test_bench_eval_plants_and_counts_errors(tmp_path: Path) -> None:
    out = run_script("bench_eval.py", "--judge", "lexical", home=tmp_path)
    for kind in ("none", "number", "place", "negation", "wrong source"):
        assert any(line.startswith(kind) for line in out.splitlines()), out
