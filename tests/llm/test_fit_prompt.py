"""The prompt fits the model: a small context gets fewer passages, the best-ranked first."""

from __future__ import annotations

from langchain_openai import ChatOpenAI
from mini import TEXTS, mini_passages
from openai_stub import OpenAIStub, reply

from digest.llm import LLM
from digest.write.llm import write_llm
from digest.write.passages import ANSWER_TOKENS, PROMPT_TOKENS, fit_passages


def test_passages_are_cut_from_the_bottom_to_fit_and_one_always_stays() -> None:
    passages = mini_passages()
    assert fit_passages(passages, None) == passages
    assert fit_passages(passages, 100_000) == passages
    room_for_two = ANSWER_TOKENS + PROMPT_TOKENS + 110
    assert [p.id for p in fit_passages(passages, room_for_two)] == ["a", "b"]
    assert [p.id for p in fit_passages(passages, 10)] == ["a"]


def test_the_writer_shows_only_what_fits_the_context(openai_stub: OpenAIStub) -> None:
    openai_stub.push(reply({"sentences": [{"text": TEXTS["a"], "passage_ids": ["P1"],
                                           "section": "summary"}]}))
    chat = ChatOpenAI(model="m", api_key="t", base_url=openai_stub.base_url, timeout=60,
                      max_retries=0)
    llm = LLM(chat, backoff=0.01, context_tokens=ANSWER_TOKENS + PROMPT_TOKENS + 30)
    result = write_llm(mini_passages(), topic="Putin", llm=llm)
    shown = openai_stub.requests[0].text()
    assert TEXTS["a"] in shown and TEXTS["b"] not in shown and TEXTS["c"] not in shown
    assert [d.passage_ids for d in result.drafts] == [["a"]]
