"""The eval harness's data model: a parsed digest, resolved sources, and per-sentence results.

Everything the harness produces is one of these pydantic models, so the JSON report is simply
``EvalReport.model_dump_json()`` and the terminal/Markdown/HTML renderers read the same fields.
NaN metric values serialise as ``null`` in JSON (pydantic's default), never as 0: a metric
that could not be computed must not look like a failing score.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from digest.briefing import Briefing, Citation

SentenceKind = Literal["prose", "list", "quote", "heading", "meta"]
Verdict = Literal["supported", "unsupported", "uncited", "out_of_range", "unavailable"]
FlagKind = Literal["opinion", "vague_attribution", "loaded", "editorializing"]
SourceStatus = Literal["available", "unavailable"]

#: Sentences of these kinds are claims; headings and meta lines (bylines, notes) are not scored.
CLAIM_KINDS: frozenset[str] = frozenset({"prose", "list", "quote"})


class SourceRef(BaseModel):
    """An entry of the digest's Sources list (or of its sidecar): what ``[n]`` points to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    n: int
    label: str = ""
    url: str | None = None
    article_id: str | None = None


class Clause(BaseModel):
    """A part of a sentence that carries its own marker: ``"Some say X [3]; others Y [4]."``"""

    model_config = ConfigDict(extra="forbid", frozen=True)

    claim: str
    citations: list[int]


class SentenceBase(BaseModel):
    """What identifies a digest sentence, shared by the parsed sentence and its result."""

    model_config = ConfigDict(extra="forbid")

    index: int
    paragraph: int
    kind: SentenceKind
    text: str
    claim: str
    citations: list[int] = Field(default_factory=list, description="as written, expanded")


class DigestSentence(SentenceBase):
    """One sentence of the digest as written, with its citation markers expanded.

    ``start``/``end`` are offsets into the Markdown file; ``claim`` is the text a judge sees
    (markers and Markdown emphasis removed). ``links`` come from the JSON sidecar of our own
    digests: the exact chunk each citation was written from.
    """

    start: int
    end: int
    links: list[Citation] = Field(default_factory=list)
    clauses: list[Clause] = Field(
        default_factory=list, description="set when markers split the sentence into clauses"
    )


class ParsedDigest(BaseModel):
    """A digest reduced to what the harness needs: sentences, the Sources list, the sidecar."""

    model_config = ConfigDict(extra="forbid")

    path: str
    sentences: list[DigestSentence]
    sources: list[SourceRef] = Field(default_factory=list)
    has_sources_list: bool = False
    sidecar: str | None = Field(default=None, description="path of the JSON sidecar used")
    briefing: Briefing | None = Field(default=None, exclude=True)

    @property
    def source_numbers(self) -> set[int] | None:
        """The valid ``n`` when the digest declares its sources; None when it does not."""
        return {r.n for r in self.sources} if self.has_sources_list else None


class Evidence(BaseModel):
    """The best passage of one cited source for a sentence, with offsets into the source text."""

    model_config = ConfigDict(extra="forbid")

    n: int
    probability: float
    start: int = -1
    end: int = -1
    text: str = ""
    relevant: bool | None = Field(
        default=None, description="ALCE precision: needed for the sentence; None if not checked"
    )
    linked_start: int | None = Field(default=None, description="sidecar chunk link, if any")
    linked_end: int | None = None


class NeutralityFlag(BaseModel):
    """A neutrality problem and the words that triggered it (offsets into the claim text)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: FlagKind
    trigger: str
    start: int
    end: int
    rule: str


class SentenceResult(SentenceBase):
    """Everything the harness found about one claim sentence."""

    checked: list[int] = Field(default_factory=list, description="judged (at most 3)")
    out_of_range: list[int] = Field(default_factory=list)
    unavailable: list[int] = Field(default_factory=list)
    verdict: Verdict
    probability: float | None = Field(default=None, description="joint support probability")
    by_clauses: bool = Field(
        default=False, description="supported clause by clause, each by its own citations"
    )
    evidence: list[Evidence] = Field(default_factory=list)
    flags: list[NeutralityFlag] = Field(default_factory=list)

    @property
    def neutral(self) -> bool:
        return not self.flags


class SourceInfo(BaseModel):
    """How source ``n`` was resolved, for the report's Sources table."""

    model_config = ConfigDict(extra="forbid")

    n: int
    label: str = ""
    status: SourceStatus
    origin: str = Field(default="", description="store, folder, map, sidecar passages")
    reason: str = ""
    chars: int = 0


class SentenceScore(BaseModel):
    """One metric's verdict on one sentence (``None`` = not scored by this metric)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    index: int
    score: float | None
    note: str = ""


class MetricResult(BaseModel):
    """A metric's value, a sentence a human can read, and its per-sentence verdicts."""

    model_config = ConfigDict(extra="forbid")

    name: str
    value: float
    reason: str
    verdicts: list[SentenceScore] = Field(default_factory=list)


class EvalReport(BaseModel):
    """The harness's whole output for one digest."""

    model_config = ConfigDict(extra="forbid")

    digest: str
    judge: str | None = None
    threshold: float | None = None
    sidecar: str | None = None
    sentences: list[SentenceResult]
    sources: list[SourceInfo]
    metrics: dict[str, MetricResult]

    def metric(self, name: str) -> float:
        return self.metrics[name].value

    @property
    def uncited(self) -> list[SentenceResult]:
        return [s for s in self.sentences if s.verdict == "uncited"]

    @property
    def unsupported(self) -> list[SentenceResult]:
        return [s for s in self.sentences if s.verdict in ("unsupported", "out_of_range")]

    @property
    def flagged(self) -> list[SentenceResult]:
        return [s for s in self.sentences if s.flags]
