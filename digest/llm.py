"""The one LLM stack: a ``ChatOpenAI`` plus the run's policy, shared by writer and judges.

Why one place: the writer, the ``llm``/``minicheck`` judges, claim decomposition and the
embedding client all talk to OpenAI-compatible servers that fail in the same ways. Here, once:

* **Errors are classified, not retried blindly** (:func:`classify`): timeouts, connection
  errors, 429, 5xx and malformed JSON are *transient* (bounded retries with backoff, a per-run
  time budget); a request the server cannot serve in the asked form is a *capability* error
  (a 400/422, or a 500 whose body names ``response_format`` as llama-cpp-python answers) and
  switches the output mode instead; every other 4xx is *fatal* at once, with a hint.
* **Structured output degrades gracefully** (:meth:`LLM.structured`): ``json_schema`` (strict),
  then ``json_object`` (+ the schema, which llama-cpp-python and vLLM take), then plain JSON by
  instruction; the answer is parsed leniently (code fences, text around it) and validated by
  the caller's pydantic model either way. The mode that worked is remembered for the run
  (per base URL and model: one ``LLM`` is built per model) and reported.
* **Usage** is metered by langchain-core's ``UsageMetadataCallbackHandler``; requests (failed
  attempts included) are counted by us; cost is an estimate from :mod:`digest.llm_prices`.
* **Concurrency** for independent calls goes through ``Runnable.batch(max_concurrency=...)``.

The client's own retries are off (``max_retries=0`` where it is built, :mod:`digest.app`).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TextIO, TypeVar

import httpx
import openai
from langchain_core.callbacks import UsageMetadataCallbackHandler
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.runnables import RunnableConfig, RunnableLambda
from pydantic import ValidationError
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential_jitter,
)

from digest.briefing import Usage
from digest.errors import LLMError
from digest.llm_prices import estimate_cost, price_for

__all__ = ["LLM", "MODES", "CapabilityError", "MalformedAnswer", "OutputMode", "Progress",
           "UsageMeter", "check_models_served", "estimate_cost", "parse_json", "price_for",
           "retrying_call", "tty_progress"]

logger = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

OutputMode = Literal["json_schema", "json_object", "instruction"]
MODES: tuple[OutputMode, ...] = ("json_schema", "json_object", "instruction")
Kind = Literal["transient", "capability", "fatal"]


class MalformedAnswer(ValueError):
    """The model answered, but not with JSON of the requested shape (worth a retry)."""


class CapabilityError(Exception):
    """The server cannot serve this request form (internal: switches the output mode)."""

    def __init__(self, cause: openai.APIStatusError) -> None:
        super().__init__(describe(cause))
        self.cause = cause


def classify(exc: BaseException) -> Kind:
    """Transient (retry), capability (change the request) or fatal (stop, say why)."""
    if isinstance(exc, MalformedAnswer | openai.APIConnectionError | openai.RateLimitError):
        return "transient"  # APITimeoutError is an APIConnectionError
    if isinstance(exc, openai.APIStatusError):
        body = f"{exc.message} {exc.body}".lower()
        if exc.status_code in (400, 422) or (exc.status_code >= 500 and "response_format" in body):
            return "capability"
        if exc.status_code >= 500 or exc.status_code in (408, 409):
            return "transient"
    return "fatal"


def describe(exc: BaseException) -> str:
    """One line for the user: the status and the server's message, never a traceback."""
    if isinstance(exc, openai.APITimeoutError):
        return "no answer within the timeout"
    if isinstance(exc, openai.APIStatusError):
        message = exc.message
        if isinstance(exc.body, dict):
            inner = exc.body.get("error", exc.body)
            message = str(inner.get("message", inner) if isinstance(inner, dict) else inner)
        return f"HTTP {exc.status_code}: {' '.join(message.split())[:200]}"
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__
        while cause is not None and cause.__cause__ is not None and not isinstance(
                cause, ConnectionRefusedError):
            cause = cause.__cause__
        refused = isinstance(cause, ConnectionRefusedError) or "refused" in str(cause).lower()
        return "cannot connect to the server" + (" (connection refused)" if refused else "")
    if isinstance(exc, MalformedAnswer):
        return " ".join(str(exc).split())[:300]
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:300]


