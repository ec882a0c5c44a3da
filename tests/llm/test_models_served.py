"""``check_models_served``: every model of a run checked against ``GET /v1/models``, patiently.

A llama-cpp-python server busy generating answered ``/v1/models`` after 13 s; a check with one
10 s try let ``--model qwen2.5:0.5b`` (not served) through. Here the loopback stub plays that
server through the real ``openai`` client.
"""

from __future__ import annotations

import socket
import time

import openai
import pytest
from openai_stub import PROFILES, OpenAIStub

from digest.errors import LLMError
from digest.llm import check_models_served

SERVED = "/models/qwen2.5-0.5b-instruct-q4_k_m.gguf"


def client(stub: OpenAIStub) -> openai.OpenAI:
    return openai.OpenAI(base_url=stub.base_url, api_key="t", max_retries=0, timeout=2)


@pytest.mark.slow
def test_a_server_slow_for_13_s_is_waited_for_and_a_bogus_name_refused() -> None:
    with OpenAIStub(profile=PROFILES["llama-cpp-python"]) as stub:
        stub.busy(13)
        started = time.monotonic()
        with pytest.raises(LLMError, match=r"'qwen2.5:0.5b' is not served"):
            check_models_served(client(stub), ["qwen2.5:0.5b"])
        assert time.monotonic() - started >= 12.5  # it waited for the list, never gave up early
        stub.busy(13)
        assert check_models_served(client(stub), [SERVED]) == [SERVED]


def test_5xx_while_busy_is_retried_until_the_list_comes() -> None:
    with OpenAIStub(profile=PROFILES["lists-models"]) as stub:
        stub.busy(1.5, status=503)
        with pytest.raises(LLMError, match="'bogus' is not served"):
            check_models_served(client(stub), ["llama3.1:8b", "bogus"], deadline_s=10)
        assert check_models_served(client(stub), ["qwen2.5:7b"]) is not None


def test_no_list_within_the_deadline_is_an_error_not_a_pass() -> None:
    with OpenAIStub(profile=PROFILES["lists-models"]) as stub:
        stub.busy(30)
        started = time.monotonic()
        with pytest.raises(LLMError, match="did not list its models within 2 s"):
            check_models_served(client(stub), ["bogus"], deadline_s=2)
        assert time.monotonic() - started < 6


def test_a_server_without_a_list_is_trusted() -> None:
    with OpenAIStub() as stub:  # the default profile has no /models route
        assert check_models_served(client(stub), ["anything"]) is None


def test_a_refused_connection_fails_at_once_without_timeout_advice() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    bare = openai.OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="t", max_retries=0)
    started = time.monotonic()
    with pytest.raises(LLMError, match="cannot connect") as caught:
        check_models_served(bare, ["m"])
    assert time.monotonic() - started < 5
    assert "DIGEST_LLM_TIMEOUT" not in str(caught.value)
