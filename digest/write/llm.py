"""The LLM writer: a LangChain chain (prompt → chat model → structured output) over passages.

Why it is shaped this way:

* The model sees passages under opaque ids (``P1``, ``P2``, …), never article numbers, URLs
  or store ids, and answers with JSON (sentences, each with the passage ids it rests on). Our
  code, not the model, later turns passage ids into ``[n]`` (``digest.cite``), so the model
  cannot invent a source number.
* Article text is untrusted: it is fenced inside a ``<data>`` block, angle brackets in it are
  neutralised, and the system prompt says that only the system prompt gives instructions.
* A sentence citing an id that was not given, or citing nothing, gets one bounded repair
  request that names the problem; whatever is still wrong afterwards is dropped and recorded
  in ``WriterResult.dropped`` with its reason, never silently stripped.
* Transport and format failures are retried with backoff in :func:`digest.llm.invoke_structured`
  and end in an :class:`~digest.errors.LLMError`; the caller writes files only after success.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import BaseModel, ConfigDict

from digest.briefing import DraftSentence, Dropped, Passage, Section, WriterResult
from digest.errors import LLMError
from digest.llm import UsageMeter, invoke_structured
from digest.prompts import Prompt, load_prompt

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


def prompt_versions(directory: Path | None = None) -> dict[str, str]:
    """Template name -> sha256 of the prompts this writer uses, for run records."""
    return load_writer_prompts(directory).versions


def show_passages(passages: list[Passage]) -> list[dict[str, Any]]:
    """The passages as the model sees them: grouped by article, under aliases ``P1..Pn``.

    Grouping an article's passages (in text order) under one outlet/date/title header helps
    attribution and states that header once instead of per passage. The sentence overlap
    between neighbouring chunks of one article is shown once: a passage's shown text is
    always a part of its own chunk, so any sentence drawn from it stays supported by it.
    """
    groups: dict[str, list[Passage]] = {}
    for p in passages:
        groups.setdefault(p.article.id, []).append(p)
    shown: list[dict[str, Any]] = []
    index = 0
    for members in groups.values():
        article = members[0].article
        items: list[dict[str, str]] = []
        end, last = members[0].chunk.start, ""
        for p in sorted(members, key=lambda m: m.chunk.start):
            index += 1
            alias, text = f"P{index}", p.chunk.text
            if end > p.chunk.start:
                text = text[end - p.chunk.start:].lstrip() or f"(same text as {last})"
            end, last = max(end, p.chunk.end), alias
            items.append({"id": alias, "passage_id": p.id, "text": text})
        shown.append({
            "outlet": article.outlet or "unknown outlet",
            "published": article.published.date().isoformat() if article.published else "unknown",
            "title": article.title or "untitled",
            "passages": items,
        })
    return shown


def _chain(
    chat_model: BaseChatModel, prompts: WriterPrompts, ids: list[str]
) -> Runnable[dict[str, Any], Any]:
    """prompt → model → structured output (the raw message is kept for usage and repair).

    Input: ``topic``, ``articles`` (from :func:`show_passages`), ``valid_ids`` and ``history``
    (the earlier answer and the repair request, empty on the first call).

    The schema is a plain dict, so the JSON is parsed by LangChain's parser and a malformed
    answer comes back as ``parsing_error`` with its usage intact, instead of an exception
    raised inside the ``openai`` client that would lose the token count.
    """
    structured = chat_model.with_structured_output(
        answer_schema(ids), method="json_schema", include_raw=True, strict=True
    )

    def render(inputs: dict[str, Any]) -> list[BaseMessage]:
        user = prompts.user.render(topic=inputs["topic"], articles=inputs["articles"],
                                   valid_ids=inputs["valid_ids"])
        return [SystemMessage(prompts.system.render()), HumanMessage(user), *inputs["history"]]

    prompt: Runnable[dict[str, Any], list[BaseMessage]] = RunnableLambda(render)
    return prompt.with_config(run_name="brief_prompt") | structured


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


def write_llm(
    passages: list[Passage],
    *,
    topic: str | None,
    chat_model: BaseChatModel,
    max_repairs: int = 1,
    max_attempts: int = 3,
    backoff: float = 1.0,
    prompts_dir: Path | None = None,
) -> WriterResult:
    """Write cited draft sentences from ``passages`` with an injected chat model.

    Returns drafts citing the callers' ``Passage.id`` values, the dropped sentences with
    reasons, and the usage summed over every request. Raises :class:`LLMError` when the model
    stays unreachable or malformed after ``max_attempts``, or when no sentence survives.
    """
    if not passages:
        raise LLMError("no passages to write from: nothing matched the topic or period")
    prompts = load_writer_prompts(prompts_dir)
    shown = show_passages(passages)
    alias_to_id = {item["id"]: item["passage_id"] for a in shown for item in a["passages"]}
    valid = set(alias_to_id)
    chain = _chain(chat_model, prompts, list(alias_to_id))
    meter = UsageMeter(model=getattr(chat_model, "model_name", None))
    where = str(getattr(chat_model, "openai_api_base", None) or "the configured server")
    history: list[BaseMessage] = []
    inputs = {"topic": topic, "articles": shown, "valid_ids": list(alias_to_id),
              "history": history}

    def call() -> tuple[_Answer, AIMessage]:
        return invoke_structured(chain, inputs, validate=_Answer.model_validate, meter=meter,
                                 max_attempts=max_attempts, backoff=backoff, where=where)

    answer, raw = call()
    good, bad = _triage(answer, valid)
    note = ""
    for round_ in range(1, max_repairs + 1):
        if not bad:
            break
        logger.info("repair %d: %d sentence(s) with bad citations", round_, len(bad))
        problems = [{"text": s.text, "cited": ", ".join(s.passage_ids) or "nothing",
                     "problem": p} for s, p in bad]
        history += [AIMessage(content=raw.content),
                     HumanMessage(prompts.repair.render(problems=problems,
                                                        valid_ids=list(alias_to_id)))]
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
    drafts = []
    for s in good:
        ids = [alias_to_id[a] for a in dict.fromkeys(s.passage_ids)]
        # a sentence belongs to the story of the first passage it cites (daily digests)
        story = int(getattr(by_id[ids[0]], "story", 0))
        drafts.append(DraftSentence(text=s.text.strip(), section=s.section, passage_ids=ids,
                                    story=story))
    usage = meter.usage()
    logger.info("LLM writer: %d sentences, %d dropped, %d requests, %d+%d tokens",
                len(drafts), len(dropped), usage.requests, usage.prompt_tokens,
                usage.completion_tokens)
    return WriterResult(drafts=drafts, dropped=dropped, usage=usage, model=meter.model)


class LLMWriter:
    """The LLM :class:`~digest.write.writer.Writer` over an injected LangChain chat model.

    ``prompts`` (template name -> sha256) is recorded in the sidecar, the run record and the
    daily fingerprint, so a changed prompt is visible and makes the next daily run rewrite.
    """

    name = "llm"

    def __init__(self, chat_model: BaseChatModel, model: str | None = None,
                 prompts_dir: Path | None = None) -> None:
        self.chat_model = chat_model
        self.model = model or getattr(chat_model, "model_name", None)
        self.prompts_dir = prompts_dir
        self.prompts = prompt_versions(prompts_dir)

    def write(self, passages: list[Passage], topic: str | None) -> WriterResult:
        return write_llm(passages, topic=topic, chat_model=self.chat_model,
                         prompts_dir=self.prompts_dir)
