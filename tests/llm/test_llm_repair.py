"""``LLMWriter.repair`` (the Repairer of verify-before-shipping) against the scripted stub.

One sentence per request, one passage shown (the evidence span's), the problem in words and a
narrow ask; the citation is set by our code. The old batched request (every passage, numbered
answers with ids) repaired 0 of 4 sentences with a 0.5B model.
"""

from __future__ import annotations

import json

from langchain_openai import ChatOpenAI
from mini import TEXTS, mini_passages
from openai_stub import OpenAIStub, Recorded, Reply, reply

from digest.llm import LLM
from digest.write.llm import LLMWriter
from digest.write.llm_fix import load_fix_prompt
from digest.write.writer import Repairer, RepairRequest

SWAPPED = RepairRequest(
    text="Putin arrived in Beijing on Tuesday for talks with Xi Jinping.",
    passage_ids=["a"],
    evidence="Putin arrived in Tianjin on Tuesday for talks with Xi Jinping",
    verdict="the passage says Tianjin; the sentence says Beijing",
    evidence_passage="a",
)


def writer_for(stub: OpenAIStub) -> LLMWriter:
    chat = ChatOpenAI(model="gpt-4o-mini", api_key="t", base_url=stub.base_url, timeout=5,
                      max_retries=0)
    return LLMWriter(LLM(chat, backoff=0.01))


def fix_place(request: Recorded) -> Reply:
    """A model that does what the request says: it copies the span's words."""
    shown = request.text()
    assert "Problem: the passage says Tianjin; the sentence says Beijing" in shown
    return reply({"text": "Putin arrived in Tianjin on Tuesday for talks with Xi Jinping, "
                          "officials said."})


def test_a_planted_swapped_place_is_repaired_from_one_passage(openai_stub: OpenAIStub) -> None:
    openai_stub.responder = fix_place
    writer = writer_for(openai_stub)
    assert isinstance(writer, Repairer)
    [draft], usage = writer.repair(mini_passages(), "Putin", [SWAPPED])
    assert draft is not None
    assert "Tianjin" in draft.text and "Beijing" not in draft.text
    assert draft.passage_ids == ["a"]  # set by our code: the passage the model was shown
    assert usage.requests == 1 and usage.output_mode == "json_schema"
    [request] = openai_stub.requests
    shown = request.text()
    assert f'Sentence: "{SWAPPED.text}"' in shown
    assert f'The passage says: "{SWAPPED.evidence}"' in shown
    assert TEXTS["a"] in shown and TEXTS["b"] not in shown  # only the evidence's passage
    assert "outlet: Outlet A" in shown
    schema = request.body["response_format"]["json_schema"]["schema"]
    assert schema["required"] == ["text"]  # no ids, no index: nothing to get wrong


def test_one_request_per_sentence_and_unusable_answers_are_none(
    openai_stub: OpenAIStub,
) -> None:
    requests = [SWAPPED, SWAPPED.model_copy(update={"text": "Trade doubled.",
                                                    "evidence_passage": "b"}),
                SWAPPED.model_copy(update={"text": "The visit lasts a week.",
                                           "evidence_passage": "c"})]
    answers = {"Trade doubled.": "",  # the model drops it
               "The visit lasts a week.": "The visit lasts four days. It starts Tuesday."}

    def model(request: Recorded) -> Reply:
        for sentence, answer in answers.items():
            if f'Sentence: "{sentence}"' in request.text():
                return reply({"text": answer})
        return fix_place(request)

    openai_stub.responder = model
    drafts, usage = writer_for(openai_stub).repair(mini_passages(), None, requests)
    assert drafts[0] is not None and drafts[0].passage_ids == ["a"]
    assert drafts[1:] == [None, None]  # empty; two sentences in one answer
    assert usage.requests == 3 and len(openai_stub.requests) == 3


def test_evaluative_wording_gets_the_neutral_ask(openai_stub: OpenAIStub) -> None:
    biased = SWAPPED.model_copy(update={
        "text": "The visit is a historic milestone.", "kind": "not_neutral",
        "verdict": "not neutral: 'historic' (loaded) in the briefing's own voice"})
    openai_stub.push(reply({"text": "Putin arrived in Tianjin on Tuesday, officials said."}))
    [draft], _ = writer_for(openai_stub).repair(mini_passages(), None, [biased])
    assert draft is not None
    shown = openai_stub.requests[0].text()
    assert "neutral words" in shown and "according to Outlet A" in shown


def test_no_requests_make_no_call(openai_stub: OpenAIStub) -> None:
    drafts, usage = writer_for(openai_stub).repair(mini_passages(), None, [])
    assert drafts == [] and usage.requests == 0
    assert openai_stub.requests == []


def test_the_fix_prompt_is_fingerprinted_with_the_writer_prompts(
    openai_stub: OpenAIStub,
) -> None:
    prompts = writer_for(openai_stub).prompts
    assert set(prompts) == {"brief_system", "brief_user", "brief_repair", "brief_fix"}
    assert prompts["brief_fix"] == load_fix_prompt().sha256
    assert json.dumps(prompts)  # recorded as JSON in sidecars and run records
