"""Neutrality inside verification: a supported sentence that judges in the digest's own voice.

"Putin's visit to China is a significant diplomatic move" shipped as supported (0.85) and
``digest eval`` found no neutrality flag. Now verification applies ``digest eval``'s rules
(:func:`digest.evaluate.neutral.neutrality_flags`): such a sentence goes back to the writer for
neutral, attributed wording, and is flagged ``not neutral`` if it comes back no better. The
stub plays writer-repairer and a lenient judge (it supports everything but the Moon), so the
only thing that can stop the sentence is the neutrality check.
"""

from __future__ import annotations

import re

import pytest
from langchain_openai import ChatOpenAI
from mini import TEXTS, mini_passages
from openai_stub import OpenAIStub, Recorded, Reply, reply

from digest.briefing import DraftSentence
from digest.judges.llm import LLMJudge, preset
from digest.llm import LLM
from digest.write.llm import LLMWriter
from digest.write.verify import not_neutral, verify_drafts

EDITORIAL = "Putin's visit to China is a significant diplomatic move."
NEUTRAL = "Russian President Vladimir Putin arrived in Tianjin on Tuesday for talks with Xi " \
          "Jinping, officials said."


def lenient(repair_with: str | None) -> object:
    def answer(request: Recorded) -> Reply:
        text = request.text()
        if "You correct one sentence" in text:
            assert "not neutral: 'significant'" in text and "according to Outlet A" in text
            return reply({"text": repair_with if repair_with is not None else EDITORIAL})
        claim = re.search(r"^Claim: (.*)$", text, re.M)
        assert claim, text
        return reply("No" if "Moon" in claim.group(1) else "Yes")

    return answer


def run(stub: OpenAIStub) -> tuple[list[DraftSentence], object]:
    chat = ChatOpenAI(model="m", api_key="t", base_url=stub.base_url, timeout=5, max_retries=0)
    llm = LLM(chat, backoff=0.01)
    judge = LLMJudge(llm, preset("llm", "m"))
    drafts = [DraftSentence(text=TEXTS["b"], passage_ids=["b"]),
              DraftSentence(text=EDITORIAL, passage_ids=["a"])]
    shipped, _, summary = verify_drafts(drafts, mini_passages(), judge, writer=LLMWriter(llm),
                                        action="cut")
    return shipped, summary


def test_the_issue_s_sentence_is_caught_by_eval_s_rules() -> None:
    assert not_neutral(EDITORIAL) is not None
    assert not_neutral(NEUTRAL) is None
    assert not_neutral("The Kremlin said the visit was a significant diplomatic move.") is None


def test_editorialising_is_sent_back_and_the_neutral_rewrite_ships(
    openai_stub: OpenAIStub,
) -> None:
    openai_stub.responder = lenient(NEUTRAL)
    shipped, summary = run(openai_stub)
    [fixed] = [d for d in shipped if d.check and d.check.original == EDITORIAL]
    assert fixed.text == NEUTRAL and fixed.check.status == "repaired"
    assert summary.repaired == 1 and summary.not_neutral == 0


@pytest.mark.parametrize("answer", [None, ""], ids=["same words again", "gives up"])
def test_editorialising_that_stays_is_flagged_not_neutral_never_supported(
    openai_stub: OpenAIStub, answer: str | None,
) -> None:
    openai_stub.responder = lenient(answer)
    shipped, summary = run(openai_stub)
    [kept] = [d for d in shipped if d.text == EDITORIAL]
    assert kept.check is not None and kept.check.status == "flagged"
    assert kept.check.reason and kept.check.reason.startswith("not neutral: 'significant'")
    assert summary.not_neutral == 1 and summary.flagged == 1 and summary.cut == 0
    assert shipped[0].check is not None and shipped[0].check.status == "supported"
