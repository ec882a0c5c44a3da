"""One model resolution per run (issue 20, item 5), through the real CLI, the real ``openai``
client and a loopback OpenAI-compatible server that lists its models (the stub scripts only the
models' answers):

* ``--judge llm`` with ``--model M`` judges with M (the judge defaults to the writer's model);
* a model the server does not list is refused before any writing, even when ``/v1/models``
  answers only after 11 s (past the old check's 10 s timeout, which let a bogus name through).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openai_stub import PROFILES, OpenAIStub, Recorded, reply
from typer.testing import CliRunner

from digest.cli import app

NOW = "2026-05-21T00:00:00+00:00"


def writer_then_judge(request: Recorded) -> object:
    """The writer copies the first sentence of each passage; the judge answers Yes."""
    shown = request.text()
    if "<source>" in shown:  # the llm judge's question (prompts/judge_yesno.j2)
        return reply("Yes")
    passages = re.findall(r'<passage id="(P\d+)">\n(.*?)\n</passage>', shown, re.S)
    sentences = [{"text": re.split(r"(?<=\.)\s", text.strip())[0], "passage_ids": [pid],
                  "section": "body"} for pid, text in passages[:3]]
    sentences[0]["section"] = "summary"
    return reply({"sentences": sentences})


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    with OpenAIStub(writer_then_judge, profile=PROFILES["lists-models"]) as stub:
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        monkeypatch.setenv("DIGEST_LLM_TIMEOUT", "30")
        yield stub


def _brief(store: Path, out: Path, *extra: str):  # noqa: ANN202
    return CliRunner().invoke(app, [
        "--store", str(store), "brief", "Putin arrival in China", "--writer", "llm",
        "--judge", "llm", "--now", NOW, "-k", "4", "-o", str(out), *extra])


def test_the_llm_judge_uses_the_model_given_with_model(
    server: OpenAIStub, corpus_store_path: Path, tmp_path: Path,
) -> None:
    result = _brief(corpus_store_path, tmp_path / "b.md", "--model", "llama3.1:8b")
    assert result.exit_code == 0, result.output
    judged = [r for r in server.requests if "<source>" in r.text()]
    written = [r for r in server.requests if "<source>" not in r.text()]
    assert judged and written
    assert {r.model for r in server.requests} == {"llama3.1:8b"}  # never the default gpt-4o-mini
    assert "llm:llama3.1:8b" in (tmp_path / "b.md").read_text(encoding="utf-8")


def test_a_bogus_model_is_refused_before_any_writing_even_when_the_server_is_busy(
    server: OpenAIStub, corpus_store_path: Path, tmp_path: Path,
) -> None:
    server.busy(11.0)  # /v1/models answers only after 11 s
    out = tmp_path / "b.md"
    result = _brief(corpus_store_path, out, "--model", "qwen2.5:0.5b")
    assert result.exit_code == 2, result.output
    assert "qwen2.5:0.5b" in result.output and "not served" in result.output
    assert server.requests == []  # no completion was ever requested
    assert not out.exists() and not out.with_suffix(".json").exists()


def test_a_small_context_window_shows_the_writer_fewer_passages(
    server: OpenAIStub, corpus_store_path: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DIGEST_LLM_CONTEXT_TOKENS reaches the writer through the composition root."""
    def shown() -> int:
        writer = [r for r in server.requests if "<source>" not in r.text()]
        return len(re.findall(r'<passage id="P\d+">', writer[-1].text()))

    args = ("--model", "llama3.1:8b", "--no-verify", "-k", "8")
    assert _brief(corpus_store_path, tmp_path / "a.md", *args).exit_code == 0
    full = shown()
    monkeypatch.setenv("DIGEST_LLM_CONTEXT_TOKENS", "1200")
    assert _brief(corpus_store_path, tmp_path / "b.md", *args).exit_code == 0
    assert 1 <= shown() < full
