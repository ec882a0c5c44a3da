"""Smoke test of ``evals/bench_writer.py``: generate on the sample corpus, then score.

Checks the script runs end to end and that its two issue-21 columns are what the writer
promises on the sample corpus: no sentence flagged by the self-containment rules, no
narrative sentence stating one side of a disputed fact.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "evals" / "bench_writer.py"


@pytest.mark.slow
def test_bench_writer_generates_and_scores_the_sample_corpus(tmp_path: Path) -> None:
    out = tmp_path / "bench"
    subprocess.run([sys.executable, str(SCRIPT), "generate", str(out)], check=True,
                   capture_output=True, text=True, timeout=900)
    assert len(list(out.glob("*.briefing.json"))) == 5  # brief x2, daily x3
    scored = subprocess.run([sys.executable, str(SCRIPT), "score", str(out)], check=True,
                            capture_output=True, text=True, timeout=900).stdout
    rows = [line.split(" | ") for line in scored.splitlines() if line.startswith("| sample")]
    assert len(rows) == 2, scored
    for row in rows:
        assert row[3].endswith("(0)"), scored  # dangling
        assert row[4] == "0", scored  # contested stated as fact
