"""Fixtures shared by every test area.

The embedded MiniLM model is loaded once per session (it takes ~1 s); each test gets its own
Chroma directory so no data leaks between tests. ``DIGEST_*`` and ``OPENAI_*`` variables from
the developer's shell are removed so a local setup cannot change test outcomes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from digest.embed import MiniLMEmbedder
from digest.ingest.pipeline import IngestOptions, ingest
from digest.store import Store, open_client

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "seeds" / "corpus"
SEED_DIGESTS = REPO / "seeds" / "digests"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith(("DIGEST_", "OPENAI_")):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("DIGEST_HOME", str(tmp_path / "digest-home"))


@pytest.fixture(scope="session")
def embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder()


@pytest.fixture
def store(tmp_path: Path, embedder: MiniLMEmbedder) -> Store:
    """An empty embedded Chroma store of this test's own."""
    return Store(open_client(path=str(tmp_path / "chroma")), embedder)


@pytest.fixture(scope="session")
def corpus_store_path(tmp_path_factory: pytest.TempPathFactory, embedder: MiniLMEmbedder) -> Path:
    """A Chroma directory with the sample corpus ingested once per session (treat read-only)."""
    path = tmp_path_factory.mktemp("corpus-chroma")
    report = ingest([str(CORPUS)], store=Store(open_client(path=str(path)), embedder),
                    fetcher=None, options=IngestOptions())
    assert not report.failures, report.failures
    return path


@pytest.fixture
def corpus_store(corpus_store_path: Path, embedder: MiniLMEmbedder) -> Store:
    return Store(open_client(path=str(corpus_store_path)), embedder)


# The quick loop, `pytest -m "not slow"`, leaves out what starts processes or servers, drives a
# browser, or ingests whole corpora per test; `.ci/run` runs everything. Modules here were the
# slowest by `pytest --durations` (each 5-60 s in total); single slow tests elsewhere carry
# `@pytest.mark.slow` themselves.
SLOW_MODULES = frozenset({
    "test_daily_cli.py", "test_ingest_crash.py", "test_brief_cli.py",
    "test_ingest_chroma_server.py", "test_brief_extractive.py", "test_daily_run.py",
    "test_ingest_embeddings.py", "test_ingest_dedupe.py", "test_ingest_bad_input.py",
    "test_ingest_hostile.py", "test_verify_llm.py", "test_ingest_identity.py",
    "test_store_consistency.py", "test_eval_suite_run.py", "test_brief_llm_path.py",
    "test_daily_deliver_cli.py", "test_ingest_cli.py", "test_ingest_properties.py",
    "test_eval_sidecar.py", "test_output_paths.py", "test_brief_injection.py",
    "test_eval_embedded.py", "test_llm_cli.py", "test_daily_deliver.py", "test_daily_email.py",
    "test_store_crash_points.py", "test_write_events.py", "test_daily_stories.py",
})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
