"""Smoke test of ``evals/bench_llm_tokens.py`` (the sample corpus is its smallest size)."""

from __future__ import annotations

from pathlib import Path

from smoke_helpers import run_script


def test_bench_llm_tokens_compares_prompts(tmp_path: Path) -> None:
    out = run_script("bench_llm_tokens.py", home=tmp_path)
    assert "total prompt tokens (chars/4): ours" in out and "ours/naive" in out
