"""The LangChain chat model built from Settings, and what a run's tokens are estimated to cost.

Why here and not in each writer: the writer receives a ``BaseChatModel`` (so tests and other
providers can be injected) and only the composition root turns Settings into a real one.
The client's own retries are switched off (``max_retries=0``): retries are ours, bounded,
logged and counted in the usage report, instead of hidden inside the HTTP client.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import openai
from langchain_core.messages import AIMessage
from langchain_core.runnables import Runnable
from pydantic import SecretStr, ValidationError
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from digest.briefing import Usage
from digest.config import Settings
from digest.errors import ConfigError, LLMError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

logger = logging.getLogger(__name__)
T = TypeVar("T")
In = TypeVar("In")

# USD per 1M tokens (input, output), OpenAI list prices as published in 2025. An estimate for
# the run report, not a bill: unknown models (local servers, new names) get no estimate.
PRICES_PER_MILLION: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-5-nano": (0.05, 0.40),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5": (1.25, 10.00),
    "o4-mini": (1.10, 4.40),
    "o3-mini": (1.10, 4.40),
    "o3": (2.00, 8.00),
}

# Reasoning models reject a temperature other than the default.
_NO_TEMPERATURE = ("o1", "o3", "o4", "gpt-5")


def price_for(model: str | None) -> tuple[float, float] | None:
    """The (input, output) price of ``model``; dated snapshots count as their base model.

    ``gpt-4o-mini-2024-07-18`` is priced as ``gpt-4o-mini`` (never as ``gpt-4o``); names that
    merely start like a known model (``gpt-4o-minimal``) are unknown, so get no estimate.
    """
    if not model:
        return None
    name = model.split("/")[-1].lower()  # "openai/gpt-4o" style names of some gateways
    for key, price in PRICES_PER_MILLION.items():
        if re.fullmatch(re.escape(key) + r"(-\d.*|-latest)?", name):
            return price
    return None


def estimate_cost(model: str | None, prompt_tokens: int, completion_tokens: int) -> float | None:
    """Estimated USD for the tokens, or None when the model is not in the price table."""
    price = price_for(model)
    if price is None:
        return None
    cost = (prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000
    return round(cost, 6)


def build_chat_model(settings: Settings, model: str | None = None) -> BaseChatModel:
    """A ``ChatOpenAI`` for OpenAI or any compatible server (Ollama, vLLM, llama.cpp server).

    ``model`` (the CLI's ``--model``) overrides ``settings.llm_model``.
    """
    from langchain_openai import ChatOpenAI

    if not settings.openai_api_key and not settings.openai_base_url:
        raise ConfigError(
            "no LLM configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible "
            "server such as Ollama or vLLM), or use --writer extractive"
        )
    name = model or settings.llm_model
    temperature = None if name.lower().startswith(_NO_TEMPERATURE) else 0.0
    logger.info("chat model %s at %s", name, settings.openai_base_url or "api.openai.com")
    return ChatOpenAI(
        model=name,
        api_key=SecretStr(settings.openai_api_key or "not-needed-for-local-servers"),
        base_url=settings.openai_base_url,
        timeout=settings.llm_timeout,
        max_retries=0,  # retries are ours (bounded, logged, counted), not hidden in the client
        temperature=temperature,
    )


# --- one structured call with bounded retries ---------------------------------------------


class MalformedAnswer(ValueError):
    """The model answered, but not with JSON of the requested shape (worth a retry)."""


@dataclass
class UsageMeter:
    """Token usage summed over every request of a run, failed attempts and repairs included."""

    model: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0

    def add(self, message: AIMessage) -> None:
        usage = message.usage_metadata
        if usage:
            self.prompt_tokens += int(usage.get("input_tokens") or 0)
            self.completion_tokens += int(usage.get("output_tokens") or 0)
        self.model = (message.response_metadata or {}).get("model_name") or self.model

    def usage(self) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            requests=self.requests,
            estimated_cost_usd=estimate_cost(
                self.model, self.prompt_tokens, self.completion_tokens
            ),
        )


_TRANSIENT = (
    openai.APITimeoutError,  # subclass of APIConnectionError; named for the log line
    openai.APIConnectionError,
    openai.RateLimitError,
    openai.InternalServerError,  # every 5xx
    MalformedAnswer,
)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, openai.APITimeoutError):
        return "no answer within the timeout"
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}: {exc.message}"
    if isinstance(exc, MalformedAnswer):
        return " ".join(str(exc).split())[:300]  # pydantic's report, on one line
    return f"{type(exc).__name__}: {exc}"


def _wait(backoff: float) -> Callable[[RetryCallState], float]:
    """Exponential backoff with jitter; a 429's ``Retry-After`` (capped at 60 s) wins."""
    exponential = wait_exponential_jitter(multiplier=backoff, max=backoff * 8, jitter=backoff)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, openai.RateLimitError):
            try:
                return min(float(exc.response.headers.get("retry-after", "")), 60.0)
            except ValueError:
                pass
        return float(exponential(state))

    return wait


