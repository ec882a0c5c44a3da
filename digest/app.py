"""Composition root: the only place real clients (Chroma, embedder, HTTP, OpenAI) are built.

Everything else receives these as arguments, so tests can pass a temporary store or a local
HTTP server without monkeypatching.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from digest.config import Settings
from digest.errors import ConfigError
from digest.ingest.embed import Embedder, MiniLMEmbedder, OpenAIEmbedder
from digest.ingest.fetch import Fetcher
from digest.store import Store, open_client
from digest.write.writer import Writer


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
    else:
        settings.store_path.mkdir(parents=True, exist_ok=True)
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
    from digest.llm import build_chat_model
    from digest.write.llm import LLMWriter

    return LLMWriter(build_chat_model(settings, model), model or settings.llm_model, prompts_dir)
