"""Composition root: the only place real clients (Chroma, embedder, HTTP, OpenAI) are built.

Everything else receives these as arguments, so tests can pass a temporary store or a local
HTTP server without monkeypatching.
"""

from __future__ import annotations

from typing import Any

from digest.config import Settings
from digest.ingest.embed import Embedder, MiniLMEmbedder, OpenAIEmbedder
from digest.errors import ConfigError
from digest.ingest.fetch import Fetcher
from digest.store import Store, open_client


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
    )
