"""The `llm` and `minicheck` judges against a local OpenAI-compatible server (real client)."""

from __future__ import annotations

import math

import pytest
from conftest import LogprobStub
from openai_stub import error, reply

from digest.app import build_judge, build_llm
from digest.config import Settings
from digest.errors import LLMError
from digest.judges.llm import LLMJudge, chunks, preset, yes_probability
from digest.llm import LLM

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
    judge = build_judge(settings_for(stub), "llm")
    assert judge.name == "llm:judge-model"  # reports name the judge and its model
    got = judge.judge("The council approved the harbor expansion.", [DOC])
    assert got.probability == pytest.approx(0.8)
    assert (got.source, got.start, got.end) == (0, 0, len(DOC))
    sent = stub.requests[0]
    assert sent.model == "judge-model"
    assert sent.body["logprobs"] is True and sent.body["max_completion_tokens"] == 1
    assert sent.body["max_tokens"] == 1  # what llama.cpp, Ollama and LM Studio read
    assert "approve the $48 million harbor expansion" in sent.text()


def test_minicheck_preset_speaks_its_own_format(stub: LogprobStub) -> None:
    stub.push(reply("No"))  # a server without logprobs: the answer word decides
    judge = build_judge(settings_for(stub), "minicheck")
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
    assert build_judge(settings_for(stub), "minicheck:my-minicheck").config.model == "my-minicheck"


def test_server_rejecting_logprobs_is_asked_without_them_once(stub: LogprobStub) -> None:
    stub.push(error(400, "logprobs not supported"), reply("Yes."), reply("no"))
    judge = build_judge(settings_for(stub), "llm")
    assert judge.judge("The vote was 7 to 2.", [DOC]).probability == 1.0
    assert judge.judge("The vote was 9 to 0.", [DOC]).probability == 0.0
    assert [("logprobs" in r.body) for r in stub.requests] == [True, False, False]


def test_unusable_answer_and_dead_server_raise_llm_error(stub: LogprobStub) -> None:
    stub.push(reply("I cannot say"))
    judge = build_judge(settings_for(stub), "llm")
    with pytest.raises(LLMError, match="not Yes or No"):
        judge.judge("The vote was 7 to 2.", [DOC])
    stub.push(error(503), error(503))
    flaky = LLMJudge(LLM(judge.llm.chat_model, max_attempts=2, backoff=0.01),
                     preset("llm", "judge-model"))
    with pytest.raises(LLMError, match="failed 2 attempts, last: HTTP 503"):
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
    judge = LLMJudge(stub_llm(stub), preset("llm", "m"), decompose=True)
    got = judge.judge("The council voted 7 to 2 on Friday.", [DOC])
    assert got.probability == pytest.approx(0.3)
    assert got.details == {"part0": pytest.approx(0.9), "part1": pytest.approx(0.3)}
    assert stub.requests[0].body["response_format"]["type"] == "json_schema"


def test_long_documents_are_judged_by_their_best_chunk(stub: LogprobStub) -> None:
    other = "Unrelated sentence about the weather in the north. " * 4
    cfg = preset("minicheck", None)
    judge = LLMJudge(stub_llm(stub), type(cfg)(**{**cfg.__dict__, "chunk_chars": 120}))
    pieces = chunks(other + DOC, 120)
    assert len(pieces) > 1 and all(b - a <= 120 for a, b in pieces)
    stub.responder = lambda r: reply("Yes" if "7 to 2 on Tuesday" in r.text() else "No")
    got = judge.judge("The vote was 7 to 2.", [other, DOC])
    assert got.probability == 1.0
    assert got.source == 1 and DOC[got.start : got.end] == DOC


def stub_llm(stub: LogprobStub) -> LLM:
    return build_llm(settings_for(stub))


def test_calibrated_threshold_is_used_next_time(stub: LogprobStub, tmp_path) -> None:
    """`digest eval calibrate` stores a threshold per model; build_judge applies it."""
    from digest.judges.calibrate import calibrate, store_calibration

    settings = Settings(openai_base_url=stub.base_url, openai_api_key="t", llm_model="timid",
                        home=tmp_path)
    judge = build_judge(settings, "llm")
    assert judge.threshold == 0.5
    # a timid model: P(Yes) 0.3 when supported, 0.1 when not; never above 0.5
    judge.ask = lambda document, claim: 0.3 if "harbor" in claim else 0.1  # type: ignore
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(
        f'{{"sentence": "{c}", "sources": ["{DOC}"], "label": "{label}"}}' for c, label in [
            ("The harbor expansion was approved.", "supported"),
            ("The harbor vote was 7 to 2.", "supported"),
            ("The vote was unanimous.", "unsupported"),
            ("The mayor resigned.", "unsupported")]) + "\n")
    fitted = calibrate(judge, cases)
    assert fitted.judge == "llm:timid" and 0.1 < fitted.threshold < 0.3
    assert fitted.balanced_accuracy == 1.0 and fitted.balanced_accuracy_at_0_5 == 0.5
    store_calibration(tmp_path, fitted)
    assert build_judge(settings, "llm").threshold == fitted.threshold
    assert build_judge(settings, "llm", "other-model").threshold == 0.5
