"""The `llm` and `minicheck` judges against a local OpenAI-compatible server (real client)."""

from __future__ import annotations

import math

import pytest
from conftest import LogprobStub
from openai_stub import error, reply

from digest.config import Settings
from digest.errors import LLMError
from digest.judges import get_judge
from digest.judges.llm import LLMJudge, chunks, preset, yes_probability

DOC = "The council voted 7 to 2 on Tuesday to approve the $48 million harbor expansion."


def settings_for(stub: LogprobStub) -> Settings:
    return Settings(openai_base_url=stub.base_url, openai_api_key="test", llm_model="judge-model")


def test_yes_probability_normalises_over_yes_and_no() -> None:
    got = yes_probability(
        [("Yes", math.log(0.6)), (" yes", math.log(0.1)), ("No", math.log(0.1)), ("Maybe", -1)]
    )
    assert got == pytest.approx(0.7 / 0.8)
    assert yes_probability([("Perhaps", -0.1)]) is None


def test_llm_judge_uses_logprobs(stub: LogprobStub) -> None:
    stub.push(reply("Yes")).push_logprobs([("Yes", math.log(0.8)), ("No", math.log(0.2))])
    judge = get_judge("llm", settings_for(stub))
    got = judge.judge("The council approved the harbor expansion.", [DOC])
    assert got.probability == pytest.approx(0.8)
    assert (got.source, got.start, got.end) == (0, 0, len(DOC))
    sent = stub.requests[0]
    assert sent.model == "judge-model"
    assert sent.body["logprobs"] is True and sent.body["max_tokens"] == 1
    assert "approve the $48 million harbor expansion" in sent.text()


def test_minicheck_preset_speaks_its_own_format(stub: LogprobStub) -> None:
    stub.push(reply("No"))  # a server without logprobs: the answer word decides
    judge = get_judge("minicheck", settings_for(stub))
    got = judge.judge("The council rejected the expansion.", [DOC])
    assert got.probability == 0.0
    sent = stub.requests[0]
    assert sent.model == "bespoke-minicheck"
    assert sent.messages == [
        {
            "role": "user",
            "content": f"Document: {DOC}\nClaim: The council rejected the expansion.\n",
        }
    ]
    assert get_judge("minicheck:my-minicheck", settings_for(stub)).config.model == "my-minicheck"


def test_server_rejecting_logprobs_is_asked_without_them_once(stub: LogprobStub) -> None:
    stub.push(error(400, "logprobs not supported"), reply("Yes."), reply("no"))
    judge = get_judge("llm", settings_for(stub))
    assert judge.judge("The vote was 7 to 2.", [DOC]).probability == 1.0
    assert judge.judge("The vote was 9 to 0.", [DOC]).probability == 0.0
    assert [("logprobs" in r.body) for r in stub.requests] == [True, False, False]


def test_unusable_answer_and_dead_server_raise_llm_error(stub: LogprobStub) -> None:
    stub.push(reply("I cannot say"))
    judge = get_judge("llm", settings_for(stub))
    with pytest.raises(LLMError, match="not Yes or No"):
        judge.judge("The vote was 7 to 2.", [DOC])
    stub.push(error(503), error(503))
    flaky = LLMJudge(judge._client, preset("llm", None, settings_for(stub)), max_retries=1)
    with pytest.raises(LLMError, match="503"):
        flaky.judge("The vote was 7 to 2.", [DOC])


def test_decomposition_scores_the_weakest_part(stub: LogprobStub) -> None:
    stub.push(
        reply({"claims": ["The council voted 7 to 2.", "The vote was on Friday."]}),
        reply("Yes"),
        reply("No"),
    ).push_logprobs(
        None,
        [("Yes", math.log(0.9)), ("No", math.log(0.1))],
        [("No", math.log(0.7)), ("Yes", math.log(0.3))],
    )
    judge = LLMJudge(stub_client(stub), preset("llm", "m", None), decompose=True)
    got = judge.judge("The council voted 7 to 2 on Friday.", [DOC])
    assert got.probability == pytest.approx(0.3)
    assert got.details == {"part0": pytest.approx(0.9), "part1": pytest.approx(0.3)}
    assert stub.requests[0].body["response_format"] == {"type": "json_object"}


def test_long_documents_are_judged_by_their_best_chunk(stub: LogprobStub) -> None:
    other = "Unrelated sentence about the weather in the north. " * 4
    cfg = preset("minicheck", None, None)
    judge = LLMJudge(stub_client(stub), type(cfg)(**{**cfg.__dict__, "chunk_chars": 120}))
    pieces = chunks(other + DOC, 120)
    assert len(pieces) > 1 and all(b - a <= 120 for a, b in pieces)
    stub.push(*[reply("No")] * (len(pieces) - 1), reply("Yes"))
    got = judge.judge("The vote was 7 to 2.", [other, DOC])
    assert got.probability == 1.0
    assert got.source == 1 and DOC[got.start : got.end] == DOC


def stub_client(stub: LogprobStub):  # noqa: ANN201 (openai.OpenAI)
    from digest.app import build_openai_client

    return build_openai_client(settings_for(stub))
