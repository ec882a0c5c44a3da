"""A judge named by the user: ``embedded``, ``trained``, ``llm:MODEL``… parsed once, here.

``--judge``, ``DIGEST_JUDGE``, a suite's ``judge =`` and ``digest eval bench --judge`` all name a
judge the same way; this is the only place that spelling is read, so ``llm:MODEL`` and
``--model MODEL`` can never mean two different things in two commands.
"""

from __future__ import annotations

from dataclasses import dataclass

from digest.errors import ConfigError

# The judges that talk to an OpenAI-compatible server and therefore take a model.
MODEL_KINDS = frozenset({"llm", "minicheck"})


@dataclass(frozen=True)
class JudgeSpec:
    """Which judge (``kind``) and, for the LLM judges, which model."""

    kind: str
    model: str | None = None

    @classmethod
    def parse(cls, name: str | JudgeSpec, model: str | None = None) -> JudgeSpec:
        """``llm:MODEL`` or ``llm`` plus ``model``; a model for a judge that takes none is an
        error (it would be silently ignored otherwise)."""
        if isinstance(name, JudgeSpec):
            spec = name
        else:
            kind, _, named = name.strip().partition(":")
            spec = cls(kind.strip().lower(), named.strip() or None)
        if model and spec.model and model != spec.model:
            raise ConfigError(f"judge {spec} and --model {model!r} name two different models")
        chosen = model or spec.model
        if chosen and spec.kind not in MODEL_KINDS:
            raise ConfigError(f"--model applies to the llm and minicheck judges, not {spec.kind!r}")
        return cls(spec.kind, chosen)

    def with_default_model(self, model: str | None) -> JudgeSpec:
        """The LLM judges default to the writer's model (one resolution for the whole run)."""
        if self.kind in MODEL_KINDS and self.model is None and model:
            return JudgeSpec(self.kind, model)
        return self

    def __str__(self) -> str:
        return f"{self.kind}:{self.model}" if self.model else self.kind