def _hint(exc: BaseException) -> str:
    """What to do, fitted to the cause: a slow model and a server that is not there differ."""
    if isinstance(exc, openai.APITimeoutError):
        return ("the model is slower than DIGEST_LLM_TIMEOUT (seconds per request) allows: raise "
                "it, or use fewer passages (-k)")
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return "check OPENAI_API_KEY"
    if isinstance(exc, openai.NotFoundError):
        return "check the model name (--model) and OPENAI_BASE_URL (it usually ends in /v1)"
    if isinstance(exc, openai.LengthFinishReasonError):
        return "the answer was cut off at the token limit; use fewer passages (-k)"
    if isinstance(exc, MalformedAnswer):
        return "the model does not answer in the JSON asked for; try another --model"
    if isinstance(exc, openai.APIConnectionError):
        return "check that the server is up and OPENAI_BASE_URL points at it"
    return "see the server's log"


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


def retrying_call(fn: Callable[[], R], *, what: str, max_attempts: int = 3,
                  backoff: float = 1.0, total_timeout: float | None = None) -> R:
    """``fn()`` under the one retry policy: transient errors retried, the rest raised.

    Capability errors come back as ``CapabilityError`` (the caller changes the request); fatal and
    exhausted ones as an :class:`LLMError` naming ``what``, the cause and what to do.
    """
    stop = stop_after_attempt(max(1, max_attempts))
    if total_timeout:
        stop = stop | stop_after_delay(total_timeout)
    retrying = Retrying(
        stop=stop, wait=_wait(backoff), reraise=True,
        retry=retry_if_exception(lambda e: classify(e) == "transient"),
        before_sleep=lambda s: logger.warning(
            "%s: attempt %d/%d failed (%s); retrying", what, s.attempt_number, max_attempts,
            describe(s.outcome.exception() or Exception("?")) if s.outcome else "?"),
    )
    try:
        return retrying(fn)
    except (openai.OpenAIError, MalformedAnswer) as exc:
        kind = classify(exc)
        if kind == "capability" and isinstance(exc, openai.APIStatusError):
            raise CapabilityError(exc) from exc
        if kind == "transient":
            tries = retrying.statistics.get("attempt_number", max_attempts)
            raise LLMError(f"{what} failed {tries} attempt{'s' if tries != 1 else ''}, last: "
                           f"{describe(exc)}; {_hint(exc)}") from exc
        raise LLMError(f"{what} refused the request ({describe(exc)}); {_hint(exc)}") from exc


def parse_json(text: str) -> Any:
    """The first JSON object in ``text``: bare, inside a code fence, or with text around it.

    Lenient in *where* the JSON is, strict in what it is (the caller validates its shape).
    """
    start = text.find("{")
    if start < 0:
        raise MalformedAnswer(f"no JSON object in the answer: {text[:80]!r}")
    try:
        value, _ = json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError as exc:
        raise MalformedAnswer(f"not valid JSON ({exc.msg}): {text[start:start + 80]!r}") from exc
    return value


@dataclass
class UsageMeter:
    """Token usage over a run (langchain-core's callback) plus requests, failed ones included."""

    requests: int = 0
    mode: OutputMode | None = None
    callback: UsageMetadataCallbackHandler = field(default_factory=UsageMetadataCallbackHandler)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> None:
        with self._lock:
            self.requests += 1

    def usage(self) -> Usage:
        spent = self.callback.usage_metadata
        prompt = sum(int(u.get("input_tokens") or 0) for u in spent.values())
        completion = sum(int(u.get("output_tokens") or 0) for u in spent.values())
        costs = [estimate_cost(m, int(u.get("input_tokens") or 0), int(u.get("output_tokens") or 0))
                 for m, u in spent.items()]
        cost = None if not costs or None in costs else round(sum(c or 0.0 for c in costs), 6)
        return Usage(prompt_tokens=prompt, completion_tokens=completion, requests=self.requests,
                     estimated_cost_usd=cost, output_mode=self.mode)


