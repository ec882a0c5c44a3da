"""``digest brief --writer llm`` end to end: real CLI, real openai client, local scripted server.

The LLM writer itself is tested in tests/llm; here the point is the pipeline around it:
passage ids -> [n] numbering, dropped sentences recorded, the header naming the writer and
model, token usage reported, and no file at all when the model fails.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from brief_helpers import check_structure
from typer.testing import CliRunner

from digest.briefing import Briefing
from digest.cli import app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "llm"))
from openai_stub import OpenAIStub, error, reply  # noqa: E402

NOW = "2026-05-21T06:00:00+00:00"


@pytest.fixture
def stub() -> OpenAIStub:
    with OpenAIStub() as server:
        yield server  # type: ignore[misc]


def _run(corpus_store_path: Path, stub: OpenAIStub, monkeypatch: pytest.MonkeyPatch,
         *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    return CliRunner().invoke(
        app, ["--store", str(corpus_store_path), "brief", "Putin arrival in China", "--now", NOW,
              "--model", "gpt-4o-mini", *args])


ANSWER = {"sentences": [
    {"text": "Putin arrived in China for talks with Xi.", "passage_ids": ["P1", "P2"],
     "section": "summary"},
    {"text": "The Kremlin confirmed the visit.", "passage_ids": ["P2"], "section": "body"},
    {"text": "Reports differ on where he landed.", "passage_ids": ["P3"], "section": "differences"},
    {"text": "An uncited claim.", "passage_ids": [], "section": "body"},
]}


def test_llm_writer_is_the_default_when_configured(
    corpus_store_path: Path, stub: OpenAIStub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    stub.push(reply(ANSWER), reply(ANSWER))  # the second answers the repair request
    target = tmp_path / "llm.md"
    result = _run(corpus_store_path, stub, monkeypatch, "-o", str(target))
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    check_structure(text)
    assert "*Written by the LLM writer (gpt-4o-mini)" in text
    assert "LLM usage: 2 request(s)" in text and "2 sentence(s) left out" in text
    assert "LLM usage: 2 request(s)" in result.stderr  # also reported on the terminal
    briefing = Briefing.model_validate_json(target.with_suffix(".json").read_text())
    assert briefing.writer == "llm" and briefing.usage.requests == 2
    assert briefing.usage.prompt_tokens > 0 and briefing.usage.completion_tokens > 0
    # the uncited claim, and "Reports differ on where he landed." (who is he? issue 21)
    assert {d.text: d.reason.split(":")[0] for d in briefing.dropped} == {
        "An uncited claim.": "cites no passage; still wrong after the repair request",
        "Reports differ on where he landed.": "not self-contained"}
    assert briefing.sentences[0].section == "summary" and briefing.sentences[0].numbers[0] == 1
    numbers = [n for s in briefing.sentences for n in s.numbers]
    assert list(dict.fromkeys(numbers)) == sorted(set(numbers))
    assert "Putin arrived in China for talks with Xi [" in text  # markers added by our code
    shown = stub.requests[0].text()
    assert "harborwire.example.com" not in shown  # the model never sees URLs or store ids


def test_model_failure_writes_nothing(
    corpus_store_path: Path, stub: OpenAIStub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    stub.push(*[error(500) for _ in range(5)])
    target = tmp_path / "fail.md"
    result = _run(corpus_store_path, stub, monkeypatch, "-o", str(target))
    assert result.exit_code != 0
    assert "error:" in result.output
    assert list(tmp_path.iterdir()) == []
