"""Does a client timeout stop the server's generation? Seconds until it is free again.

Not a test. Against a running OpenAI-compatible server (llama-cpp-python in the README's
figures), it sends a prompt that makes the model write on and on, gives up after ``--timeout``
seconds, and measures how long afterwards ``GET /v1/models`` and a 1-token completion answer:

    stream   digest's own path (``LLM.structured``: a streamed request, closed at the timeout)
    plain    one non-streamed request, abandoned at the client timeout (the old path)

A server that stops generating when the client goes answers at once; one that does not answers
only when the abandoned answer is finished.

    python evals/bench_llm_stop.py --base-url http://127.0.0.1:8000/v1 --model smollm2
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import httpx
import openai
from langchain_core.messages import HumanMessage
from langchain_openai import ChatOpenAI

from digest.errors import LLMError
from digest.llm import LLM, UsageMeter

PROMPT = "Write a very long story about a dragon, at least 3000 words. " * 3


def give_up(base_url: str, model: str, mode: str, timeout: float) -> float:
    """Send the long request the ``mode`` way; seconds until the client gave up."""
    started = time.monotonic()
    if mode == "plain":
        client = openai.OpenAI(base_url=base_url, api_key="x", timeout=timeout, max_retries=0)
        try:
            client.chat.completions.create(
                model=model, messages=[{"role": "user", "content": PROMPT}], max_tokens=3000)
        except openai.APITimeoutError:
            pass
    else:
        chat = ChatOpenAI(model=model, base_url=base_url, api_key="x", timeout=timeout,
                          max_retries=0)
        try:
            LLM(chat, output_mode="instruction").structured(
                [HumanMessage(PROMPT)], {"title": "x", "type": "object"}, dict, UsageMeter(),
                what="a long answer")
        except LLMError:
            pass
    return time.monotonic() - started


def measure(base_url: str, model: str, mode: str, timeout: float) -> dict[str, float]:
    gave_up = give_up(base_url, model, mode, timeout)
    after = time.monotonic()
    httpx.get(f"{base_url}/models", timeout=900)
    listed = time.monotonic() - after
    httpx.post(f"{base_url}/chat/completions", timeout=900, json={
        "model": model, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 1})
    return {"gave_up_s": round(gave_up, 2), "models_after_s": round(listed, 2),
            "completion_after_s": round(time.monotonic() - after, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--timeout", type=float, default=3.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--modes", default="stream,plain")
    args = parser.parse_args()
    for mode in args.modes.split(","):
        runs = [measure(args.base_url, args.model, mode, args.timeout) for _ in range(args.runs)]
        median = statistics.median(r["models_after_s"] for r in runs)
        print(json.dumps({"mode": mode, "runs": runs, "median_models_after_s": median}))  # noqa: T201


if __name__ == "__main__":
    main()
