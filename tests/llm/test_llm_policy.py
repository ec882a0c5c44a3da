"""The LLM stack's policy in isolation: error classes, lenient JSON, sentences and citations."""

from __future__ import annotations

import httpx
import openai
import pytest
from langchain_openai import ChatOpenAI
from mini import TEXTS, mini_passages
from openai_stub import OpenAIStub, reply

from digest.errors import LLMError
from digest.llm import LLM, MalformedAnswer, classify, parse_json
from digest.write.llm import fewest_citations, write_llm


def status_error(status: int, message: str) -> openai.APIStatusError:
    response = httpx.Response(status, request=httpx.Request("POST", "http://x/v1/chat"))
    body = {"error": {"message": message}}
    return openai.APIStatusError(message, response=response, body=body)


@pytest.mark.parametrize(("status", "message", "kind"), [
    (500, "[{'loc': ('body', 'response_format', 'type'), 'msg': \"Input should be 'text' or "
          "'json_object'\"}]", "capability"),  # llama-cpp-python
    (400, "response_format json_schema is not supported", "capability"),
    (422, "unknown field", "capability"),
    (500, "CUDA out of memory", "transient"),
    (503, "loading model", "transient"),
    (401, "bad key", "fatal"),
    (404, "model not found", "fatal"),
])
def test_errors_are_classified_not_retried_blindly(status: int, message: str, kind: str) -> None:
    assert classify(status_error(status, message)) == kind


def test_malformed_answers_and_timeouts_are_transient() -> None:
    assert classify(MalformedAnswer("x")) == "transient"
    assert classify(openai.APITimeoutError(request=httpx.Request("POST", "http://x"))) \
        == "transient"


@pytest.mark.parametrize("text", [
    '{"a": 1}',
    'Sure! Here it is:\n```json\n{"a": 1}\n```\nAnything else?',
    '```\n{"a": 1}\n```',
    '{"a": 1} trailing words {"b": 2}',
])
def test_json_is_found_wherever_the_model_put_it(text: str) -> None:
    assert parse_json(text) == {"a": 1}


@pytest.mark.parametrize("text", ["no json here", '{"a": ', "[1, 2]"])
def test_text_without_a_json_object_is_malformed(text: str) -> None:
    with pytest.raises(MalformedAnswer):
        parse_json(text)


def test_citations_are_capped_at_three_keeping_the_best_supported() -> None:
    texts = {"P1": "weather in the north", "P2": TEXTS["a"], "P3": TEXTS["b"],
             "P4": "Putin arrived in Tianjin", "P5": "Xi Jinping hosted talks with Putin"}
    kept = fewest_citations("Putin arrived in Tianjin for talks with Xi Jinping.",
                            list(texts), texts)
    assert kept == ["P2", "P4", "P5"]
    assert fewest_citations("anything", ["P1", "P2"], texts) == ["P1", "P2"]  # under the cap


def make_llm(stub: OpenAIStub) -> LLM:
    chat = ChatOpenAI(model="gpt-4o-mini", api_key="t", base_url=stub.base_url, timeout=5,
                      max_retries=0)
    return LLM(chat, backoff=0.01)


def test_an_item_holding_several_sentences_is_split_each_with_its_own_citations(
    openai_stub: OpenAIStub,
) -> None:
    packed = ("Putin arrived in Tianjin on Tuesday for talks with Xi Jinping. Trade between "
              "Russia and China reached $245 billion last year. The visit is expected to last "
              "four days.")
    openai_stub.push(reply({"sentences": [
        {"text": packed, "passage_ids": ["P1", "P2", "P3"], "section": "body"}]}))
    result = write_llm(mini_passages(), topic=None, llm=make_llm(openai_stub))
    assert [d.text for d in result.drafts] == [
        "Putin arrived in Tianjin on Tuesday for talks with Xi Jinping.",
        "Trade between Russia and China reached $245 billion last year.",
        "The visit is expected to last four days."]
    assert [d.passage_ids for d in result.drafts] == [["a"], ["b"], ["c"]]
    assert all(d.section == "body" for d in result.drafts)


def test_an_item_citing_every_passage_keeps_at_most_three(openai_stub: OpenAIStub) -> None:
    many = mini_passages() + [p.model_copy(update={"id": p.id + "2"}) for p in mini_passages()]
    openai_stub.push(reply({"sentences": [
        {"text": "Putin arrived in Tianjin on Tuesday for talks with Xi Jinping.",
         "passage_ids": [f"P{i}" for i in range(1, 7)], "section": "summary"}]}))
    [draft] = write_llm(many, topic=None, llm=make_llm(openai_stub)).drafts
    assert 1 <= len(draft.passage_ids) <= 3


def test_total_time_budget_stops_the_run_with_a_setting_to_raise(
    openai_stub: OpenAIStub,
) -> None:
    llm = make_llm(openai_stub)
    llm.total_timeout = 0.001
    with pytest.raises(LLMError, match="DIGEST_LLM_TOTAL_TIMEOUT"):
        write_llm(mini_passages(), topic=None, llm=llm)
    assert openai_stub.requests == []
