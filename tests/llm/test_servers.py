"""The writer and the judges against each server profile of the stub (issue 14).

Each profile reproduces a real server's documented treatment of ``response_format`` and
``/v1/models``; the writer must succeed in the best mode the server supports, or fail with a
one-line message that names the cause.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest
from langchain_openai import ChatOpenAI
from mini import mini_passages
from openai_stub import PROFILES, OpenAIStub, Recorded, Reply, reply

from digest.errors import LLMError
from digest.judges.llm import LLMJudge, preset
from digest.llm import LLM
from digest.write.llm import write_llm

ANSWER = {"sentences": [
    {"text": "Putin arrived in Tianjin on Tuesday, officials said.", "passage_ids": ["P1"],
     "section": "summary"},
    {"text": "Trade reached $245 billion last year, the customs agency reported.",
     "passage_ids": ["P2"], "section": "body"},
]}


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[OpenAIStub]:
    with OpenAIStub(profile=PROFILES[request.param]) as stub:
        yield stub


def served(stub: OpenAIStub) -> str:
    """A model the profile serves (llama-cpp-python lists its file path; start it with
    ``--model_alias`` for a short name)."""
    return (stub.profile.models or ("gpt-4o-mini",))[0]


def make_llm(stub: OpenAIStub, model: str | None = None, **kwargs: object) -> LLM:
    chat = ChatOpenAI(model=model or served(stub), api_key="test", base_url=stub.base_url,
                      timeout=5, max_retries=0)
    return LLM(chat, backoff=0.01, **kwargs)  # type: ignore[arg-type]


def formats(stub: OpenAIStub) -> list[str]:
    return [(r.body.get("response_format") or {}).get("type", "none") for r in stub.requests]


@pytest.mark.parametrize(("server", "mode", "sent"), [
    ("openai", "json_schema", ["json_schema"]),
    ("llama-cpp-python", "json_object", ["json_schema", "json_object"]),
    ("json-object-only", "json_object", ["json_schema", "json_object"]),
    ("fenced", "json_schema", ["json_schema"]),
    ("no-response-format", "instruction", ["json_schema", "json_object", "none"]),
], indirect=["server"])
def test_writer_succeeds_in_the_best_mode_each_server_supports(
    server: OpenAIStub, mode: str, sent: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    server.push(reply(ANSWER))
    llm = make_llm(server)
    with caplog.at_level(logging.WARNING, logger="digest.llm"):
        result = write_llm(mini_passages(), topic="Putin", llm=llm)
    assert [d.passage_ids for d in result.drafts] == [["a"], ["b"]]
    assert result.usage.output_mode == mode
    assert formats(server) == sent
    if len(sent) > 1:  # the fallback is said once, in words, without the server's traceback
        assert "the server does not support json_schema output" in caplog.text
        assert "Traceback" not in caplog.text
    # the mode is remembered for the run: the next call goes straight to it
    server.push(reply(ANSWER))
    write_llm(mini_passages(), topic="Putin", llm=llm)
    assert formats(server)[len(sent):] == sent[-1:]


@pytest.mark.parametrize("server", ["llama-cpp-python"], indirect=True)
def test_json_object_mode_sends_the_schema_for_servers_that_take_one(server: OpenAIStub) -> None:
    server.push(reply(ANSWER))
    write_llm(mini_passages(), topic=None, llm=make_llm(server, output_mode="json_object"))
    [request] = server.requests  # the override skips json_schema
    schema = request.body["response_format"]["schema"]
    assert schema["properties"]["sentences"]["items"]["properties"]["passage_ids"]["items"][
        "enum"] == ["P1", "P2", "P3"]


@pytest.mark.parametrize("server", ["llama-cpp-python"], indirect=True)
def test_forced_mode_the_server_refuses_fails_at_once_naming_the_setting(
    server: OpenAIStub,
) -> None:
    with pytest.raises(LLMError) as caught:
        write_llm(mini_passages(), topic=None, llm=make_llm(server, output_mode="json_schema"))
    message = str(caught.value)
    assert "refused the request in json_schema mode" in message
    assert "DIGEST_LLM_OUTPUT_MODE" in message and "\n" not in message
    assert len(server.requests) == 1  # a capability error is not retried


@pytest.mark.parametrize("server", ["lists-models", "openai"], indirect=True)
def test_a_model_the_server_does_not_list_is_refused_before_any_request(
    server: OpenAIStub,
) -> None:
    with pytest.raises(LLMError, match=r"model 'no-such-model-xyz' is not served at .*; "
                                       r"available: .*--model"):
        write_llm(mini_passages(), topic=None, llm=make_llm(server, model="no-such-model-xyz"))
    assert server.requests == []


@pytest.mark.parametrize("server", ["lists-models"], indirect=True)
def test_ollama_style_name_without_tag_means_latest(server: OpenAIStub) -> None:
    server.profile = PROFILES["lists-models"].__class__("tags", models=("qwen2.5:latest",))
    server.push(reply(ANSWER))
    result = write_llm(mini_passages(), topic=None, llm=make_llm(server, model="qwen2.5"))
    assert len(result.drafts) == 2


@pytest.mark.parametrize("server", list(PROFILES), indirect=True)
def test_judge_with_decomposition_works_against_every_profile(server: OpenAIStub) -> None:
    def answer(request: Recorded) -> Reply:
        if "atomic factual claims" in request.text():
            return reply({"claims": ["Putin arrived in Tianjin."]})
        return reply("Yes")

    server.responder = answer
    model = served(server)
    judge = LLMJudge(make_llm(server, model=model), preset("llm", model), decompose=True)
    got = judge.judge("Putin arrived in Tianjin.", [mini_passages()[0].chunk.text])
    assert got.probability == 1.0
    assert judge.name == f"llm:{model}"


@pytest.mark.parametrize("server", ["openai"], indirect=True)
def test_judge_many_sends_independent_questions_concurrently(server: OpenAIStub) -> None:
    """Two questions must be in flight together: the barrier breaks if calls are sequential."""
    barrier = threading.Barrier(2, timeout=10)
    lock = threading.Lock()
    answered = [0]

    def answer(request: Recorded) -> Reply:
        with lock:
            answered[0] += 1
            first = answered[0]
        if first > 1 and first <= 3:  # the first call probes logprob support on its own
            barrier.wait()
        return reply("Yes")

    server.responder = answer
    judge = LLMJudge(make_llm(server, concurrency=2), preset("llm", "gpt-4o-mini"))
    text = mini_passages()[0].chunk.text
    got = judge.judge_many([(f"Claim {i} about Tianjin.", [text]) for i in range(4)])
    assert [j.probability for j in got] == [1.0] * 4
    assert judge.calls == 4
