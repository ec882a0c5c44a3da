"""Fixtures for the ingest tests: a loopback HTTP server and the CLI runner.

The HTTP server is a real ``http.server`` on 127.0.0.1 serving routes a test declares, so the
real ``Fetcher`` (httpx, timeouts, size cap) is exercised end to end without the internet.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from ingest_helpers import LocalServer
from typer.testing import CliRunner

from digest.embed import MiniLMEmbedder
from digest.store import Store, open_client


def _handler(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            path = self.path.split("?", 1)[0]
            server.requests.append((self.path, dict(self.headers.items())))
            route = server.routes.get(path)
            if route is None:
                self.send_error(404, "not found")
                return
            if route.delay:
                time.sleep(route.delay)
            if route.fail_first > 0:
                route.fail_first -= 1
                self.send_error(503, "try again")
                return
            try:
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                for name, value in route.headers.items():
                    self.send_header(name, value.replace("{base}", server.base))
                if route.declare_length:
                    self.send_header("Content-Length", str(len(route.body)))
                else:
                    self.send_header("Connection", "close")
                self.end_headers()
                step = 1 if route.trickle else 16384
                for start in range(0, len(route.body), step):
                    self.wfile.write(route.body[start : start + step])
                    if route.trickle:
                        self.wfile.flush()
                        time.sleep(route.trickle)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test); nothing to report

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    return Handler


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    state = LocalServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


@pytest.fixture
def corpus_copy(corpus_store_path: Path, tmp_path: Path, embedder: MiniLMEmbedder) -> Store:
    """A writable copy of the session's ingested sample corpus, at DIGEST_HOME/chroma.

    Copying the Chroma directory costs milliseconds; ingesting the corpus again costs seconds.
    """
    target = tmp_path / "digest-home" / "chroma"
    shutil.copytree(corpus_store_path, target)
    return Store(open_client(path=str(target)), embedder)
