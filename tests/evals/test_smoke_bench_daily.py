"""Smoke test of ``evals/bench_daily.py`` at three articles (end to end and stages)."""

from __future__ import annotations

import json
from pathlib import Path

from smoke_helpers import run_script


def test_bench_daily_runs_at_three_articles(tmp_path: Path) -> None:
    out = run_script("bench_daily.py", "--articles", "3", home=tmp_path)
    report = json.loads(out[out.index("{"):])
    assert report["end_to_end"]["peak_rss_mb"] > 50
    assert report["stages"]["outcome"] == "written"
    assert report["stages"]["rerun_outcome"] == "unchanged"
