"""Composition root: the only place real clients (Chroma, embedder, HTTP, OpenAI) are built.

Everything else receives these as arguments, so tests can pass a temporary store or a local
HTTP server without monkeypatching. A command does: parse options -> ``Services(settings)`` ->
one library call. :class:`Services` builds each collaborator once, on first use, so a command
that never needs the store never opens it.

Judges are registered in one table, :data:`JUDGE_FACTORIES` (``{kind: factory}``, as ``llm``
registers its models); a name is parsed once, by :class:`~digest.judges.spec.JudgeSpec`. No
module below this one calls back into it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from digest.config import Settings
from digest.embed import Embedder, MiniLMEmbedder, OpenAIEmbedder
from digest.errors import ConfigError
from digest.ingest.fetch import Fetcher
from digest.ingest.pipeline import IngestOptions
from digest.judges.base import Judge
from digest.judges.spec import JudgeSpec
from digest.store import Store, open_client
from digest.write.writer import Writer

if TYPE_CHECKING:
    import openai
    from langchain_openai import ChatOpenAI

    from digest.evaluate.suite.config import Suite
    from digest.evaluate.suite.inputs import EvalInput
    from digest.evaluate.suite.models import InputResult
    from digest.evaluate.suite.runner import SuiteRunner
    from digest.llm import LLM
    from digest.write.verify import Action, VerifyOptions


def build_openai_client(settings: Settings) -> openai.OpenAI:
    """The official ``openai`` client, pointed at OpenAI or any compatible server."""
    import openai

    _require_llm(settings, "or use the offline default")
    return openai.OpenAI(
        api_key=settings.openai_api_key or "not-needed-for-local-servers",
        base_url=settings.openai_base_url,
        timeout=settings.llm_timeout,
        max_retries=0,  # retries are ours (bounded, logged), not hidden in the client
    )


def _require_llm(settings: Settings, advice: str) -> None:
    if not settings.openai_api_key and not settings.openai_base_url:
        raise ConfigError(
            "no LLM configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible "
            f"server such as Ollama or vLLM), {advice}"
        )


def build_embedder(settings: Settings, kind: str | None = None) -> Embedder:
    kind = kind or settings.embeddings
    if kind == "openai":
        return OpenAIEmbedder(build_openai_client(settings), settings.openai_embedding_model)
    if kind == "minilm":
        return MiniLMEmbedder(batch_size=settings.embed_batch_size)
    raise ConfigError(f"unknown embeddings {kind!r}: use 'minilm' or 'openai'")


def build_store(settings: Settings, embedder: Embedder | None = None) -> Store:
    if settings.chroma_url:
        client = open_client(url=settings.chroma_url)
    else:  # open_client creates the folder, or says why it cannot (a file in its place)
        client = open_client(path=str(settings.store_path))
    return Store(client, embedder or build_embedder(settings), settings.collection)


def build_fetcher(settings: Settings) -> Fetcher:
    return Fetcher(
        timeout=settings.http_timeout,
        max_bytes=settings.http_max_bytes,
        user_agent=settings.user_agent,
        limits=settings.limits,
    )


def build_http(settings: Settings) -> httpx.Client:
    """The HTTP client for delivery webhooks (timeouts are per target, per request)."""
    return httpx.Client(headers={"User-Agent": settings.user_agent}, follow_redirects=False)


def build_ingest_options(settings: Settings) -> IngestOptions:
    """Chunking, near-duplicate and input limits, from settings (``ingest`` and ``daily``)."""
    return IngestOptions(
        chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap,
        near_duplicate_threshold=settings.near_duplicate_threshold,
        limits=settings.limits,
    )


def writer_name(settings: Settings, name: str | None = None) -> str:
    """The writer to use: ``name`` if given, else ``settings.writer``; ``auto`` resolves here.

    The one place the default is decided (documented in the README): ``auto`` is the LLM
    writer when an LLM is configured (``OPENAI_API_KEY`` or ``OPENAI_BASE_URL``), otherwise the
    offline extractive writer. ``digest brief`` and ``digest daily`` both come through here.
    """
    chosen = name or settings.writer
    if chosen == "auto":
        chosen = "llm" if settings.openai_api_key or settings.openai_base_url else "extractive"
    if chosen not in ("llm", "extractive"):
        raise ConfigError(f"unknown writer {chosen!r}: use llm or extractive")
    return chosen


def build_writer(
    settings: Settings, embedder: Embedder, name: str | None = None, model: str | None = None,
    prompts_dir: Path | None = None,
) -> Writer:
    """The writer ``brief`` and ``daily`` call; ``model`` overrides ``settings.llm_model``."""
    return _make_writer(writer_name(settings, name), lambda: embedder,
                        lambda: build_llm(settings, model), prompts_dir)


def _make_writer(chosen: str, embedder: Callable[[], Embedder], llm: Callable[[], LLM],
                 prompts_dir: Path | None) -> Writer:
    """The one place a writer is constructed; only the collaborator it needs is built."""
    if chosen == "extractive":
        from digest.write.extractive import ExtractiveWriter

        return ExtractiveWriter(embedder())
    from digest.write.llm import LLMWriter

    return LLMWriter(llm(), prompts_dir=prompts_dir)  # type: ignore[return-value]


# --- LLM clients ---------------------------------------------------------------------------------

# Reasoning models reject a temperature other than the default.
_NO_TEMPERATURE = ("o1", "o3", "o4", "gpt-5")


def build_chat_model(settings: Settings, model: str | None = None) -> ChatOpenAI:
    """A ``ChatOpenAI`` for OpenAI or any compatible server (Ollama, vLLM, llama.cpp, LM Studio).

    ``model`` (the CLI's ``--model``) overrides ``settings.llm_model``; the client's own retries
    are off because :mod:`digest.llm` applies the one retry policy.
    """
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    _require_llm(settings, "or use --writer extractive")
    name = model or settings.llm_model
    temperature = None if name.lower().startswith(_NO_TEMPERATURE) else 0.0
    return ChatOpenAI(
        model=name,
        api_key=SecretStr(settings.openai_api_key or "not-needed-for-local-servers"),
        base_url=settings.openai_base_url,
        timeout=settings.llm_timeout,
        max_retries=0,
        temperature=temperature,
    )


def build_llm(settings: Settings, model: str | None = None) -> LLM:
    """The chat model wrapped in the run's policy (retries, budgets, output mode, concurrency)."""
    from digest.llm import LLM, tty_progress

    return LLM(build_chat_model(settings, model), total_timeout=settings.llm_total_timeout,
               concurrency=settings.llm_concurrency, output_mode=settings.llm_output_mode,
               # tokens so far and seconds while a local model writes, on a terminal only
               progress=tty_progress(sys.stderr),
               context_tokens=settings.llm_context_tokens)


# --- judges: one factory table ------------------------------------------------------------------

JudgeFactory = Callable[["Services", JudgeSpec], Judge]


def _embedded(services: Services, spec: JudgeSpec) -> Judge:
    """The default: lexical signals in a frozen logistic model (``lexical`` is its old name)."""
    from digest.judges.embedded import EmbeddedJudge
    from digest.judges.weights import EMBEDDED_MODEL

    # MiniLM is loaded only when the frozen model uses its similarity feature.
    embedder = services.embedder_of("minilm") if "emb_win" in EMBEDDED_MODEL.names else None
    judge = EmbeddedJudge(embedder)
    judge.name = spec.kind
    return judge


def _embedded_minilm(services: Services, spec: JudgeSpec) -> Judge:
    """The same signals plus MiniLM similarity: several times slower."""
    from digest.judges.embedded import EmbeddedJudge
    from digest.judges.weights_minilm import MINILM_MODEL, MINILM_THRESHOLD

    judge = EmbeddedJudge(services.embedder_of("minilm"), MINILM_MODEL, MINILM_THRESHOLD)
    judge.name = spec.kind
    return judge


def _trained(services: Services, spec: JudgeSpec) -> Judge:
    """Our own cross-encoder, int8 ONNX shipped in the wheel (digest/judges/trained.py)."""
    from digest.judges.trained import TrainedJudge

    return TrainedJudge()


def _llm(services: Services, spec: JudgeSpec) -> Judge:
    """An OpenAI-compatible model asked Yes/No; its calibrated threshold applies if stored."""
    from digest.judges.calibrate import stored_threshold
    from digest.judges.llm import LLMJudge, preset

    model = spec.model if spec.kind == "minicheck" else spec.model or services.settings.llm_model
    config = preset(spec.kind, model)
    judge = LLMJudge(services.llm(config.model), config)
    threshold = stored_threshold(services.settings.home, judge.name)
    if threshold is not None:
        judge.threshold = threshold
    return judge


JUDGE_FACTORIES: dict[str, JudgeFactory] = {
    "embedded": _embedded,
    "lexical": _embedded,
    "embedded-minilm": _embedded_minilm,
    "trained": _trained,
    "llm": _llm,
    "minicheck": _llm,
}
JUDGES = tuple(JUDGE_FACTORIES)


def _wrap(judge: Judge) -> Judge:
    """Every judge first accepts a sentence that stands verbatim in a cited passage, without a
    model call (digest/judges/verbatim.py), so quoting can never be flagged."""
    try:
        from digest.judges.verbatim import VerbatimFirst
    except ImportError:  # pragma: no cover - the module lands with the judge work
        return judge
    return VerbatimFirst(judge)  # type: ignore[return-value]


# --- the services a command needs -----------------------------------------------------------------


class Services:
    """Everything a command needs, built once from one ``Settings`` and only when first used.

    The CLI builds one per command and makes one library call with its members; tests build one
    over a temporary ``DIGEST_HOME``. ``close()`` releases the HTTP clients.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._embedders: dict[str, Embedder] = {}
        self._llms: dict[str, LLM] = {}
        self._judges: dict[JudgeSpec, Judge] = {}

    # storage and ingest
    def embedder_of(self, kind: str | None = None) -> Embedder:
        kind = kind or self.settings.embeddings
        if kind not in self._embedders:
            self._embedders[kind] = build_embedder(self.settings, kind)
        return self._embedders[kind]

    @property
    def embedder(self) -> Embedder:
        return self.embedder_of()

    @cached_property
    def store(self) -> Store:
        return build_store(self.settings, self.embedder)

    def store_at(self, path: Path, collection: str) -> Store:
        """A separate embedded store (a suite's cache), sharing this run's embedder."""
        local = self.settings.model_copy(
            update={"store": path, "collection": collection, "chroma_url": None})
        return build_store(local, self.embedder)

    @cached_property
    def fetcher(self) -> Fetcher:
        return build_fetcher(self.settings)

    @cached_property
    def http(self) -> httpx.Client:
        return build_http(self.settings)

    @cached_property
    def ingest_options(self) -> IngestOptions:
        return build_ingest_options(self.settings)

    # LLMs, writers, judges
    def llm(self, model: str | None = None) -> LLM:
        """One policy-wrapped client per model name, shared by writer, repair and judge."""
        name = model or self.settings.llm_model
        if name not in self._llms:
            self._llms[name] = build_llm(self.settings, name)
        return self._llms[name]

    def writer(self, name: str | None = None, model: str | None = None,
               prompts_dir: Path | None = None) -> Writer:
        return _make_writer(writer_name(self.settings, name), lambda: self.embedder,
                            lambda: self.llm(model), prompts_dir)

    def judge(self, name: str | JudgeSpec | None = None, model: str | None = None, *,
              writer_model: str | None = None) -> Judge:
        """The named judge (default ``DIGEST_JUDGE``); the LLM judges default to the writer's
        model. Built once per spec."""
        spec = JudgeSpec.parse(name or self.settings.judge, model).with_default_model(writer_model)
        if spec not in self._judges:
            factory = JUDGE_FACTORIES.get(spec.kind)
            if factory is None:
                raise ConfigError(f"unknown judge {str(spec)!r}: use one of {', '.join(JUDGES)}")
            self._judges[spec] = _wrap(factory(self, spec))
        return self._judges[spec]

    def verification(
        self, *, enabled: bool | None = None, judge: str | None = None, model: str | None = None,
        action: Action | None = None, min_supported: float | None = None,
        writer_model: str | None = None,
    ) -> VerifyOptions | None:
        """The verify stage's options (None when verification is off); CLI values override
        settings (already validated there). ``writer_model`` is an LLM judge's default model."""
        settings = self.settings
        if not (settings.verify if enabled is None else enabled):
            return None
        from digest.write.verify import VerifyOptions

        return VerifyOptions(
            judge=self.judge(judge, model, writer_model=writer_model),
            action=action or settings.verify_action,
            min_supported=settings.min_supported if min_supported is None else min_supported,
        )

    # suites (`digest eval run`)
    def suite_inputs(self, suite: Suite, limit: int | None = None) -> list[EvalInput]:
        """The suite's inputs; each corpus is ingested into the suite's own cache store."""
        from digest.evaluate.suite.inputs import expand_corpora
        from digest.evaluate.suite.summary import limit_inputs

        return limit_inputs(expand_corpora(
            suite.corpora, open_store=lambda name: self.store_at(suite.cache_dir / "chroma", name),
            user_store=lambda: self.store, work=suite.cache_dir, options=self.ingest_options),
            limit)

    def suite_runner(self, suite: Suite, *, now: datetime,
                     on_result: Callable[[InputResult], None]) -> SuiteRunner:
        """Builds every variant's writer, verification and judge from these services."""
        from digest.evaluate.suite.runner import SuiteRunner

        return SuiteRunner(
            suite,
            make_writer=lambda v: self.writer(v.writer, v.model, v.prompts),
            make_judge=lambda name: self.judge(name),
            make_verify=lambda v: self.verification(
                enabled=v.verify, judge=suite.judge_of(v), writer_model=v.model),
            now=now, default_model=self.settings.llm_model, on_result=on_result,
        )

    def check_models(self) -> None:
        """Every LLM this run built (writer, repair, judge) is checked against the server's
        ``/v1/models`` before any work starts, so a bogus name fails in seconds, not after a
        long generation."""
        for llm in self._llms.values():
            llm.check_model()

    def close(self) -> None:
        """Release what this command built: HTTP clients, and the judges' model sessions (the
        trained judge's ONNX session is large; the store needs no closing)."""
        if "http" in self.__dict__:
            self.http.close()
        if "fetcher" in self.__dict__:
            self.fetcher.close()
        for judge in self._judges.values():
            close = getattr(judge, "close", None)
            if callable(close):
                close()
        self._judges.clear()


# --- functions kept for library callers and tests (each a one-line use of Services) ---------------


def build_judge(settings: Settings, name: str | JudgeSpec, model: str | None = None) -> Judge:
    """The named judge (``llm:MODEL`` or ``name`` plus ``model``), as ``Services`` builds it."""
    return Services(settings).judge(name, model)


def build_verify(
    settings: Settings, *, enabled: bool | None = None, judge: str | None = None,
    action: Action | None = None, min_supported: float | None = None, model: str | None = None,
) -> VerifyOptions | None:
    """The verify stage's options (None when verification is off); CLI values override settings."""
    return Services(settings).verification(enabled=enabled, judge=judge, action=action,
                                           min_supported=min_supported, writer_model=model)
