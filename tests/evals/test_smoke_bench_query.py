"""Smoke test of ``evals/bench_query.py``: a tiny store built in two resumed steps, queried."""

from __future__ import annotations

import json
from pathlib import Path

from smoke_helpers import run_script


def test_bench_query_builds_resumes_and_reports(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = run_script("bench_query.py", "--chunks", "300", "--store", str(store),
                       "--build-only", home=tmp_path / "home")
    assert "store: 300 chunks, 50 articles" in first
    report = tmp_path / "report.json"
    second = run_script("bench_query.py", "--chunks", "600", "--store", str(store), "--queries",
                        "5", "--warmup", "1", "--json", str(report), home=tmp_path / "home")
    assert "building: 50 articles there, adding 50" in second  # resumed, not rebuilt
    figures = json.loads(report.read_text())
    assert figures["chunks"] == 600 and figures["articles"] == 100
    for mode in ("store", "store+filter", "store+dates", "raw"):
        assert figures["modes"][mode]["p95"] > 0 and figures["modes"][mode]["hits"] > 0
