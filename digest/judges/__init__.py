"""Judges: (claim, evidence passages) -> probability that the evidence supports the claim."""

from __future__ import annotations

from typing import Any

from digest.errors import ConfigError
from digest.judges.base import Judge, Judgement

JUDGES = ("embedded", "embedded-minilm", "lexical", "llm", "minicheck")


def get_judge(name: str, settings: Any) -> Judge:
    """Build a judge by name: ``embedded`` (default, offline, lexical signals),
    ``embedded-minilm`` (the same plus MiniLM similarity, several times slower), ``llm`` or
    ``minicheck``
    (an OpenAI-compatible server; ``llm:MODEL`` / ``minicheck:MODEL``
    pick the model, else ``settings.llm_model`` / Ollama's ``bespoke-minicheck``)."""
    kind, _, model = name.partition(":")
    if kind in ("embedded", "lexical"):  # "lexical": the default's signals, named for what they are
        from digest.judges.embedded import EmbeddedJudge
        from digest.judges.weights import EMBEDDED_MODEL

        embedder = None
        if "emb_win" in EMBEDDED_MODEL.names:  # load MiniLM only when the frozen model uses it
            from digest.app import build_embedder

            embedder = build_embedder(settings, "minilm")
        judge = EmbeddedJudge(embedder)
        judge.name = kind
        return judge
    if kind == "embedded-minilm":
        from digest.app import build_embedder
        from digest.judges.embedded import EmbeddedJudge
        from digest.judges.weights_minilm import MINILM_MODEL, MINILM_THRESHOLD

        judge = EmbeddedJudge(build_embedder(settings, "minilm"), MINILM_MODEL, MINILM_THRESHOLD)
        judge.name = "embedded-minilm"
        return judge
    if kind in ("llm", "minicheck"):
        from digest.app import build_openai_client
        from digest.judges.llm import LLMJudge, preset

        return LLMJudge(build_openai_client(settings), preset(kind, model or None, settings))
    raise ConfigError(f"unknown judge {name!r}: use one of {', '.join(JUDGES)}")


__all__ = ["JUDGES", "Judge", "Judgement", "get_judge"]
