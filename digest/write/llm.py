"""The LLM writer: prompt → :class:`~digest.llm.LLM` (structured output) → cited drafts.

Why it is shaped this way:

* The model sees passages under opaque ids (``P1``, ``P2``, …), never article numbers, URLs
  or store ids, and answers with JSON (sentences, each with the passage ids it rests on). Our
  code, not the model, later turns passage ids into ``[n]`` (``digest.write.cite``), so the model
  cannot invent a source number.
* Article text is untrusted: it is fenced inside a ``<data>`` block, angle brackets in it are
  neutralised, and the system prompt says that only the system prompt gives instructions.
* A sentence citing an id that was not given, or citing nothing, gets one bounded repair
  request that names the problem; whatever is still wrong afterwards is dropped and recorded
  in ``WriterResult.dropped`` with its reason, never silently stripped.
* An item holding several sentences is split into sentences, each keeping the item's passages
  that share words with it; no sentence cites more than three passages (ALCE's convention).
* Transport and format failures are retried with backoff, and the output mode degrades from
  ``json_schema`` as the server requires, in :meth:`digest.llm.LLM.structured`; failures end
  in an :class:`~digest.errors.LLMError` and the caller writes files only after success.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, ConfigDict

from digest.briefing import (
    DraftSentence,
    Dropped,
    Passage,
    Section,
    Usage,
    WriterResult,
)
from digest.errors import LLMError
from digest.llm import LLM, UsageMeter
from digest.prompts import Prompt, load_prompt
from digest.sentences import split_sentences
from digest.write.llm_fix import fix_prompt_versions, repair_llm
from digest.write.passages import aliases, fewest_citations, fit_passages, show_passages
from digest.write.writer import RepairRequest

__all__ = ["LLMWriter", "aliases", "fewest_citations", "prompt_versions", "show_passages",
           "write_llm"]

logger = logging.getLogger(__name__)

SECTIONS: tuple[Section, ...] = ("summary", "body", "differences")


class _Sentence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    passage_ids: list[str]
    section: Section


class _Answer(BaseModel):
    """The model's answer, validated by us (the JSON schema alone is not enforced by every
    OpenAI-compatible server)."""

    model_config = ConfigDict(extra="forbid")

    sentences: list[_Sentence]


def answer_schema(ids: list[str]) -> dict[str, Any]:
    """JSON schema of the answer; ``passage_ids`` is an enum of the ids actually given, so a
    server that enforces schemas (OpenAI strict mode, vLLM, llama.cpp grammars) cannot even
    emit an unknown id."""
    sentence = {
        "type": "object",
        "properties": {
            "text": {"type": "string", "description": "one neutral, attributed sentence"},
            "passage_ids": {
                "type": "array",
                "items": {"type": "string", "enum": ids},
                "description": "ids of the passages that support the whole sentence",
            },
            "section": {"type": "string", "enum": list(SECTIONS)},
        },
        "required": ["text", "passage_ids", "section"],
        "additionalProperties": False,
    }
    return {
        "title": "briefing",
        "description": "A neutral briefing: sentences, each citing the passages it rests on.",
        "type": "object",
        "properties": {"sentences": {"type": "array", "items": sentence}},
        "required": ["sentences"],
        "additionalProperties": False,
    }


@dataclass(frozen=True)
class WriterPrompts:
    """The three templates of this writer; ``versions`` goes into run records."""

    system: Prompt
    user: Prompt
    repair: Prompt

    @property
    def versions(self) -> dict[str, str]:
        return {p.name: p.sha256 for p in (self.system, self.user, self.repair)}


def load_writer_prompts(directory: Path | None = None) -> WriterPrompts:
    return WriterPrompts(
        system=load_prompt("brief_system", [], directory),
        user=load_prompt("brief_user", ["topic", "articles", "valid_ids"], directory),
        repair=load_prompt("brief_repair", ["problems", "valid_ids"], directory),
    )


def writer_prompt_versions(directory: Path | None = None) -> dict[str, str]:
    """Every template the LLM writer renders (writing and repair), by sha256, without building
    a writer: a cached suite result is looked up by these even when no LLM is configured."""
    return {**prompt_versions(directory), **fix_prompt_versions(directory)}


def prompt_versions(directory: Path | None = None) -> dict[str, str]:
    """Template name -> sha256 of the prompts this writer uses, for run records."""
    return load_writer_prompts(directory).versions


def _messages(prompts: WriterPrompts, topic: str | None, shown: list[dict[str, Any]],
              ids: list[str], history: list[BaseMessage]) -> list[BaseMessage]:
    user = prompts.user.render(topic=topic, articles=shown, valid_ids=ids)
    return [SystemMessage(prompts.system.render()), HumanMessage(user), *history]


def _problem(sentence: _Sentence, valid: set[str]) -> str | None:
    if not sentence.text.strip():
        return "is empty"
    if not sentence.passage_ids:
        return "cites no passage"
    unknown = [i for i in sentence.passage_ids if i not in valid]
    if unknown:
        return f"cites passage id(s) that were not given: {', '.join(unknown)}"
    return None


Triage = tuple[list[_Sentence], list[tuple[_Sentence, str]]]


def _triage(answer: _Answer, valid: set[str]) -> Triage:
    """Split the answer into shippable sentences and (sentence, problem) pairs."""
    good: list[_Sentence] = []
    bad: list[tuple[_Sentence, str]] = []
    for sentence in answer.sentences:
        problem = _problem(sentence, valid)
        if problem:
            bad.append((sentence, problem))
        else:
            good.append(sentence)
    return good, bad


def as_drafts(sentence: _Sentence, alias_to_id: dict[str, str], shown_text: dict[str, str],
              passages: dict[str, Passage]) -> list[DraftSentence]:
    """One draft per sentence of the item, each with its own (at most three) citations.

    A model may pack several sentences into one item cited once at the end; shipped as is, the
    eval would call all but the last uncited. Each piece keeps the item's passages that share
    words with it (never none), so no sentence leaves uncited.
    """
    pieces = [span.text for span in split_sentences(sentence.text)] or [sentence.text.strip()]
    drafts = []
    for piece in pieces:
        cited = fewest_citations(piece, sentence.passage_ids, shown_text,
                                 overlapping=len(pieces) > 1)
        ids = [alias_to_id[a] for a in cited]
        # a sentence belongs to the story of the first passage it cites (daily digests)
        story = int(getattr(passages[ids[0]], "story", 0))
        drafts.append(DraftSentence(text=piece, section=sentence.section, passage_ids=ids,
                                    story=story))
    if len(pieces) > 1:
        logger.info("split one answer item into %d sentences", len(pieces))
    return drafts


def write_llm(
    passages: list[Passage],
    *,
    topic: str | None,
    llm: LLM,
    max_repairs: int = 1,
    prompts_dir: Path | None = None,
) -> WriterResult:
    """Write cited draft sentences from ``passages`` with an injected :class:`~digest.llm.LLM`.

    Returns drafts citing the callers' ``Passage.id`` values, the dropped sentences with
    reasons, and the usage summed over every request. Raises :class:`LLMError` when the model
    stays unreachable or malformed after the retries, or when no sentence survives.
    """
    if not passages:
        raise LLMError("no passages to write from: nothing matched the topic or period")
    prompts = load_writer_prompts(prompts_dir)
    fitted = fit_passages(passages, llm.context_tokens)
    if len(fitted) < len(passages):
        logger.warning("%d of %d passages left out to fit %s's context of %d tokens",
                       len(passages) - len(fitted), len(passages), llm.model, llm.context_tokens)
    passages = fitted
    shown = show_passages(passages)
    alias_to_id, shown_text = aliases(shown)
    ids = list(alias_to_id)
    valid = set(ids)
    schema = answer_schema(ids)
    meter = UsageMeter()
    history: list[BaseMessage] = []

    def call() -> tuple[_Answer, AIMessage]:
        return llm.structured(_messages(prompts, topic, shown, ids, history), schema,
                              _Answer.model_validate, meter, what="the LLM writer")

    answer, raw = call()
    good, bad = _triage(answer, valid)
    note = ""
    for round_ in range(1, max_repairs + 1):
        if not bad:
            break
        logger.info("repair %d: %d sentence(s) with bad citations", round_, len(bad))
        problems = [{"text": s.text, "cited": ", ".join(s.passage_ids) or "nothing",
                     "problem": p} for s, p in bad]
        history += [AIMessage(content=raw.text),
                    HumanMessage(prompts.repair.render(problems=problems, valid_ids=ids))]
        try:
            answer, raw = call()
        except LLMError as exc:  # keep the first answer's good sentences, drop the rest
            logger.warning("repair request failed, dropping the sentences instead: %s", exc)
            note = f"; the repair request failed ({exc})"
            break
        good, bad = _triage(answer, valid)
        note = "; still wrong after the repair request"

    dropped = [Dropped(text=s.text, reason=problem + note) for s, problem in bad]
    for item in dropped:
        logger.warning("dropped sentence %r: %s", item.text[:80], item.reason)
    if not good:
        raise LLMError(
            f"the model returned no sentence citing the given passages ({len(dropped)} dropped); "
            "try another --model or --writer extractive"
        )
    by_id = {p.id: p for p in passages}
    drafts = [d for s in good for d in as_drafts(s, alias_to_id, shown_text, by_id)]
    usage = meter.usage()
    logger.info("LLM writer: %d sentences, %d dropped, %d requests, %d+%d tokens, %s output",
                len(drafts), len(dropped), usage.requests, usage.prompt_tokens,
                usage.completion_tokens, usage.output_mode)
    served = (raw.response_metadata or {}).get("model_name") or llm.model
    return WriterResult(drafts=drafts, dropped=dropped, usage=usage, model=served)


class LLMWriter:
    """The LLM :class:`~digest.write.writer.Writer` (and ``Repairer``) over an injected LLM.

    ``prompts`` (template name -> sha256) is recorded in the sidecar, the run record and the
    daily fingerprint, so a changed prompt is visible and makes the next daily run rewrite.
    """

    name = "llm"

    def __init__(self, llm: LLM, model: str | None = None,
                 prompts_dir: Path | None = None) -> None:
        self.llm = llm
        self.model = model or llm.model
        self.prompts_dir = prompts_dir
        self.prompts = writer_prompt_versions(prompts_dir)

    def write(self, passages: list[Passage], topic: str | None) -> WriterResult:
        return write_llm(passages, topic=topic, llm=self.llm, prompts_dir=self.prompts_dir)

    def repair(self, passages: list[Passage], topic: str | None,
               requests: list[RepairRequest]) -> tuple[list[DraftSentence | None], Usage]:
        """Rewrite sentences that failed verification, in one batched request (see
        :func:`digest.write.llm_fix.repair_llm`)."""
        return repair_llm(passages, topic, requests, llm=self.llm, prompts_dir=self.prompts_dir)
