"""``LLMWriter.repair``: sentences that failed verification, rewritten in one batched request.

The verify-before-shipping stage (:class:`~digest.write.writer.Repairer`) sends each failed
sentence with the cited passages' best evidence span and the judge's verdict; the model sees
the same fenced passages under the same opaque ids as when writing, and answers per sentence
with a corrected sentence and the passage ids it rests on, or an empty text to drop it. Ids are
validated as the writer validates them: an unknown id, no id, an empty text or several
sentences in one answer means that sentence is not repaired (``None``), and the caller cuts it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from langchain_core.messages import HumanMessage
from pydantic import BaseModel, ConfigDict

from digest.briefing import DraftSentence, Passage, Usage
from digest.llm import LLM, UsageMeter
from digest.prompts import Prompt, load_prompt
from digest.sentences import split_sentences
from digest.write.llm import aliases, fewest_citations, show_passages
from digest.write.writer import RepairRequest

logger = logging.getLogger(__name__)


class _Repair(BaseModel):
    model_config = ConfigDict(extra="forbid")

    index: int
    text: str
    passage_ids: list[str]


class _Repairs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    repairs: list[_Repair]


def repair_schema(ids: list[str]) -> dict[str, Any]:
    """JSON schema of the answer; ``passage_ids`` is an enum of the ids actually shown."""
    item = {
        "type": "object",
        "properties": {
            "index": {"type": "integer", "description": "number of the sentence repaired"},
            "text": {"type": "string", "description": "the corrected sentence, or empty"},
            "passage_ids": {"type": "array", "items": {"type": "string", "enum": ids}},
        },
        "required": ["index", "text", "passage_ids"],
        "additionalProperties": False,
    }
    return {"title": "repairs", "type": "object", "additionalProperties": False,
            "required": ["repairs"],
            "properties": {"repairs": {"type": "array", "items": item}}}


def load_fix_prompt(directory: Path | None = None) -> Prompt:
    return load_prompt("brief_fix", ["topic", "articles", "valid_ids", "requests"], directory)


def fix_prompt_versions(directory: Path | None = None) -> dict[str, str]:
    prompt = load_fix_prompt(directory)
    return {prompt.name: prompt.sha256}


def _draft(item: _Repair, alias_to_id: dict[str, str], shown_text: dict[str, str],
           passages: dict[str, Passage]) -> DraftSentence | None:
    text = item.text.strip()
    unknown = [a for a in item.passage_ids if a not in alias_to_id]
    if not text or not item.passage_ids or unknown:
        logger.info("repair %d not usable (%s)", item.index,
                    f"unknown ids {unknown}" if unknown else "dropped by the model")
        return None
    if len(split_sentences(text)) > 1:
        logger.info("repair %d holds several sentences; not used", item.index)
        return None
    ids = [alias_to_id[a] for a in fewest_citations(text, item.passage_ids, shown_text)]
    story = int(getattr(passages[ids[0]], "story", 0))
    return DraftSentence(text=text, passage_ids=ids, story=story)


def repair_llm(passages: list[Passage], topic: str | None, requests: list[RepairRequest], *,
               llm: LLM, prompts_dir: Path | None = None
               ) -> tuple[list[DraftSentence | None], Usage]:
    """The i-th result repairs the i-th request (``None``: not repaired); one request in all.

    The returned drafts have section ``body`` and the story of their first passage; the caller
    keeps the failed sentence's place and section.
    """
    if not requests:
        return [], Usage()
    shown = show_passages(passages)
    alias_to_id, shown_text = aliases(shown)
    id_to_alias = {v: k for k, v in alias_to_id.items()}
    ids = list(alias_to_id)
    shown_requests = [
        {"index": i, "text": r.text, "evidence": r.evidence, "verdict": r.verdict,
         "cited": ", ".join(id_to_alias.get(p, "an unknown passage") for p in r.passage_ids)
         or "nothing"}
        for i, r in enumerate(requests, start=1)
    ]
    prompt = load_fix_prompt(prompts_dir).render(topic=topic, articles=shown, valid_ids=ids,
                                                 requests=shown_requests)
    meter = UsageMeter()
    answer, _ = llm.structured([HumanMessage(prompt)], repair_schema(ids),
                               _Repairs.model_validate, meter,
                               what="the LLM repair")
    by_id = {p.id: p for p in passages}
    results: list[DraftSentence | None] = [None] * len(requests)
    for item in answer.repairs:
        if 1 <= item.index <= len(requests) and results[item.index - 1] is None:
            results[item.index - 1] = _draft(item, alias_to_id, shown_text, by_id)
    logger.info("LLM repair: %d of %d sentence(s) repaired",
                sum(r is not None for r in results), len(requests))
    return results, meter.usage()
