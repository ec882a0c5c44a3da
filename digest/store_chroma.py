"""Opening Chroma: clients, race-free collection creation, and Chroma failures as messages.

Part of the store (with :mod:`digest.store`, the only modules that import chromadb). Chroma
raises its own error types, sqlite3 errors and OS errors when its files are damaged; each
becomes a :class:`StoreError` with one line saying what to do, never a traceback.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from digest.errors import StoreError
from digest.store_records import ArticleWrite

__all__ = ["ArticleWrite", "busy", "chroma_errors", "create_collection", "open_client"]

RECOVERY = (
    "if the store's files are damaged, restore the folder from a backup, or move it aside and "
    "re-ingest your sources (`digest ingest ...`); a store filled with another embedding model "
    "needs `digest reindex`"
)
ATTEMPTS = 20  # concurrent first use: other processes may be creating the same files
PAUSE = 0.25


def _chroma_error_types() -> tuple[type[BaseException], ...]:
    from chromadb.errors import ChromaError

    return (ChromaError, sqlite3.Error, OSError, RuntimeError, ValueError)


@contextmanager
def chroma_errors() -> Iterator[None]:
    """Chroma, SQLite and file-system failures inside the block -> one-line StoreError."""
    try:
        yield
    except StoreError:
        raise
    except _chroma_error_types() as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
        raise StoreError(
            f"the Chroma store failed ({type(exc).__name__}: {first}); {RECOVERY}"
        ) from exc


def busy(exc: BaseException) -> bool:
    """An error another process's concurrent first use can cause, worth a retry.

    The whole chain is read: when ``PersistentClient`` fails half-way, chromadb's cleanup can
    raise an unrelated AttributeError whose context holds the real "database is locked".
    """
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        text = f"{type(seen).__name__} {seen}".lower()
        if any(s in text for s in ("already exists", "locked", "unique constraint", "busy",
                                   "has no attribute 'bindings'")):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def open_client(*, path: str | None = None, url: str | None = None) -> Any:
    """An embedded PersistentClient at ``path`` or an HttpClient for a Chroma server at ``url``."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if url:
        try:
            parts = urlparse(url)
            return chromadb.HttpClient(
                host=parts.hostname or "localhost",
                port=parts.port or (443 if parts.scheme == "https" else 8000),
                ssl=parts.scheme == "https",
                settings=settings,
            )
        except Exception as exc:  # chromadb raises bare ValueError/ConnectionError types
            raise StoreError(f"cannot open Chroma at {url}: {exc}") from exc
    folder = Path(path or "./chroma")
    database = folder / "chroma.sqlite3"
    if database.is_file() and database.stat().st_size == 0:
        raise StoreError(
            f"the Chroma store at {folder} is damaged ({database.name} is empty); {RECOVERY}"
        )
    for attempt in range(ATTEMPTS):
        try:
            return chromadb.PersistentClient(path=str(folder), settings=settings)
        except Exception as exc:
            if busy(exc) and attempt + 1 < ATTEMPTS:
                time.sleep(PAUSE)
                continue
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
            raise StoreError(f"cannot open Chroma at {folder}: {first}; {RECOVERY}") from exc
    raise AssertionError("unreachable")


def create_collection(client: Any, name: str, embedding_model: str) -> Any:
    """Get or create ``name``; safe when several processes do it at once on an empty store.

    ``get_or_create_collection`` is one call, but two embedded clients can still collide in
    SQLite ("already exists", "database is locked"); the loser retries and gets the winner's.
    """
    for attempt in range(ATTEMPTS):
        try:
            return client.get_or_create_collection(
                name,
                metadata={"embedding_model": embedding_model},
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=None,
            )
        except Exception as exc:
            if not busy(exc) or attempt + 1 == ATTEMPTS:
                raise
            time.sleep(PAUSE)
    raise AssertionError("unreachable")
