"""What ``digest eval run`` produces: per (variant, input) results, per-variant aggregates.

``SuiteResult.model_dump_json()`` is ``results.json``: the full per-input results (every metric,
and each digest's sentences with verdicts and evidence), so a later run can be gated against it
with ``--baseline results.json`` and a reviewer can see why a figure moved.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from digest.evaluate.aggregate import Difference, Estimate, Float

#: metric -> (label, direction): +1 higher is better, -1 lower is better, 0 informative only.
METRICS: dict[str, tuple[str, int]] = {
    "citation_recall": ("citation recall (ALCE)", 1),
    "citation_precision": ("citation precision (ALCE)", 1),
    "uncited_share": ("uncited share", -1),
    "dropped_sentences": ("sentences dropped (citation checks + verification cuts)", -1),
    "verify_cut": ("sentences cut by verification", -1),
    "verify_flagged": ("sentences flagged unverified", -1),
    "flags_per_sentence": ("neutrality flags per sentence", -1),
    "coverage_words": ("reference content words covered", 1),
    "coverage_entities": ("reference named entities covered", 1),
    "coverage_numbers": ("reference numbers covered", 1),
    "rouge_l": ("ROUGE-L F1 vs reference", 1),
    "sentences": ("sentences", 0),
    "words": ("words", 0),
    "prompt_tokens": ("prompt tokens", 0),
    "completion_tokens": ("completion tokens", 0),
    "cost_usd": ("estimated cost (USD)", -1),
    "wall_s": ("wall time per digest (s)", -1),
}

#: neutrality of what the digest is written from, and of the editor-written roundup
CONTEXT_METRICS: dict[str, str] = {
    "source_flags_per_sentence": "source articles: neutrality flags per sentence",
    "reference_flags_per_sentence": "reference roundup: neutrality flags per sentence",
}


class DrillEvidence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    n: int
    probability: float
    text: str


class DrillSentence(BaseModel):
    """A digest sentence as the HTML drill-down shows it."""

    model_config = ConfigDict(extra="forbid")

    text: str
    verdict: str
    probability: Float | None = None
    evidence: list[DrillEvidence] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)


class InputResult(BaseModel):
    """One variant on one input: the metrics, and the digest for drill-down."""

    model_config = ConfigDict(extra="forbid")

    variant: str
    input: str
    corpus: str
    key: str
    status: Literal["ok", "nothing", "error"]
    message: str = ""
    metrics: dict[str, Float] = Field(default_factory=dict)
    digest: list[DrillSentence] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    cached: bool = False


class InputInfo(BaseModel):
    """What does not depend on the variant: the input's sources and reference."""

    model_config = ConfigDict(extra="forbid")

    id: str
    corpus: str
    reference: str | None = None
    metrics: dict[str, Float] = Field(default_factory=dict)


class VariantSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    config: dict[str, str | int | bool | None]
    inputs: int
    failed: int
    metrics: dict[str, Estimate]
    vs_baseline: dict[str, Difference] = Field(default_factory=dict)


class SuiteResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    suite: str
    generated_at: str
    baseline: str
    judge: str
    variants: list[VariantSummary]
    inputs: list[InputInfo]
    context: dict[str, Estimate] = Field(default_factory=dict)
    results: list[InputResult]
    notes: list[str] = Field(default_factory=list)
    wall_s: float = 0.0
    cached: int = 0

    def variant(self, name: str) -> VariantSummary | None:
        return next((v for v in self.variants if v.name == name), None)
