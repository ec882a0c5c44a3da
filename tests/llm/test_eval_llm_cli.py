"""``digest eval --judge llm --model M`` and ``digest eval calibrate`` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openai_stub import OpenAIStub, Recorded, Reply, reply
from typer.testing import CliRunner

from digest.cli import app

SOURCE = "Port Alden's council voted 7 to 2 on Tuesday to approve the harbor expansion."


def yes_if_harbor(request: Recorded) -> Reply:
    claim = request.text().rsplit("Claim:", 1)[-1]
    return reply("Yes" if "harbor" in claim else "No")


@pytest.fixture
def env(openai_stub: OpenAIStub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> OpenAIStub:
    monkeypatch.setenv("OPENAI_BASE_URL", openai_stub.base_url)
    monkeypatch.setenv("DIGEST_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DIGEST_LLM_MODEL", "writer-model")
    openai_stub.responder = yes_if_harbor
    return openai_stub


def _digest(tmp_path: Path) -> tuple[Path, Path]:
    digest = tmp_path / "d.md"
    digest.write_text("The council approved the harbor expansion [1].\n"
                      "The council met on Friday [1].\n", encoding="utf-8")
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "1.md").write_text(SOURCE + "\n", encoding="utf-8")
    return digest, sources


def test_eval_names_the_judge_model_and_defaults_to_the_writers(
    env: OpenAIStub, tmp_path: Path
) -> None:
    digest, sources = _digest(tmp_path)
    args = ["eval", str(digest), "--sources", str(sources), "--judge", "llm"]
    result = CliRunner().invoke(app, [*args, "--model", "judge-model", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["judge"] == "llm:judge-model"
    assert {r.model for r in env.requests} == {"judge-model"}
    table = CliRunner().invoke(app, args)  # no --model: the writer's model, named in the report
    assert table.exit_code == 0, table.output
    assert "judge llm:writer-model" in table.stdout
    assert env.requests[-1].model == "writer-model"


def test_model_with_an_offline_judge_is_an_error(env: OpenAIStub, tmp_path: Path) -> None:
    digest, sources = _digest(tmp_path)
    result = CliRunner().invoke(app, ["eval", str(digest), "--sources", str(sources),
                                      "--judge", "embedded", "--model", "x"])
    assert result.exit_code != 0
    assert "--model applies to the llm and minicheck judges" in " ".join(result.output.split())


def test_calibrate_stores_a_threshold_per_model(env: OpenAIStub, tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    rows = [("The council approved the harbor expansion.", "supported"),
            ("The harbor vote was 7 to 2.", "supported"),
            ("The mayor resigned.", "unsupported"), ("The vote was unanimous.", "unsupported")]
    cases.write_text("".join(json.dumps({"sentence": s, "sources": [SOURCE], "label": label})
                             + "\n" for s, label in rows), encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "calibrate", "--judge", "llm", "--model", "m1",
                                      "--cases", str(cases)])
    assert result.exit_code == 0, result.output
    assert "judge llm:m1: threshold 0.500 on 4 cases" in " ".join(result.output.split())
    stored = json.loads((tmp_path / "home" / "calibration.json").read_text())
    assert stored["llm:m1"]["threshold"] == 0.5 and stored["llm:m1"]["balanced_accuracy"] == 1.0
    assert len(env.requests) == 4


def test_eval_checks_the_sentences_of_a_digest_concurrently(
    env: OpenAIStub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two judge questions must be in flight together: the barrier breaks if calls queue."""
    import threading

    monkeypatch.setenv("DIGEST_LLM_CONCURRENCY", "2")
    barrier = threading.Barrier(2, timeout=10)

    def together(request: Recorded) -> Reply:
        barrier.wait()
        return yes_if_harbor(request)

    env.responder = together
    digest, sources = _digest(tmp_path)
    result = CliRunner().invoke(app, ["eval", str(digest), "--sources", str(sources),
                                      "--judge", "llm", "-f", "json"])
    assert result.exit_code == 0, result.output
    verdicts = [s["verdict"] for s in json.loads(result.stdout)["sentences"]]
    assert verdicts == ["supported", "unsupported"]


def test_bench_sends_the_claims_concurrently_and_names_the_model(
    env: OpenAIStub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    monkeypatch.setenv("DIGEST_LLM_CONCURRENCY", "2")
    barrier, lock, seen = threading.Barrier(2, timeout=10), threading.Lock(), [0]

    def together(request: Recorded) -> Reply:
        with lock:
            seen[0] += 1
            n = seen[0]
        if n in (2, 3):  # the first question probes logprob support alone
            barrier.wait()
        return yes_if_harbor(request)

    env.responder = together
    cases = tmp_path / "cases.jsonl"
    rows = [("The harbor expansion passed.", "supported"), ("The mayor resigned.", "unsupported"),
            ("The harbor vote was 7 to 2.", "supported"), ("Nobody voted.", "unsupported")]
    cases.write_text("".join(json.dumps({"sentence": s, "sources": [SOURCE], "label": label})
                             + "\n" for s, label in rows), encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "bench", str(cases), "--judge", "llm",
                                      "--model", "m2", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["judge"] == "llm:m2" and data["claims"] == 4
    assert data["balanced_accuracy"] == 1.0
