"""Fixtures of the judge tests: the LLM helpers' OpenAI-compatible stub, extended with logprobs.

``tests/llm/openai_stub.py`` serves scripted chat completions over real HTTP; the judges also
need the ``logprobs`` block that OpenAI, vLLM and llama.cpp return, so :class:`LogprobStub`
adds one to each answer from its own queue (``None`` = a server without logprobs).
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "llm"))

from openai_stub import OpenAIStub, Recorded, Reply  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "evals" / "cases" / "claims.jsonl"


class LogprobStub(OpenAIStub):
    """An :class:`OpenAIStub` whose answers may carry first-token top logprobs."""

    def __init__(self) -> None:
        super().__init__()
        self.logprobs: deque[list[tuple[str, float]] | None] = deque()

    def push_logprobs(self, *tops: list[tuple[str, float]] | None) -> LogprobStub:
        self.logprobs.extend(tops)
        return self

    def completion(self, recorded: Recorded, answer: Reply) -> dict[str, Any]:
        data = super().completion(recorded, answer)
        top = self.logprobs.popleft() if self.logprobs else None
        if top is not None:
            token, logprob = top[0]
            data["choices"][0]["logprobs"] = {
                "content": [
                    {
                        "token": token,
                        "logprob": logprob,
                        "bytes": None,
                        "top_logprobs": [
                            {"token": t, "logprob": lp, "bytes": None} for t, lp in top
                        ],
                    }
                ]
            }
        return data


@pytest.fixture
def stub() -> Iterator[LogprobStub]:
    with LogprobStub() as server:
        yield server
