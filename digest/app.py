"""Composition root: the only place real clients (Chroma, embedder, HTTP, OpenAI) are built.

Everything else receives these as arguments, so tests can pass a temporary store or a local
HTTP server without monkeypatching.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from digest.config import Settings
from digest.embed import Embedder, MiniLMEmbedder, OpenAIEmbedder
from digest.errors import ConfigError
from digest.ingest.fetch import Fetcher
from digest.store import Store, open_client
from digest.write.writer import Writer

if TYPE_CHECKING:
    from digest.write.verify import VerifyOptions


def build_openai_client(settings: Settings) -> Any:
    """The official ``openai`` client, pointed at OpenAI or any compatible server."""
    import openai

    if not settings.openai_api_key and not settings.openai_base_url:
        raise ConfigError(
            "no LLM configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible "
            "server such as Ollama or vLLM), or use the offline default"
        )
    return openai.OpenAI(
        api_key=settings.openai_api_key or "not-needed-for-local-servers",
        base_url=settings.openai_base_url,
        timeout=settings.llm_timeout,
        max_retries=0,  # retries are ours (bounded, logged), not hidden in the client
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
    chosen = writer_name(settings, name)
    if chosen == "extractive":
        from digest.write.extractive import ExtractiveWriter

        return ExtractiveWriter(embedder)
    from digest.write.llm import LLMWriter

    return LLMWriter(build_llm(settings, model), prompts_dir=prompts_dir)


# --- LLM clients and judges (issue 8/14: built here only; writer and judges receive them) -----

# Reasoning models reject a temperature other than the default.
_NO_TEMPERATURE = ("o1", "o3", "o4", "gpt-5")


def build_chat_model(settings: Settings, model: str | None = None) -> Any:
    """A ``ChatOpenAI`` for OpenAI or any compatible server (Ollama, vLLM, llama.cpp, LM Studio).

    ``model`` (the CLI's ``--model``) overrides ``settings.llm_model``; the client's own retries
    are off because :mod:`digest.llm` applies the one retry policy.
    """
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    if not settings.openai_api_key and not settings.openai_base_url:
        raise ConfigError(
            "no LLM configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible "
            "server such as Ollama or vLLM), or use --writer extractive"
        )
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


def build_llm(settings: Settings, model: str | None = None) -> Any:
    """The chat model wrapped in the run's policy (retries, budgets, output mode, concurrency)."""
    from digest.llm import LLM

    return LLM(build_chat_model(settings, model), total_timeout=settings.llm_total_timeout,
               concurrency=settings.llm_concurrency, output_mode=settings.llm_output_mode)


def build_judge(settings: Settings, name: str, model: str | None = None) -> Any:
    """The named judge; ``llm``/``minicheck`` get a built LLM and their calibrated threshold.

    ``llm:MODEL`` is accepted as a spelling of ``name="llm", model=MODEL``. The ``llm`` judge's
    default model is the writer's (``DIGEST_LLM_MODEL``); ``minicheck``'s is Ollama's
    ``bespoke-minicheck``.
    """
    kind, _, named = name.partition(":")
    model = model or named or None
    if kind not in ("llm", "minicheck"):
        if model:
            raise ConfigError(f"--model applies to the llm and minicheck judges, not {kind!r}")
        from digest.judges import get_judge

        return get_judge(kind, settings)
    from digest.judges.calibrate import stored_threshold
    from digest.judges.llm import LLMJudge, preset

    config = preset(kind, model or (settings.llm_model if kind == "llm" else None))
    judge = LLMJudge(build_llm(settings, config.model), config)
    threshold = stored_threshold(settings.home, judge.name)
    if threshold is not None:
        judge.threshold = threshold
    return judge


def build_verify(
    settings: Settings, *, enabled: bool | None = None, judge: str | None = None,
    action: str | None = None, min_supported: float | None = None, model: str | None = None,
) -> VerifyOptions | None:
    """The verify stage's options (None when verification is off); CLI values override settings."""
    if not (settings.verify if enabled is None else enabled):
        return None
    from digest.write.verify import VerifyOptions

    chosen = action or settings.verify_action
    if chosen not in ("auto", "cut", "flag"):
        raise ConfigError(f"verify action {chosen!r}: use auto, cut or flag")
    return VerifyOptions(
        judge=build_judge(settings, judge or settings.judge, model),
        action=chosen,  # type: ignore[arg-type]
        min_supported=settings.min_supported if min_supported is None else min_supported,
    )