# (what, tokens so far, seconds elapsed, done): called about twice a second while streaming
Progress = Callable[[str, int, float, bool], None]


def tty_progress(stream: TextIO) -> Progress | None:
    """A one-line "the LLM writer: 153 tokens, 42 s" display on ``stream`` if it is a terminal
    (None otherwise: logs and pipes get no carriage-return noise). Built by the CLI's
    composition root, never by library code."""
    if not stream.isatty():
        return None
    lock = threading.Lock()

    def show(what: str, tokens: int, elapsed: float, done: bool) -> None:
        with lock:
            stream.write("\r\x1b[K" if done else
                         f"\r\x1b[K{what}: {tokens} tokens, {elapsed:.0f} s (Ctrl-C stops it)")
            stream.flush()

    return show


class LLM:
    """A chat model with the run's policy; build one per model (:func:`digest.app.build_llm`)."""

    def __init__(self, chat_model: BaseChatModel, *, max_attempts: int = 3, backoff: float = 1.0,
                 total_timeout: float | None = None, concurrency: int = 4,
                 output_mode: OutputMode | Literal["auto"] = "auto",
                 progress: Progress | None = None, context_tokens: int | None = None) -> None:
        self.chat_model = chat_model
        self.progress = progress
        self.context_tokens = context_tokens  # the server's window, when known: prompts fit it
        timeout = getattr(chat_model, "request_timeout", None)
        # the whole-answer limit of a streamed request (httpx's own timeout is per read)
        self.request_timeout = float(timeout) if isinstance(timeout, int | float) else None
        self.model: str = str(getattr(chat_model, "model_name", "") or "unknown")
        self.where = str(getattr(chat_model, "openai_api_base", None) or "api.openai.com")
        self.max_attempts, self.backoff = max_attempts, backoff
        self.total_timeout, self.concurrency = total_timeout, max(1, concurrency)
        self.fixed_mode = output_mode != "auto"
        self.mode: OutputMode = "json_schema" if output_mode == "auto" else output_mode
        self._started = time.monotonic()
        self._checked = False
        self._lock = threading.Lock()

    def _left(self) -> float | None:
        if not self.total_timeout:
            return None
        left = self.total_timeout - (time.monotonic() - self._started)
        if left <= 0:
            raise LLMError(f"the LLM time budget of {self.total_timeout:.0f} s for this run is "
                           "spent; raise DIGEST_LLM_TOTAL_TIMEOUT or use fewer passages (-k)")
        return left

    def check_model(self) -> None:
        """Once per run: the model must be one the server lists (:func:`check_models_served`).

        :func:`digest.app` checks every model of a run before any work starts; this lazy check
        covers an ``LLM`` built elsewhere (the first request of a run pays for it).
        """
        with self._lock:
            if self._checked:
                return
            self._checked = True
        check_models_served(self, [self.model])

    def invoke(self, messages: Sequence[BaseMessage], meter: UsageMeter, *, what: str,
               stream: bool = False, **kwargs: Any) -> AIMessage:
        """One completion under the retry policy; ``kwargs`` are request parameters.

        ``stream``: the answer comes token by token (:meth:`_stream`), so a timeout or Ctrl-C
        closes the connection and the server stops generating (it does not for an abandoned
        non-streamed request: llama-cpp-python went on for 4 minutes), and progress is shown.
        """
        self.check_model()
        if stream:
            kwargs["stream_usage"] = True
        if "max_tokens" in kwargs and self.where != "api.openai.com":
            # ChatOpenAI sends OpenAI's newer max_completion_tokens; llama.cpp, Ollama and LM
            # Studio read max_tokens, so a compatible server gets both.
            kwargs["extra_body"] = {**kwargs.get("extra_body", {}),
                                    "max_tokens": kwargs["max_tokens"]}
        runnable = self.chat_model.bind(**kwargs) if kwargs else self.chat_model
        config: RunnableConfig = {"callbacks": [meter.callback]}

        def once() -> AIMessage:
            meter.count()
            if stream:
                return self._stream(runnable, messages, config, what)
            message = runnable.invoke(list(messages), config=config)
            assert isinstance(message, AIMessage)
            return message

        return retrying_call(once, what=f"{what} ({self.model} at {self.where})",
                             max_attempts=self.max_attempts, backoff=self.backoff,
                             total_timeout=self._left())

    def _stream(self, runnable: Any, messages: Sequence[BaseMessage], config: RunnableConfig,
                what: str) -> AIMessage:
        """The streamed answer as one message; past ``request_timeout`` the stream is closed.

        A timeout is not retried: the same request to the same slow model would time out again
        (and a retried abandoned request used to keep the server busy).
        """
        started = time.monotonic()
        chunks = runnable.stream(list(messages), config=config)
        merged: Any = None
        count, shown, elapsed = 0, 0.0, 0.0
        try:
            for chunk in chunks:
                merged = chunk if merged is None else merged + chunk
                count += 1
                elapsed = time.monotonic() - started
                if self.progress is not None and elapsed - shown >= 0.5:
                    self.progress(what, count, elapsed, False)
                    shown = elapsed
                if self.request_timeout and elapsed > self.request_timeout:
                    raise openai.APITimeoutError(request=httpx.Request("POST", self.where))
        except openai.APITimeoutError as exc:
            raise LLMError(
                f"{what} ({self.model} at {self.where}): no complete answer within "
                f"{self.request_timeout or 0:g} s ({count} tokens streamed); the request was "
                f"closed, so the server stopped generating; {_hint(exc)}") from exc
        finally:
            chunks.close()  # closes the HTTP response: the server sees the client go
            if self.progress is not None:
                self.progress(what, count, elapsed, True)
        if merged is None:
            raise MalformedAnswer("the server streamed no answer")
        return AIMessage(content=merged.content, response_metadata=merged.response_metadata,
                         usage_metadata=merged.usage_metadata, id=merged.id)

    def structured(self, messages: Sequence[BaseMessage], schema: dict[str, Any],
                   validate: Callable[[Any], T], meter: UsageMeter, *, what: str
                   ) -> tuple[T, AIMessage]:
        """A validated JSON answer, in the best output mode the server supports."""
        while True:
            mode = self.mode
            try:
                message = self._structured_once(messages, schema, validate, meter, mode, what)
                meter.mode = mode
                return message
            except CapabilityError as exc:
                if self.fixed_mode or mode == MODES[-1]:
                    raise LLMError(
                        f"{what}: {self.model} at {self.where} refused the request in "
                        f"{mode} mode ({exc}); set DIGEST_LLM_OUTPUT_MODE to another of "
                        f"{', '.join(MODES)} or check the server's log") from exc
                with self._lock:
                    if self.mode == mode:
                        self.mode = MODES[MODES.index(mode) + 1]
                logger.warning("the server does not support %s output (%s); fell back to %s",
                               mode, exc, self.mode)

    def _structured_once(self, messages: Sequence[BaseMessage], schema: dict[str, Any],
                         validate: Callable[[Any], T], meter: UsageMeter, mode: OutputMode,
                         what: str) -> tuple[T, AIMessage]:
        name = str(schema.get("title", "answer"))
        kwargs: dict[str, Any] = {}
        if mode == "json_schema":
            kwargs["response_format"] = {"type": "json_schema", "json_schema": {
                "name": name, "schema": schema, "strict": True}}
        elif mode == "json_object":
            kwargs["response_format"] = {"type": "json_object", "schema": schema}
        holder: list[AIMessage] = []

        def once() -> T:
            message = self.invoke(messages, meter, what=what, stream=True, **kwargs)
            holder[:] = [message]
            if (message.response_metadata or {}).get("finish_reason") == "length":
                raise LLMError(f"{what} ({self.model} at {self.where}): the answer was cut "
                               "off at the token limit; use fewer passages (-k)")
            try:
                return validate(parse_json(message.text))
            except ValidationError as exc:
                problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'answer'}: {e['msg']}"
                                     for e in exc.errors()[:3])
                raise MalformedAnswer(f"JSON of the wrong shape ({problems})") from exc

        # invoke() retries transport errors; this loop retries malformed answers
        value = retrying_call(once, what=f"{what} ({self.model} at {self.where})",
                              max_attempts=self.max_attempts, backoff=self.backoff)
        return value, holder[0]

    def map(self, fn: Callable[[Any], R], items: Sequence[Any]) -> list[R]:
        """``fn`` over ``items``, at most ``concurrency`` at a time, results in order."""
        if len(items) <= 1:
            return [fn(item) for item in items]
        return RunnableLambda(fn).batch(list(items), config={"max_concurrency": self.concurrency})


