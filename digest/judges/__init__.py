"""Judges: (claim, evidence passages) -> probability that the evidence supports the claim."""

from __future__ import annotations

from typing import Any

from digest.errors import ConfigError
from digest.judges.base import Judge, Judgement

JUDGES = ("embedded", "embedded-minilm", "lexical", "trained", "llm", "minicheck")


def get_judge(name: str, settings: Any) -> Judge:
    """Build a judge by name: ``embedded`` (default, offline, lexical signals),
    ``embedded-minilm`` (the same plus MiniLM similarity, several times slower), ``llm`` or
    ``minicheck`` (an OpenAI-compatible server, built by :func:`digest.app.build_judge`;
    ``llm:MODEL`` / ``minicheck:MODEL`` pick the model, else ``settings.llm_model`` / Ollama's
    ``bespoke-minicheck``)."""
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
    if kind == "trained":  # our own cross-encoder, int8 ONNX (digest/judges/trained.py)
        from digest.judges.trained import TrainedJudge

        return TrainedJudge()
    if kind in ("llm", "minicheck"):  # LLM clients are built in the composition root only
        from digest.app import build_judge

        return build_judge(settings, kind, model or None)
    raise ConfigError(f"unknown judge {name!r}: use one of {', '.join(JUDGES)}")


def judge_all(judge: Judge, items: list[tuple[str, list[str]]]) -> list[Judgement]:
    """Judge many (claim, sources) pairs: concurrently where the judge can (``judge_many``, the
    LLM judges), one by one otherwise."""
    many = getattr(judge, "judge_many", None)
    return list(many(items)) if many is not None else [judge.judge(c, s) for c, s in items]


__all__ = ["JUDGES", "Judge", "Judgement", "get_judge", "judge_all"]
