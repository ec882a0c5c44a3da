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
from digest.ingest.embed import MiniLMEmbedder

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
