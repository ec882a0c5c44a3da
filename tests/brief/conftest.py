"""Fixtures of the brief tests: one extractive briefing of the sample corpus, shared.

Building a briefing embeds a few dozen sentences (~1 s), so tests that only read one share
it (session scope: never mutate it).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from brief_helpers import NOW, TOPIC

from digest.briefing import Briefing
from digest.embed import MiniLMEmbedder
from digest.store import Store, open_client
from digest.write.brief import build_briefing
from digest.write.extractive import ExtractiveWriter


@pytest.fixture(scope="session")
def module_store(corpus_store_path: Path, embedder: MiniLMEmbedder) -> Store:
    """The sample-corpus store (read-only), shared by the brief tests."""
    return Store(open_client(path=str(corpus_store_path)), embedder)


@pytest.fixture(scope="session")
def briefing(module_store: Store) -> Briefing:
    return build_briefing(module_store, topic=TOPIC, k=12, writer=ExtractiveWriter(module_store.embedder), now=NOW)
