"""``LLMWriter.repair``: each sentence that failed verification, rewritten from one passage.

Why it is shaped this way (repair used to repair nothing: 0 of 4 with a 0.5B model). The old
request sent every failed sentence at once with *all* the passages the writer saw, and asked
for numbered answers with passage ids: a small model given a prompt of the writer's size and a
bookkeeping task gave ids and indices back wrong, or answered several sentences in one. Now:

* one sentence per request (run ``LLM.concurrency`` at a time), so no index to keep;
* the model sees one passage (the one holding the judge's evidence span, else the first cited),
  the failing sentence, what is wrong with it (the judge's ``reason`` when it gives one, else
  our verdict in words: "the passage says Tianjin; the sentence says Beijing") and the span;
* a narrow ask: "rewrite using only this passage" (or, for evaluative wording, "in neutral
  words, saying who holds the view"), answered as ``{"text": ...}``; the citation is that
  passage, set by our code, never chosen by the model.

An empty text, several sentences or a failed request means that sentence is not repaired
(``None``) and the caller cuts or flags it. The repaired sentence is judged again by the caller.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from langchain_core.messages import HumanMessage
from pydantic import BaseModel, ConfigDict

from digest.briefing import DraftSentence, Passage, Usage
from digest.errors import DigestError
from digest.llm import LLM, UsageMeter
from digest.prompts import Prompt, load_prompt
from digest.sentences import split_sentences
from digest.write.writer import RepairRequest

logger = logging.getLogger(__name__)

_VARIABLES = ["outlet", "passage", "sentence", "problem", "span", "neutral"]


class _Repair(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str


REPAIR_SCHEMA: dict[str, Any] = {
    "title": "repair", "type": "object", "additionalProperties": False, "required": ["text"],
    "properties": {"text": {"type": "string",
                            "description": "the corrected sentence, or empty to drop it"}},
}


def load_fix_prompt(directory: Path | None = None) -> Prompt:
    return load_prompt("brief_fix", _VARIABLES, directory)


def fix_prompt_versions(directory: Path | None = None) -> dict[str, str]:
    prompt = load_fix_prompt(directory)
    return {prompt.name: prompt.sha256}


def _passage_for(request: RepairRequest, by_id: dict[str, Passage]) -> Passage | None:
    """The passage the repair may use: the evidence span's, else the first cited one."""
    for pid in (request.evidence_passage, *request.passage_ids):
        if pid and pid in by_id:
            return by_id[pid]
    return None


def render_request(prompt: Prompt, request: RepairRequest, passage: Passage) -> str:
    """The one-sentence repair request as the model sees it."""
    span = request.evidence.strip()
    return prompt.render(
        outlet=passage.article.outlet or "the source", passage=passage.chunk.text,
        sentence=request.text, problem=request.verdict,
        span=span if span and span in passage.chunk.text and span != passage.chunk.text else "",
        neutral=request.kind == "not_neutral")


def _draft(text: str, passage: Passage) -> DraftSentence | None:
    text = " ".join(text.split())
    if not text:
        return None
    if len(split_sentences(text)) > 1:
        logger.info("a repair holds several sentences; not used: %r", text[:80])
        return None
    return DraftSentence(text=text, passage_ids=[passage.id], story=passage.story)


def repair_llm(passages: list[Passage], topic: str | None, requests: list[RepairRequest], *,
               llm: LLM, prompts_dir: Path | None = None
               ) -> tuple[list[DraftSentence | None], Usage]:
    """The i-th result repairs the i-th request (``None``: not repaired); one request each.

    ``topic`` is unused: the passage and the sentence say all the model needs. The drafts have
    section ``body``; the caller keeps the failed sentence's place and section.
    """
    del topic
    prompt = load_fix_prompt(prompts_dir)
    by_id = {p.id: p for p in passages}
    meter = UsageMeter()

    def one(request: RepairRequest) -> DraftSentence | None:
        passage = _passage_for(request, by_id)
        if passage is None:
            return None
        message = HumanMessage(render_request(prompt, request, passage))
        try:
            answer, _ = llm.structured([message], REPAIR_SCHEMA, _Repair.model_validate, meter,
                                       what="the LLM repair")
        except DigestError as exc:
            logger.warning("repair request failed; the sentence stays as written: %s", exc)
            return None
        return _draft(answer.text, passage)

    results = llm.map(one, requests) if requests else []
    logger.info("LLM repair: %d of %d sentence(s) rewritten",
                sum(r is not None for r in results), len(requests))
    return results, meter.usage()
