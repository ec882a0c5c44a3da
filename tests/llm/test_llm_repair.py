"""``LLMWriter.repair`` (the Repairer of verify-before-shipping) against the scripted stub."""

from __future__ import annotations

import json

from langchain_openai import ChatOpenAI
from mini import TEXTS, mini_passages
from openai_stub import OpenAIStub, Recorded, Reply, reply

from digest.llm import LLM
from digest.prompts import load_prompt
from digest.write.llm import LLMWriter
from digest.write.writer import Repairer, RepairRequest

SWAPPED = RepairRequest(
    text="Putin arrived in Beijing on Tuesday for talks with Xi Jinping.",
    passage_ids=["a"],
    evidence="Putin arrived in Tianjin on Tuesday for talks with Xi Jinping",
    verdict="the passage says Tianjin; the sentence says Beijing",
)


def writer_for(stub: OpenAIStub) -> LLMWriter:
    chat = ChatOpenAI(model="gpt-4o-mini", api_key="t", base_url=stub.base_url, timeout=5,
                      max_retries=0)
    return LLMWriter(LLM(chat, backoff=0.01))


def fix_place(request: Recorded) -> Reply:
    """A model that does what the verdict says: it swaps the place back, citing P1."""
    shown = request.text()
    assert "the passage says Tianjin; the sentence says Beijing" in shown
    return reply({"repairs": [{"index": 1, "passage_ids": ["P1"],
                               "text": "Putin arrived in Tianjin on Tuesday for talks with Xi "
                                       "Jinping, officials said."}]})


def test_a_planted_swapped_place_is_repaired(openai_stub: OpenAIStub) -> None:
    openai_stub.responder = fix_place
    writer = writer_for(openai_stub)
    assert isinstance(writer, Repairer)
    [draft], usage = writer.repair(mini_passages(), "Putin", [SWAPPED])
    assert draft is not None
    assert "Tianjin" in draft.text and "Beijing" not in draft.text
    assert draft.passage_ids == ["a"]  # the caller's id, not the alias the model saw
    assert usage.requests == 1 and usage.output_mode == "json_schema"
    [request] = openai_stub.requests  # one batched request
    shown = request.text()
    assert f'"{SWAPPED.text}" cites P1' in shown
    assert "Best evidence in the cited passages: \"Putin arrived in Tianjin" in shown
    assert TEXTS["b"] in shown  # the passages are shown as when writing, under the same ids
    schema = request.body["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["repairs"]["items"]["properties"]["passage_ids"]["items"][
        "enum"] == ["P1", "P2", "P3"]


def test_invalid_repairs_are_none_and_every_request_gets_an_answer(
    openai_stub: OpenAIStub,
) -> None:
    requests = [SWAPPED, SWAPPED.model_copy(update={"text": "Trade doubled."}),
                SWAPPED.model_copy(update={"text": "The visit lasts a week."}),
                SWAPPED.model_copy(update={"text": "Nobody came."})]
    openai_stub.push(reply({"repairs": [
        {"index": 1, "text": "Putin arrived in Tianjin.", "passage_ids": ["P9"]},  # unknown id
        {"index": 2, "text": "", "passage_ids": []},  # the model drops it
        {"index": 3, "text": "The visit lasts four days. It starts Tuesday.",
         "passage_ids": ["P3"]},  # two sentences in one answer
        {"index": 7, "text": "Out of range.", "passage_ids": ["P1"]},
    ]}))
    drafts, usage = writer_for(openai_stub).repair(mini_passages(), None, requests)
    assert drafts == [None, None, None, None]
    assert usage.requests == 1


def test_repairs_cite_at_most_three_passages(openai_stub: OpenAIStub) -> None:
    openai_stub.push(reply({"repairs": [{
        "index": 1, "text": "Putin arrived in Tianjin on Tuesday, officials said.",
        "passage_ids": ["P1", "P2", "P3", "P1"]}]}))
    [draft], _ = writer_for(openai_stub).repair(mini_passages(), None, [SWAPPED])
    assert draft is not None and draft.passage_ids == ["a", "b", "c"]


def test_no_requests_make_no_call(openai_stub: OpenAIStub) -> None:
    drafts, usage = writer_for(openai_stub).repair(mini_passages(), None, [])
    assert drafts == [] and usage.requests == 0
    assert openai_stub.requests == []


def test_the_fix_prompt_is_fingerprinted_with_the_writer_prompts(
    openai_stub: OpenAIStub,
) -> None:
    prompts = writer_for(openai_stub).prompts
    assert set(prompts) == {"brief_system", "brief_user", "brief_repair", "brief_fix"}
    fix = load_prompt("brief_fix", ["topic", "articles", "valid_ids", "requests"])
    assert prompts["brief_fix"] == fix.sha256
    assert json.dumps(prompts)  # recorded as JSON in sidecars and run records
