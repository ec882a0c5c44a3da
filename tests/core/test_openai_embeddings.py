"""The ``--embeddings openai`` path: the real openai client over real HTTP to a local server.

The server is the boundary stub: it answers /v1/embeddings with deterministic vectors derived
from the input text, and records what it was sent.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from typer.testing import CliRunner

from digest.app import build_embedder
from digest.cli import app
from digest.config import Settings
from digest.embed import OpenAIEmbedder
from digest.errors import EmbeddingMismatchError, LLMError
from digest.store import Store, open_client

DIM = 8


def _vector(text: str) -> list[float]:
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")
    return np.random.default_rng(seed).normal(size=DIM).tolist()


FAILURES: list[int] = []  # statuses the server answers before serving (set per test)


@pytest.fixture
def embedding_server() -> Iterator[tuple[str, list[dict]]]:
    requests: list[dict] = []
    FAILURES.clear()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server API)
            body = json.loads(self.rfile.read(int(self.headers["content-length"])))
            requests.append({"path": self.path, "body": body,
                             "auth": self.headers.get("authorization")})
            if FAILURES:
                raw = json.dumps({"error": {"message": "scripted failure"}}).encode()
                self.send_response(FAILURES.pop(0))
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)
                return
            inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
            payload = {
                "object": "list",
                "model": body["model"],
                # Out of order on purpose: the client must sort by index.
                "data": [
                    {"object": "embedding", "index": i, "embedding": _vector(t)}
                    for i, t in reversed(list(enumerate(inputs)))
                ],
                "usage": {"prompt_tokens": 3 * len(inputs), "total_tokens": 3 * len(inputs)},
            }
            raw = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1", requests
    server.shutdown()


def test_openai_embedder_orders_and_normalises(embedding_server) -> None:
    url, requests = embedding_server
    settings = Settings(openai_api_key="sk-test", openai_base_url=url,
                        openai_embedding_model="text-embedding-3-small")
    embedder = build_embedder(settings, "openai")
    vectors = embedder.embed(["alpha", "beta", "gamma"])
    assert vectors.shape == (3, DIM)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    expected = np.asarray(_vector("beta"))
    np.testing.assert_allclose(vectors[1], expected / np.linalg.norm(expected), rtol=1e-5)
    assert requests[0]["path"] == "/v1/embeddings"
    assert requests[0]["body"]["model"] == "text-embedding-3-small"
    assert requests[0]["auth"] == "Bearer sk-test"


def test_ingest_with_openai_embeddings_then_minilm_query_is_refused(
    embedding_server, tmp_path, monkeypatch, embedder
) -> None:
    url, requests = embedding_server
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    store_dir = tmp_path / "store"
    result = CliRunner().invoke(
        app, ["--store", str(store_dir), "ingest", "--embeddings", "openai", "seeds/corpus"]
    )
    assert result.exit_code == 0, result.output
    assert "added 13" in result.output
    assert requests, "ingest never called the embeddings endpoint"
    # The store now records the OpenAI model; opening it with MiniLM must fail loudly.
    with pytest.raises(EmbeddingMismatchError, match="digest reindex"):
        Store(open_client(path=str(store_dir)), embedder)
    refused = CliRunner().invoke(app, ["--store", str(store_dir), "sources"])
    assert refused.exit_code == 2
    assert "reindex" in refused.output


def _embedder(url: str, attempts: int = 3) -> OpenAIEmbedder:
    from digest.app import build_openai_client

    client = build_openai_client(Settings(openai_api_key="sk-test", openai_base_url=url))
    return OpenAIEmbedder(client, "text-embedding-3-small", max_attempts=attempts, backoff=0.01)


def test_openai_embedder_retries_transient_errors(embedding_server) -> None:
    url, requests = embedding_server
    FAILURES.extend([503, 429])
    assert _embedder(url).embed(["alpha"]).shape == (1, DIM)
    assert len(requests) == 3


def test_openai_embedder_gives_up_with_one_line_and_does_not_retry_a_bad_key(
    embedding_server,
) -> None:
    url, requests = embedding_server
    FAILURES.extend([503, 503])
    with pytest.raises(LLMError, match="embedding with text-embedding-3-small failed 2 attempts"):
        _embedder(url, attempts=2).embed(["alpha"])
    FAILURES[:] = [401]
    with pytest.raises(LLMError, match="check OPENAI_API_KEY") as caught:
        _embedder(url).embed(["alpha"])
    assert len(requests) == 3 and "\n" not in str(caught.value)
