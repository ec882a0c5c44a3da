"""Long local generations: streamed, stoppable, visible, and each error's advice fits its cause.

A llama-cpp-python server went on generating an abandoned (non-streamed) request for about 4
minutes after the client's timeout. Structured answers are now streamed: when the whole-answer
limit passes, the client closes the connection, and the stub records that the "model" was cut
off mid-answer (the real-server measurement is in ``test_real_server.py``).
"""

from __future__ import annotations

import io
import socket
import time

import pytest
from langchain_core.messages import HumanMessage
from langchain_openai import ChatOpenAI
from openai_stub import OpenAIStub, reply

from digest.errors import LLMError
from digest.llm import LLM, UsageMeter, tty_progress

ANSWER = {"sentences": [{"text": "word " * 200, "passage_ids": ["P1"], "section": "body"}]}


def llm_for(base_url: str, timeout: float = 5.0, **kwargs: object) -> LLM:
    chat = ChatOpenAI(model="m", api_key="t", base_url=base_url, timeout=timeout, max_retries=0)
    return LLM(chat, backoff=0.01, **kwargs)  # type: ignore[arg-type]


def ask(llm: LLM, meter: UsageMeter | None = None) -> dict:
    answer, _ = llm.structured([HumanMessage("write")], {"title": "x", "type": "object"},
                               dict, meter or UsageMeter(), what="the LLM writer")
    return answer


def test_answers_are_streamed_with_usage_and_progress(openai_stub: OpenAIStub) -> None:
    seen: list[tuple[int, bool]] = []
    openai_stub.push(reply(ANSWER, token_delay=0.003))
    meter = UsageMeter()
    llm = llm_for(openai_stub.base_url,
                  progress=lambda what, tokens, elapsed, done: seen.append((tokens, done)))
    assert ask(llm, meter) == ANSWER
    [request] = openai_stub.requests
    assert request.body["stream"] is True
    assert request.body["stream_options"] == {"include_usage": True}
    usage = meter.usage()
    assert usage.prompt_tokens > 0 and usage.completion_tokens > 200  # the usage chunk counted
    assert seen and seen[-1][1] is True  # the line is cleared at the end
    counts = [tokens for tokens, done in seen if not done]
    assert counts == sorted(counts) and counts[-1] > 0


def test_a_timeout_closes_the_stream_so_generation_stops_and_is_not_retried(
    openai_stub: OpenAIStub,
) -> None:
    openai_stub.push(reply(ANSWER, token_delay=0.05))  # ~300 tokens: 15 s to generate
    started = time.monotonic()
    with pytest.raises(LLMError) as caught:
        ask(llm_for(openai_stub.base_url, timeout=1.0))
    assert time.monotonic() - started < 4
    message = " ".join(str(caught.value).split())
    assert "no complete answer within 1 s" in message and "server stopped generating" in message
    assert "DIGEST_LLM_TIMEOUT" in message  # a slow model: the advice is to allow more time
    deadline = time.monotonic() + 3
    while not openai_stub.disconnects and time.monotonic() < deadline:
        time.sleep(0.05)
    [sent] = openai_stub.disconnects  # the server saw the client go, mid-answer
    assert 0 < sent < 100
    assert len(openai_stub.requests) == 1  # the same slow request is not sent again


def test_a_refused_connection_is_not_advised_a_longer_timeout() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(LLMError) as caught:
        ask(llm_for(f"http://127.0.0.1:{port}/v1"))
    message = str(caught.value)
    assert "connection refused" in message and "check that the server is up" in message
    assert "DIGEST_LLM_TIMEOUT" not in message


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_only() -> None:
    assert tty_progress(io.StringIO()) is None
    screen = _Terminal()
    show = tty_progress(screen)
    assert show is not None
    show("the LLM writer", 153, 42.2, False)
    assert "the LLM writer: 153 tokens, 42 s" in screen.getvalue()
    show("the LLM writer", 153, 42.2, True)
    assert screen.getvalue().endswith("\r\x1b[K")
