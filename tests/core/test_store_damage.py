"""A damaged or busy store is a one-line message with a recovery hint, never a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from chromadb.errors import InternalError
from typer.testing import CliRunner

from digest.cli import app
from digest.errors import StoreError
from digest.store import Store, open_client

REPO = Path(__file__).resolve().parents[2]


def _copy(corpus_store_path: Path, tmp_path: Path) -> Path:
    target = tmp_path / "chroma"
    shutil.copytree(corpus_store_path, target)
    return target


def _sources(store: Path):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["--store", str(store), "sources"])


def test_an_empty_database_file_is_not_an_empty_store(corpus_store_path, tmp_path) -> None:
    store = _copy(corpus_store_path, tmp_path)
    (store / "chroma.sqlite3").write_bytes(b"")
    result = _sources(store)
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and "is empty" in said and "restore the folder" in said


def test_a_corrupt_database_file_is_a_message(corpus_store_path, tmp_path) -> None:
    store = _copy(corpus_store_path, tmp_path)
    with (store / "chroma.sqlite3").open("r+b") as handle:
        handle.write(b"garbage" * 8)
    result = _sources(store)
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and "not a database" in said and "restore the folder" in said
    assert "Traceback" not in said


def test_a_chroma_failure_during_a_query_is_a_store_error(corpus_store_path, embedder) -> None:
    store = Store(open_client(path=str(corpus_store_path)), embedder)

    class Broken:
        name = store._chunks.name

        def query(self, **_: object) -> None:
            raise InternalError("Error loading hnsw index\nsecond line of the trace")

    store._chunks = Broken()
    with pytest.raises(StoreError, match=r"\(InternalError: Error loading hnsw index\); if the"):
        store.query("Putin", k=3)


_OPEN_AND_INGEST = """
import sys
from digest.app import build_store
from digest.config import Settings
from digest.ingest.pipeline import ingest
report = ingest([sys.argv[1]], store=build_store(Settings()), fetcher=None)
assert not report.failures, report.failures
"""


@pytest.mark.slow
def test_three_processes_create_an_empty_store_at_once(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGEST_", "OPENAI_"))}
    env["DIGEST_HOME"] = str(tmp_path / "home")
    files = []
    for i in range(3):
        path = tmp_path / f"{i}.md"
        path.write_text(f"---\ntitle: Story {i}\nurl: https://race.example.com/{i}\n---\n"
                        f"Story {i} says the council met on day {i} and agreed the budget.\n")
        files.append(path)
    runs = [subprocess.Popen([sys.executable, "-c", _OPEN_AND_INGEST, str(f)], env=env, cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for f in files]
    results = [(p.wait(timeout=300), p.communicate()[1]) for p in runs]
    assert [code for code, _ in results] == [0, 0, 0], [err[-500:] for _, err in results]
    listed = CliRunner().invoke(app, ["--home", str(tmp_path / "home"), "sources", "--json"])
    assert len(listed.stdout.strip().splitlines()) == 3
