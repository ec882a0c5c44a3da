"""The `llm` and `minicheck` judges: an OpenAI-compatible model asked a yes/no question.

Calibration: when the server returns token log-probabilities (OpenAI, vLLM, llama.cpp, recent
Ollama), the probability of support is P(Yes) / (P(Yes) + P(No)) summed over the first answer
token's top alternatives ("Yes", " yes", "YES" ...), a graded score that ROC AUC can rank; when
it does not, the answer word alone gives 1.0 or 0.0. Servers that reject the ``logprobs``
parameter are asked once more without it, and never again.

The ``minicheck`` preset speaks Bespoke-MiniCheck-7B's own format as Ollama serves it
(``Document: ...\\nClaim: ...`` -> ``Yes``/``No``, no system prompt). Long documents are cut
into chunks and the claim takes its best chunk, as MiniCheck does.
"""

from __future__ import annotations

import json
import logging
import math
import time
from dataclasses import dataclass, replace
from typing import Any

from digest.errors import LLMError
from digest.judges.base import Judgement
from digest.judges.features import split_windows_sentences
from digest.prompts import Prompt, load_prompt

logger = logging.getLogger(__name__)

_TRANSIENT_STATUS = {408, 409, 429, 500, 502, 503, 504}


@dataclass(frozen=True)
class Preset:
    """How to ask one family of models."""

    name: str
    model: str
    prompt: str  # template in prompts/, with variables {document, claim}
    system: str | None = None
    decompose: bool = False
    chunk_chars: int = 6000  # documents longer than this are judged chunk by chunk
    threshold: float = 0.5


def preset(kind: str, model: str | None, settings: Any) -> Preset:
    """The named preset, with ``model`` overriding its default model."""
    if kind == "minicheck":
        return Preset(
            "minicheck", model or "bespoke-minicheck", "judge_minicheck", chunk_chars=12000
        )
    if kind == "llm":
        return Preset(
            "llm",
            model or settings.llm_model,
            "judge_yesno",
            system="You are a careful fact-checker. Answer only Yes or No.",
        )
    raise LLMError(f"unknown LLM judge preset {kind!r}: use 'llm' or 'minicheck'")


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


def _answer_word(text: str) -> float:
    word = text.strip().strip(".!\"'").split()[0].lower() if text.strip() else ""
    if word.startswith("yes"):
        return 1.0
    if word.startswith("no"):
        return 0.0
    raise LLMError(f"the judge model answered {text[:60]!r}, not Yes or No")


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


class LLMJudge:
    """Judge = one chat completion per (claim or sub-claim, document chunk)."""

    def __init__(
        self, client: Any, config: Preset, max_retries: int = 3, decompose: bool | None = None
    ) -> None:
        self._client = client
        self.config = config if decompose is None else replace(config, decompose=decompose)
        self.name = config.name
        self.threshold = config.threshold
        self._max_retries = max_retries
        self._logprobs = True  # until the server says it has none
        self._prompt: Prompt = load_prompt(config.prompt, {"document", "claim"})
        self._decompose: Prompt | None = (
            load_prompt("judge_decompose", {"claim"}) if self.config.decompose else None
        )
        self.calls = 0

    # -- one request ---------------------------------------------------------------------------
    def _create(self, messages: list[dict[str, str]], **extra: Any) -> Any:
        import openai

        for attempt in range(self._max_retries + 1):
            try:
                self.calls += 1
                return self._client.chat.completions.create(
                    model=self.config.model, messages=messages, temperature=0, **extra
                )
            except openai.BadRequestError:
                raise
            except openai.APIStatusError as exc:
                if exc.status_code not in _TRANSIENT_STATUS or attempt == self._max_retries:
                    raise LLMError(
                        f"judge model {self.config.model!r}: HTTP {exc.status_code}: {exc}"
                    ) from exc
            except (openai.APIConnectionError, openai.APITimeoutError) as exc:
                if attempt == self._max_retries:
                    raise LLMError(f"judge model {self.config.model!r} unreachable: {exc}") from exc
            logger.warning("judge request failed, retry %d/%d", attempt + 1, self._max_retries)
            time.sleep(min(2.0**attempt * 0.5, 8.0))
        raise AssertionError("unreachable")

    def _messages(self, user: str) -> list[dict[str, str]]:
        system = [{"role": "system", "content": self.config.system}] if self.config.system else []
        return [*system, {"role": "user", "content": user}]

    def ask(self, document: str, claim: str) -> float:
        """P(the document supports the claim) from one yes/no question."""
        import openai

        messages = self._messages(self._prompt.render(document=document, claim=claim))
        response = None
        if self._logprobs:
            try:
                response = self._create(messages, max_tokens=1, logprobs=True, top_logprobs=10)
            except openai.BadRequestError as exc:
                logger.info("server rejects logprobs (%s); using the answer word", exc)
                self._logprobs = False
        if response is None:
            try:
                response = self._create(messages, max_tokens=3)
            except openai.BadRequestError as exc:
                raise LLMError(
                    f"judge model {self.config.model!r} rejected the request: {exc}"
                ) from exc
        choice = response.choices[0]
        content = choice.logprobs.content if choice.logprobs and choice.logprobs.content else None
        if content:
            first = content[0]
            top = [(t.token, t.logprob) for t in (first.top_logprobs or [])] or [
                (first.token, first.logprob)
            ]
            probability = yes_probability(top)
            if probability is not None:
                return probability
        return _answer_word(choice.message.content or "")

    def decompose(self, claim: str) -> list[str]:
        """Atomic sub-claims of ``claim`` (the claim itself when decomposition is off)."""
        if self._decompose is None:
            return [claim]
        response = self._create(
            self._messages(self._decompose.render(claim=claim)),
            response_format={"type": "json_object"},
        )
        text = response.choices[0].message.content or ""
        try:
            parts = json.loads(text)["claims"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise LLMError(
                f"claim decomposition: the model did not answer the JSON asked for: {text[:80]!r}"
            ) from exc
        parts = [p.strip() for p in parts if isinstance(p, str) and p.strip()]
        return parts or [claim]

    # -- the Judge protocol --------------------------------------------------------------------
    def judge(self, claim: str, sources: list[str]) -> Judgement:
        """Each sub-claim takes its best chunk; the claim is as supported as its weakest part."""
        if not claim.strip() or not any(s.strip() for s in sources):
            return Judgement(probability=0.0)
        joined = "\n\n".join(sources)
        offsets = []
        position = 0
        for s in sources:
            offsets.append(position)
            position += len(s) + 2
        pieces = chunks(joined, self.config.chunk_chars)
        weakest = Judgement(probability=1.0)
        details: dict[str, float] = {}
        for i, part in enumerate(self.decompose(claim)):
            best = (-1.0, 0, len(joined))
            for start, end in pieces:
                p = self.ask(joined[start:end], part)
                if p > best[0]:
                    best = (p, start, end)
            details[f"part{i}"] = best[0]
            if best[0] < weakest.probability or weakest.source < 0:
                weakest = self._locate(best, offsets, sources)
        return Judgement(weakest.probability, weakest.source, weakest.start, weakest.end, details)

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
