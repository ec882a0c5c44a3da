"""DIGEST_CHROMA_URL: ingest, list and query against a real Chroma server on loopback.

The server is the ``chroma`` executable installed next to this Python (``chroma run``), started
on a free port with its own data directory and stopped in teardown.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from ingest_helpers import run_cli
from typer.testing import CliRunner

from digest.app import build_store
from digest.config import Settings
from digest.embed import MiniLMEmbedder

CORPUS = Path(__file__).resolve().parents[2] / "seeds" / "corpus"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    executable = Path(sys.executable).with_name("chroma")
    assert executable.exists(), f"chroma CLI not installed next to {sys.executable}"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path / "chroma-server.log").open("wb")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    server = subprocess.Popen(
        [str(executable), "run", "--path", str(tmp_path / "server-data"),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (tmp_path / "chroma-server.log").read_text()
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "Chroma server did not answer its heartbeat"
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_ingest_sources_and_query_over_http(
    chroma_server: str, cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    embedder: MiniLMEmbedder,
) -> None:
    monkeypatch.setenv("DIGEST_CHROMA_URL", chroma_server)

    result = run_cli(cli, "ingest", "--json", str(CORPUS))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["counts"]["added"] == 13 and report["counts"]["duplicates"] == 1

    again = json.loads(run_cli(cli, "ingest", "--json", str(CORPUS)).stdout)
    assert again["counts"]["unchanged"] == 13 and again["chunks"] == 0

    listed = run_cli(cli, "sources", "--json", "--outlet", "Pacific Dispatch")
    assert listed.exit_code == 0
    assert len(listed.stdout.strip().splitlines()) == 2

    store = build_store(Settings(), embedder)
    assert store.count_chunks() == report["chunks"]
    hits = store.query("Which city did Putin fly into?", k=3)
    assert len(hits) == 3 and any("Beijing" in h.chunk.text for h in hits)
    for hit in hits:
        assert (store.article_text(hit.article.id) or "")[hit.chunk.start : hit.chunk.end] == (
            hit.chunk.text
        )

    assert not (tmp_path / "digest-home" / "chroma").exists(), "nothing written locally"
    assert (tmp_path / "server-data").exists(), "the server holds the data"


def test_unreachable_chroma_server_is_a_clear_error(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    monkeypatch.setenv("DIGEST_CHROMA_URL", url)
    result = run_cli(cli, "sources")
    assert result.exit_code == 2
    flat = " ".join(result.output.split())
    assert f"cannot open Chroma at {url}" in flat and "Traceback" not in result.output


_READER = """
import sys
from digest.app import build_store
from digest.config import Settings
from digest.store import date_where

store = build_store(Settings())
vector = store.embedder.embed(["Putin's visit to China"])[0]
print("ready", flush=True)
for line in sys.stdin:
    hits = store.query_vector(vector, k=50, where=date_where(outlet=line.strip()))
    print(len({h.article.id for h in hits}), flush=True)
"""


@pytest.mark.slow
def test_a_long_lived_process_sees_what_another_process_ingests(
    chroma_server: str, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGEST_", "OPENAI_"))}
    env.update(DIGEST_CHROMA_URL=chroma_server, DIGEST_HOME=str(tmp_path / "home"))
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER], env=env, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        assert reader.stdout.readline().strip() == "ready", reader.stderr.read()  # type: ignore[union-attr]

        def ask(outlet: str) -> int:
            reader.stdin.write(outlet + "\n")  # type: ignore[union-attr]
            reader.stdin.flush()  # type: ignore[union-attr]
            return int(reader.stdout.readline())  # type: ignore[union-attr]

        assert ask("Pacific Dispatch") == 0  # B has loaded its (empty) view of the store
        writer = subprocess.run(
            [sys.executable, "-m", "digest", "ingest", str(CORPUS)],
            env=env, capture_output=True, text=True, timeout=300,
        )
        assert writer.returncode == 0, writer.stderr
        assert ask("Pacific Dispatch") == 2  # B sees A's articles without restarting
        listed = subprocess.run(
            [sys.executable, "-m", "digest", "sources", "--outlet", "Pacific Dispatch", "--json"],
            env=env, capture_output=True, text=True, timeout=120,
        )
        victim = json.loads(listed.stdout.splitlines()[0])["id"]
        forgot = subprocess.run([sys.executable, "-m", "digest", "forget", victim],
                                env=env, capture_output=True, text=True, timeout=120)
        assert forgot.returncode == 0, forgot.stderr
        assert ask("Pacific Dispatch") == 1
    finally:
        reader.stdin.close()  # type: ignore[union-attr]
        reader.wait(timeout=30)
        reader.stdout.close()  # type: ignore[union-attr]
        reader.stderr.close()  # type: ignore[union-attr]