def _models_client(client_or_llm: Any) -> Any:
    """The ``openai.OpenAI`` client behind an :class:`LLM`, a ``ChatOpenAI`` or a client."""
    if isinstance(client_or_llm, LLM):
        client_or_llm = client_or_llm.chat_model
    return getattr(client_or_llm, "root_client", None) or client_or_llm


def _where(client: Any) -> str:
    return str(getattr(client, "base_url", "") or "api.openai.com").rstrip("/")


def check_models_served(client_or_llm: Any, names: Sequence[str], deadline_s: float = 60.0,
                        ) -> list[str] | None:
    """Refuse any of ``names`` the server does not list (``GET /v1/models``); what it lists.

    Why it waits: a local server busy generating answers ``/v1/models`` late (13 s was seen
    with llama-cpp-python) or with a 5xx; a check that gave up after one short timeout let a
    bogus name through. So timeouts, 429 and 5xx are retried until ``deadline_s``, each try
    waiting for whatever time is left; when no list came in time the run stops (an unchecked
    name is never accepted from a server that lists models). A refused connection fails at
    once (the server is not up). A server without the route (404) or with an empty list is
    trusted: it cannot say. Ollama's ``name`` means ``name:latest``. ``None``: nothing listed.
    """
    client = _models_client(client_or_llm)
    if not hasattr(client, "with_options"):  # a chat model without an OpenAI client (tests)
        return None
    where = _where(client)
    wanted = list(dict.fromkeys(n for n in names if n))
    started = time.monotonic()
    delay, last = 0.5, ""
    while True:
        left = deadline_s - (time.monotonic() - started)
        if left <= 0:
            raise LLMError(
                f"could not check the model name(s) {', '.join(map(repr, wanted))}: {where} "
                f"did not list its models within {deadline_s:.0f} s (last: {last}); the server "
                "may be busy with another request: wait for it, or restart it")
        try:
            served = [m.id for m in client.with_options(timeout=left).models.list()]
            break
        except openai.NotFoundError:
            logger.debug("%s has no /models route; model names not checked", where)
            return None
        except (openai.APITimeoutError, openai.RateLimitError, openai.InternalServerError) as exc:
            last = describe(exc)
        except openai.APIConnectionError as exc:
            raise LLMError(f"cannot connect to {where} to check the model name(s) "
                           f"({describe(exc)}); check that the server is up and "
                           "OPENAI_BASE_URL") from exc
        except openai.APIStatusError as exc:
            if exc.status_code < 500:
                raise LLMError(f"{where} refused to list its models ({describe(exc)}); "
                               f"{_hint(exc)}") from exc
            last = describe(exc)
        logger.warning("model list at %s: %s; retrying for up to %.0f s more", where, last,
                       max(left, 0.0))
        time.sleep(min(delay, max(deadline_s - (time.monotonic() - started), 0.0)))
        delay = min(delay * 2, 5.0)
    if not served:
        return None
    unknown = [n for n in wanted if n not in served and f"{n}:latest" not in served]
    if unknown:
        shown = ", ".join(sorted(served)[:12]) + (" …" if len(served) > 12 else "")
        raise LLMError(f"model {', '.join(map(repr, unknown))} "
                       f"{'is' if len(unknown) == 1 else 'are'} not served at {where}; "
                       f"available: {shown} (choose one with --model or DIGEST_LLM_MODEL)")
    return served
