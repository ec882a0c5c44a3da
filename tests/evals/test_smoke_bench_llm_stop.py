"""Smoke test of ``evals/bench_llm_stop.py`` against the loopback stub (one run per mode)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from smoke_helpers import run_script

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "llm"))
from openai_stub import PROFILES, OpenAIStub, Recorded, Reply, reply  # noqa: E402


def test_bench_llm_stop_measures_both_modes(tmp_path: Path) -> None:
    def model(request: Recorded) -> Reply:
        if request.body.get("max_tokens") == 1:
            return reply("hi")
        return reply("word " * 400, token_delay=0.02, delay=0 if request.body.get("stream")
                     else 2.0)

    with OpenAIStub(responder=model, profile=PROFILES["lists-models"]) as stub:
        out = run_script("bench_llm_stop.py", "--base-url", stub.base_url, "--model",
                         "qwen2.5:7b", "--timeout", "1", "--runs", "1", home=tmp_path)
        assert stub.disconnects  # the streamed request was closed mid-answer
    rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert [r["mode"] for r in rows] == ["stream", "plain"]
    assert all(r["runs"][0]["gave_up_s"] < 10 for r in rows)
