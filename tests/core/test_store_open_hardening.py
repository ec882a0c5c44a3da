"""Issue 24 at the store's door: a store being created, a file in its place, a deleted
database, and a full disk are each one true line, never a traceback or a wrong diagnosis."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digest.cli import app
from digest.errors import StoreError
from digest.models import Article
from digest.store import Store, open_client
from digest.store_records import ArticleWrite


def _said(result) -> str:  # type: ignore[no-untyped-def]
    return " ".join(result.output.split())


def test_a_fresh_empty_database_is_a_store_being_created_not_damage(tmp_path: Path) -> None:
    folder = tmp_path / "chroma"
    folder.mkdir()
    (folder / "chroma.sqlite3").write_bytes(b"")  # what a creating process leaves for ~1 ms
    client = open_client(path=str(folder))
    assert client.list_collections() == []


def test_an_empty_database_filled_meanwhile_by_another_process_is_opened(
    tmp_path: Path,
) -> None:
    source = tmp_path / "made"
    open_client(path=str(source)).get_or_create_collection("made_by_other")
    folder = tmp_path / "chroma"
    folder.mkdir()
    (folder / "chroma.sqlite3").write_bytes(b"")

    def finish() -> None:  # the other process completes its first write
        time.sleep(0.3)
        shutil.copyfile(source / "chroma.sqlite3", folder / "chroma.sqlite3")

    thread = threading.Thread(target=finish)
    thread.start()
    client = open_client(path=str(folder))
    thread.join()
    assert [c.name for c in client.list_collections()] == ["made_by_other"]


def test_an_old_empty_database_is_still_damage(tmp_path: Path) -> None:
    folder = tmp_path / "chroma"
    folder.mkdir()
    database = folder / "chroma.sqlite3"
    database.write_bytes(b"")
    os.utime(database, (time.time() - 3600, time.time() - 3600))
    with pytest.raises(StoreError, match="is damaged"):
        open_client(path=str(folder))


def test_a_file_where_the_store_folder_should_be_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "chroma").write_text("not a folder")
    result = CliRunner().invoke(app, ["--store", str(tmp_path / "chroma"), "sources"])
    assert result.exit_code == 2, result.output
    assert "is a file, not a folder" in _said(result)
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_deleted_database_next_to_data_says_the_store_is_missing(
    corpus_store_path: Path, tmp_path: Path
) -> None:
    store = tmp_path / "chroma"
    shutil.copytree(corpus_store_path, store)
    (store / "chroma.sqlite3").unlink()
    result = CliRunner().invoke(app, ["--store", str(store), "sources"])
    said = _said(result)
    assert result.exit_code == 2 and "missing its database" in said and "0 article" not in said


def _write_one(store: Store) -> None:
    article = Article.build(text="The port reopened on Monday after repairs.", title="Port")
    from digest.ingest.chunk import chunk_article

    chunks = chunk_article(article)
    store.write_articles([ArticleWrite(article, chunks, store.embedder.embed(
        [c.text for c in chunks]), None, "")])


@pytest.mark.parametrize("failure", [
    sqlite3.OperationalError("database or disk is full"),
    OSError(errno.ENOSPC, "No space left on device"),
])
def test_a_full_disk_says_so_and_that_nothing_was_lost(
    tmp_path: Path, embedder, failure: Exception  # type: ignore[no-untyped-def]
) -> None:
    store = Store(open_client(path=str(tmp_path / "chroma")), embedder)
    _write_one(store)
    before = store.articles()

    class Full:
        def __init__(self, real) -> None:  # type: ignore[no-untyped-def]
            self._real = real

        def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
            if name in ("upsert", "add", "update"):
                def fail(*_: object, **__: object) -> None:
                    raise failure
                return fail
            return getattr(self._real, name)

    store._chunks = Full(store._chunks)
    with pytest.raises(StoreError) as caught:
        _write_one(store)
    said = str(caught.value)
    assert "disk is full" in said and "nothing was lost" in said
    assert "restore" not in said
    assert Store(open_client(path=str(tmp_path / "chroma")), embedder).articles() == before
