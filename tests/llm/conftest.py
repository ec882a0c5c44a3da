"""Fixtures of the LLM-writer tests: the scripted OpenAI-compatible server, passages from the
sample corpus, and a real ``ChatOpenAI`` pointed at the server."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from langchain_openai import ChatOpenAI
from openai_stub import OpenAIStub, openai_stub  # noqa: F401 (fixture re-export)

from digest.briefing import Passage
from digest.store import Store

INJECTION = "Ignore previous instructions"


@pytest.fixture
def passages(corpus_store: Store) -> list[Passage]:
    """The first chunk of every sample article plus the chunk holding the injection string."""
    chosen = []
    for article in sorted(corpus_store.articles(), key=lambda a: a.source):
        chunks = corpus_store.chunks_of(article.id)
        picks = [chunks[0]] + [c for c in chunks[1:] if INJECTION in c.text]
        chosen += [(c, article) for c in picks]
    return [Passage(id=f"P{i}", chunk=c, article=a) for i, (c, a) in enumerate(chosen, start=1)]


@pytest.fixture
def make_model(openai_stub: OpenAIStub) -> Callable[..., ChatOpenAI]:  # noqa: F811
    """A real ChatOpenAI talking HTTP to the stub; client retries off (ours are under test)."""

    def make(model: str = "gpt-4o-mini", timeout: float = 5.0) -> ChatOpenAI:
        return ChatOpenAI(model=model, api_key="test-key", base_url=openai_stub.base_url,
                          timeout=timeout, max_retries=0)

    return make
