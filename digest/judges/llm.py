"""The `llm` and `minicheck` judges: an OpenAI-compatible model asked a yes/no question.

Calibration: when the server returns token log-probabilities (OpenAI, vLLM, llama.cpp, recent
Ollama), the probability of support is P(Yes) / (P(Yes) + P(No)) summed over the first answer
token's top alternatives ("Yes", " yes", "YES" ...), a graded score that ROC AUC can rank; when
it does not, the answer word alone gives 1.0 or 0.0. A server that rejects the ``logprobs``
parameter is asked once more without it, and never again. The decision threshold is fitted per
model by ``digest eval calibrate`` (:mod:`digest.judges.calibrate`); 0.5 until then.

The judge receives a built :class:`~digest.llm.LLM` (the composition root builds it), so it
shares the writer's retry policy, usage meter and bounded concurrency: :meth:`judge_many`
sends every (claim part, document chunk) question of a digest at once, ``concurrency`` at a
time, instead of one call after another.

The ``minicheck`` preset speaks Bespoke-MiniCheck-7B's own format as Ollama serves it
(``Document: ...\\nClaim: ...`` -> ``Yes``/``No``, no system prompt). Long documents are cut
into chunks and the claim takes its best chunk, as MiniCheck does.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, replace
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, ConfigDict

from digest.errors import LLMError
from digest.judges.base import Judgement
from digest.judges.features import split_windows_sentences
from digest.llm import LLM, CapabilityError, UsageMeter
from digest.prompts import Prompt, load_prompt

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Preset:
    """How to ask one family of models."""

    name: str
    model: str
    prompt: str  # template in prompts/, with variables {document, claim}
    system: str | None = None  # template in prompts/ with no variables
    decompose: bool = False
    chunk_chars: int = 6000  # documents longer than this are judged chunk by chunk
    threshold: float = 0.5


def preset(kind: str, model: str | None) -> Preset:
    """The named preset; ``model`` overrides its default (minicheck: ``bespoke-minicheck``)."""
    if kind == "minicheck":
        return Preset(
            "minicheck", model or "bespoke-minicheck", "judge_minicheck", chunk_chars=12000
        )
    if kind == "llm":
        if not model:
            raise LLMError("the llm judge needs a model (--model or DIGEST_LLM_MODEL)")
        return Preset("llm", model, "judge_yesno", system="judge_system")
    raise LLMError(f"unknown LLM judge preset {kind!r}: use 'llm' or 'minicheck'")


def preset_prompts(kind: str) -> dict[str, str]:
    """The templates an LLM judge of ``kind`` renders, by sha256, without building it (no model
    or server needed): what :attr:`LLMJudge.prompts` will hold."""
    config = preset(kind, "any-model")
    names = [config.prompt, *([config.system] if config.system else []),
             *(["judge_decompose"] if config.decompose else [])]
    return {name: load_prompt(name, _VARIABLES.get(name, set())).sha256 for name in names}


_VARIABLES = {"judge_yesno": {"document", "claim"}, "judge_minicheck": {"document", "claim"},
              "judge_decompose": {"claim"}}


def yes_probability(top: list[tuple[str, float]]) -> float | None:
    """P(Yes) normalised over Yes/No from (token, logprob) alternatives; None if neither shows."""
    yes = no = 0.0
    for token, logprob in top:
        word = token.strip().strip(".").lower()
        if word == "yes":
            yes += math.exp(logprob)
        elif word == "no":
            no += math.exp(logprob)
    if yes + no == 0.0:
        return None
    return yes / (yes + no)


def _answer_word(text: str, model: str) -> float:
    word = text.strip().strip(".!\"'").split()[0].lower() if text.strip() else ""
    if word.startswith("yes"):
        return 1.0
    if word.startswith("no"):
        return 0.0
    raise LLMError(f"the judge model {model} answered {text[:60]!r}, not Yes or No")


def chunks(text: str, limit: int) -> list[tuple[int, int]]:
    """(start, end) pieces of ``text`` of at most ~``limit`` characters, cut at sentence ends."""
    if len(text) <= limit:
        return [(0, len(text))]
    out: list[tuple[int, int]] = []
    start = end = 0
    for s_start, s_end in split_windows_sentences(text):
        if s_end - start > limit and end > start:
            out.append((start, end))
            start = s_start
        end = s_end
    out.append((start, max(end, len(text)) if start < len(text) else len(text)))
    return out


class _Claims(BaseModel):
    model_config = ConfigDict(extra="forbid")

    claims: list[str]


_CLAIMS_SCHEMA: dict[str, Any] = {
    "title": "claims", "type": "object", "additionalProperties": False, "required": ["claims"],
    "properties": {"claims": {"type": "array", "items": {"type": "string"}}},
}


class LLMJudge:
    """Judge = one chat completion per (claim or sub-claim, document chunk)."""

    def __init__(self, llm: LLM, config: Preset, decompose: bool | None = None) -> None:
        self.llm = llm
        self.config = config if decompose is None else replace(config, decompose=decompose)
        self.name = f"{config.name}:{config.model}"  # reports name the judge and its model
        self.threshold = config.threshold
        self.meter = UsageMeter()
        self.concurrency = llm.concurrency  # sentences an eval may check at once
        self._logprobs = True  # until the server says it has none
        self._prompt: Prompt = load_prompt(config.prompt, {"document", "claim"})
        self._decompose: Prompt | None = (
            load_prompt("judge_decompose", {"claim"}) if self.config.decompose else None
        )
        self._system: Prompt | None = (
            load_prompt(self.config.system, set()) if self.config.system else None
        )
        # Every template this judge renders, by sha256: recorded in the sidecar, the daily
        # fingerprint and the suite cache key, so an edited prompt never leaves them stale.
        self.prompts: dict[str, str] = {
            p.name: p.sha256 for p in (self._prompt, self._system, self._decompose) if p}

    @property
    def calls(self) -> int:
        """Requests sent so far, failed attempts included."""
        return self.meter.requests

    def _messages(self, user: str) -> list[BaseMessage]:
        system = [SystemMessage(self._system.render().strip())] if self._system else []
        return [*system, HumanMessage(user)]

    def ask(self, document: str, claim: str) -> float:
        """P(the document supports the claim) from one yes/no question."""
        messages = self._messages(self._prompt.render(document=document, claim=claim))
        what = f"the {self.config.name} judge"
        if self._logprobs:
            try:
                answer = self.llm.invoke(messages, self.meter, what=what, max_tokens=1,
                                         logprobs=True, top_logprobs=10)
            except CapabilityError as exc:
                logger.info("server rejects logprobs (%s); using the answer word", exc)
                self._logprobs = False
            else:
                probability = self._from_logprobs(answer.response_metadata.get("logprobs"))
                if probability is not None:
                    return probability
                return _answer_word(answer.text, self.llm.model)
        try:
            answer = self.llm.invoke(messages, self.meter, what=what, max_tokens=3)
        except CapabilityError as exc:
            raise LLMError(f"{what}: {self.llm.model} at {self.llm.where} refused a plain "
                           f"yes/no request ({exc})") from exc
        return _answer_word(answer.text, self.llm.model)

    @staticmethod
    def _from_logprobs(block: Any) -> float | None:
        content = (block or {}).get("content") if isinstance(block, dict) else None
        if not content:
            return None
        first = content[0]
        top = [(t["token"], t["logprob"]) for t in first.get("top_logprobs") or []]
        return yes_probability(top or [(first["token"], first["logprob"])])

    def decompose(self, claim: str) -> list[str]:
        """Atomic sub-claims of ``claim`` (the claim itself when decomposition is off)."""
        if self._decompose is None:
            return [claim]
        found, _ = self.llm.structured(
            self._messages(self._decompose.render(claim=claim)), _CLAIMS_SCHEMA,
            _Claims.model_validate, self.meter, what="claim decomposition")
        parts = [p.strip() for p in found.claims if p.strip()]
        return parts or [claim]

    # -- the Judge protocol --------------------------------------------------------------------
    def judge(self, claim: str, sources: list[str]) -> Judgement:
        """Each sub-claim takes its best chunk; the claim is as supported as its weakest part."""
        return self.judge_many([(claim, sources)])[0]

    def judge_many(self, items: list[tuple[str, list[str]]]) -> list[Judgement]:
        """:meth:`judge` for many claims, their questions sent ``concurrency`` at a time."""
        usable = [i for i, (c, s) in enumerate(items) if c.strip() and any(x.strip() for x in s)]
        parts = dict(zip(usable, self.llm.map(lambda i: self.decompose(items[i][0]), usable),
                         strict=True))
        joined = {i: "\n\n".join(items[i][1]) for i in usable}
        questions = [(i, p, start, end) for i in usable for p, part in enumerate(parts[i])
                     for start, end in chunks(joined[i], self.config.chunk_chars)]
        if self._logprobs and len(questions) > 1:  # learn the server's logprob support once
            first = questions[0]
            answers = [self.ask(joined[first[0]][first[2]:first[3]], parts[first[0]][first[1]])]
            rest = questions[1:]
        else:
            answers, rest = [], questions
        answers += self.llm.map(
            lambda q: self.ask(joined[q[0]][q[2]:q[3]], parts[q[0]][q[1]]), rest)
        best: dict[tuple[int, int], tuple[float, int, int]] = {}
        for (i, p, start, end), probability in zip(questions, answers, strict=True):
            if probability > best.get((i, p), (-1.0, 0, 0))[0]:
                best[(i, p)] = (probability, start, end)
        return [self._weakest(i, items[i][1], parts.get(i, []), best) for i in range(len(items))]

    def _weakest(self, i: int, sources: list[str], parts: list[str],
                 best: dict[tuple[int, int], tuple[float, int, int]]) -> Judgement:
        if not parts:
            return Judgement(probability=0.0)
        offsets, position = [], 0
        for s in sources:
            offsets.append(position)
            position += len(s) + 2
        details = {f"part{p}": best[(i, p)][0] for p in range(len(parts))}
        weakest = min(range(len(parts)), key=lambda p: best[(i, p)][0])
        located = self._locate(best[(i, weakest)], offsets, sources)
        return Judgement(located.probability, located.source, located.start, located.end, details)

    @staticmethod
    def _locate(best: tuple[float, int, int], offsets: list[int], sources: list[str]) -> Judgement:
        """Map a chunk of the joined text back to (source index, offsets in that source)."""
        probability, start, end = best
        for index in range(len(sources) - 1, -1, -1):
            if start >= offsets[index]:
                local = start - offsets[index]
                return Judgement(
                    probability, index, local, min(len(sources[index]), end - offsets[index])
                )
        return Judgement(probability)
