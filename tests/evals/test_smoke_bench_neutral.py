"""evals/bench_neutral.py at a tiny size: two made-up clusters, where the sources' leads are
loaded and the roundups are not, give an AUC above one half; a bad file is one line, exit 2."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "evals" / "bench_neutral.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_neutral", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_neutral"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _cluster(lead: str, roundup: str) -> dict:
    articles = [{"title": "t", "text": lead},
                {"title": "t", "text": "Officials met in Geneva on Monday to discuss the deal."},
                {"title": "t", "text": "The talks lasted three hours."}]
    return {"id": "x", "articles": articles, "reference_summary": roundup}


def test_bench_neutral_runs_on_two_clusters(tmp_path: Path, capsys) -> None:
    path = tmp_path / "clusters.jsonl"
    rows = [
        _cluster("The embattled minister slammed the sweeping, radical plan.",
                 "The minister criticized the plan on Monday."),
        _cluster("Even the senator's allies were stunned by the bombshell report.",
                 "The senator's allies responded to the report."),
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert _bench().main([str(path), "--rounds", "20", "--by-rule", "--examples", "2"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["clusters"] == 2 and figures["roundup_sentences"] == 2
    assert figures["auc"] > 0.5
    assert figures["source_flags_per_sentence"] > figures["roundup_flags_per_sentence"] == 0
    assert "loaded speech verb" in figures["rules"]
    assert figures["examples"]["caught in sources"]


@pytest.mark.parametrize("content", ["not json\n", '{"id": "x"}\n'])
def test_bench_neutral_bad_input_is_one_line(tmp_path: Path, capsys, content: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    assert _bench().main([str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bench_neutral:") and err.count("\n") == 1