def _fatal(exc: openai.OpenAIError, where: str) -> LLMError:
    """An actionable error for failures that a retry cannot fix."""
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        hint = "check OPENAI_API_KEY"
    elif isinstance(exc, openai.NotFoundError):
        hint = "check the model name (--model) and OPENAI_BASE_URL (it usually ends in /v1)"
    elif isinstance(exc, openai.BadRequestError):
        hint = "the server may not support JSON-schema structured output for this model"
    elif isinstance(exc, openai.LengthFinishReasonError):
        hint = "the answer was cut off at the token limit; use fewer passages (-k)"
    else:
        hint = "see the server's log"
    return LLMError(f"the LLM at {where} refused the request ({_describe(exc)}); {hint}")


def invoke_structured(
    chain: Runnable[In, dict[str, Any]],
    inputs: In,
    *,
    validate: Callable[[Any], T],
    meter: UsageMeter,
    max_attempts: int = 3,
    backoff: float = 1.0,
    where: str = "the configured server",
) -> tuple[T, AIMessage]:
    """Run a ``with_structured_output(..., include_raw=True)`` chain with bounded retries.

    Timeouts, connection errors, 429, 5xx and malformed JSON are retried up to
    ``max_attempts`` times with backoff; anything else fails at once. Either way the caller
    gets a value that passed ``validate`` or an :class:`LLMError` that says what to do —
    never a partial answer. Every request is counted in ``meter``.
    """
    retrying = Retrying(
        stop=stop_after_attempt(max(1, max_attempts)),
        wait=_wait(backoff),
        retry=retry_if_exception_type(_TRANSIENT),
        before_sleep=lambda s: logger.warning(
            "LLM attempt %d/%d failed (%s); retrying", s.attempt_number, max_attempts,
            _describe(s.outcome.exception() or Exception("?")) if s.outcome else "?",
        ),
        reraise=True,
    )
    try:
        for attempt in retrying:
            with attempt:
                meter.requests += 1
                out = chain.invoke(inputs)
                raw: AIMessage = out["raw"]
                meter.add(raw)
                if out.get("parsing_error") is not None:
                    raise MalformedAnswer(f"not valid JSON: {out['parsing_error']}")
                try:
                    return validate(out["parsed"]), raw
                except ValidationError as exc:
                    raise MalformedAnswer(f"JSON of the wrong shape: {exc}") from exc
    except _TRANSIENT as exc:
        hint = (
            "the model does not follow the JSON schema; try another --model"
            if isinstance(exc, MalformedAnswer)
            else "check that the server is up, or raise DIGEST_LLM_TIMEOUT for a slow model"
        )
        raise LLMError(
            f"the LLM at {where} failed {max_attempts} attempts, last: {_describe(exc)}; {hint}"
        ) from exc
    except openai.OpenAIError as exc:
        raise _fatal(exc, where) from exc
    raise AssertionError("unreachable: tenacity either returns or raises")
