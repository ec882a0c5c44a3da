"""Smoke test of ``evals/bench_brief.py`` on a tiny synthetic store (bench_query.py's)."""

from __future__ import annotations

from pathlib import Path

from smoke_helpers import run_script


def test_bench_brief_times_a_topic_brief(tmp_path: Path) -> None:
    store = tmp_path / "store"
    run_script("bench_query.py", "--chunks", "600", "--store", str(store), "--build-only",
               home=tmp_path / "home")
    out = run_script("bench_brief.py", str(store), "--repeat", "1", "--topic",
                     "gas pipeline talks", "--since", "7d", home=tmp_path / "home")
    assert "exited" not in out, out
    assert "end to end  wall" in out and "retrieve" in out and "sentences" in out
