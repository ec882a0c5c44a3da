"""Opening Chroma: clients, race-free collection creation, and Chroma failures as messages.

Part of the store (with :mod:`digest.store`, the only modules that import chromadb). Chroma
raises its own error types, sqlite3 errors and OS errors when its files are damaged; each
becomes a :class:`StoreError` with one line saying what to do, never a traceback.
"""

from __future__ import annotations

import errno
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from digest.errors import StoreError
from digest.store_records import ArticleWrite

__all__ = ["ArticleWrite", "busy", "chroma_errors", "create_collection", "disk_full", "open_client"]

RECOVERY = (
    "if the store's files are damaged, restore the folder from a backup, or move it aside and "
    "re-ingest your sources (`digest ingest ...`); a store filled with another embedding model "
    "needs `digest reindex`"
)
DISK_FULL = (
    "nothing was lost: each update is all-or-nothing, so the store still holds everything it "
    "held before this command; free some space and run the command again"
)
CREATING_S = 5.0  # how long a fresh, empty chroma.sqlite3 may be another process creating it
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
        if disk_full(exc):
            raise StoreError(f"the disk is full (ENOSPC): {DISK_FULL}") from exc
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


def _segments(folder: Path) -> bool:
    """Whether the folder holds Chroma's per-collection segment folders (a store with data)."""
    try:
        return any(entry.is_dir() for entry in folder.iterdir())
    except OSError:
        return False


def _check_folder(folder: Path) -> None:
    """Refuse a store folder that is not one, or whose database is gone or empty.

    A 0-byte ``chroma.sqlite3`` is what another process leaves for about a millisecond while
    it creates the store (three ``digest ingest`` on an empty home, issue 24), so an empty file
    that is recent and has no data beside it is waited for, then opened (SQLite initialises an
    empty file); an empty one next to data, or left empty for longer, is damage.
    """
    database = folder / "chroma.sqlite3"
    try:
        if folder.exists() and not folder.is_dir():
            raise StoreError(f"the Chroma store path {folder} is a file, not a folder: move it "
                             "aside or point --store / DIGEST_HOME elsewhere")
        folder.mkdir(parents=True, exist_ok=True)
        if not database.exists():
            if _segments(folder):
                raise StoreError(f"the Chroma store at {folder} is missing its database "
                                 f"({database.name} was deleted?); {RECOVERY}")
            return
        info = database.stat()
        if info.st_size > 0:
            return
        if _segments(folder) or time.time() - info.st_mtime >= CREATING_S:
            raise StoreError(f"the Chroma store at {folder} is damaged ({database.name} "
                             f"is empty); {RECOVERY}")
        deadline = time.monotonic() + CREATING_S  # another process is creating it: let it
        while database.stat().st_size == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    except OSError as exc:
        raise StoreError(f"cannot open the Chroma store at {folder}: {_os_reason(exc)}") from exc


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return f"the disk is full ({DISK_FULL})"
    return exc.strerror or str(exc)


def disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) is a full disk: ENOSPC, or SQLite's SQLITE_FULL."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        text = str(seen).lower()
        if "disk is full" in text or "no space left" in text or "quota exceeded" in text:
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
    _check_folder(folder)
    for attempt in range(ATTEMPTS):
        try:
            return chromadb.PersistentClient(path=str(folder), settings=settings)
        except Exception as exc:
            if busy(exc) and attempt + 1 < ATTEMPTS:
                time.sleep(PAUSE)
                continue
            if disk_full(exc):
                raise StoreError(f"cannot open Chroma at {folder}: the disk is full (ENOSPC); "
                                 f"{DISK_FULL}") from exc
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
