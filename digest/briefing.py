"""The briefing data model: passages shown to a writer, cited sentences, numbered sources.

One place for "a citation" and "a digest". Writers (LLM or extractive) produce
:class:`DraftSentence` s that cite *passage ids*; :func:`digest.write.cite.number_citations` (our
code, never the model) turns those into ``[n]`` source numbers in order of first citation.
Renderers and evals read a :class:`Briefing`; its JSON form is the sidecar written next to
every Markdown digest.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from digest.models import Chunk, StoredArticle

Section = Literal["summary", "body", "differences"]

# At most this many passages are cited (and checked) per sentence: ALCE's convention. The LLM
# writer keeps the first three it names, verification and `digest eval` check those three.
MAX_CITATIONS = 3

# How each writer is named in a digest's header (the reader should know what made it).
WRITER_LABELS = {
    "extractive": "extractive writer (offline; every sentence quoted verbatim from its source)",
    "llm": "LLM writer",
    "none": "digest tool (nothing in the window to summarise, so no writer ran)",
}


def describe_window(since: datetime | None, until: datetime | None) -> str:
    """A period in words, for headers and "nothing found" messages."""
    if since and until:
        return f"{since:%Y-%m-%d %H:%M} to {until:%Y-%m-%d %H:%M} UTC"
    if since:
        return f"since {since:%Y-%m-%d %H:%M} UTC"
    if until:
        return f"before {until:%Y-%m-%d %H:%M} UTC"
    return "all stored articles"


class Passage(BaseModel):
    """A retrieved chunk as shown to a writer, under an opaque id such as ``P3``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    chunk: Chunk
    article: StoredArticle
    story: int = 0  # which retrieved story it belongs to (0 when retrieval was by topic)


def provenance(article: StoredArticle) -> str:
    """Who published a passage, as the judge reads it before the text ("Northern Ledger: …").

    Part of what a source says: a sentence like "An analysis in Northern Ledger argues: …" is
    checked against the outlet that published the passage. Verification and ``digest eval``
    both prefix it, so they agree on our digests.
    """
    return f"{article.outlet or 'Unknown outlet'}: {article.title or 'Untitled'}.\n"


class EvidenceSpan(BaseModel):
    """Where a cited passage supports a sentence: article character offsets and the score."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    passage_id: str
    chunk_id: str
    start: int  # article offsets; -1 when the judge could not locate a span
    end: int
    probability: float


class SentenceCheck(BaseModel):
    """The verify stage's verdict on one shipped sentence (recorded in the JSON sidecar).

    ``status``: ``supported`` as written, ``repaired`` (``original`` holds the text the writer
    first gave), or ``flagged`` (the judge is not trusted to cut, so the sentence ships marked
    unverified). ``dropped_citations`` are passage ids removed as not needed (ALCE precision).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    score: float
    status: Literal["supported", "repaired", "flagged"]
    evidence: list[EvidenceSpan] = Field(default_factory=list)
    dropped_citations: list[str] = Field(default_factory=list)
    original: str | None = None
    reason: str | None = None
    # citations put right by code (digest.write.recite): the writer's ids, the ids the words
    # stand in, and the change in words; empty/None when the writer cited correctly
    recited_from: list[str] = Field(default_factory=list)
    recited_to: list[str] = Field(default_factory=list)
    recited: str | None = None


class Verification(BaseModel):
    """What the verify stage did to a digest: the header line and ``digest runs`` show it."""

    model_config = ConfigDict(extra="forbid")

    judge: str
    threshold: float
    action: Literal["cut", "flag"]
    judge_prompts: dict[str, str] = Field(
        default_factory=dict, description="the judge's prompt template name -> sha256 (LLM judges)")
    checked: int = 0
    supported: int = 0
    repaired: int = 0
    cut: int = 0
    flagged: int = 0
    citations_dropped: int = 0
    recited: int = 0  # sentences re-cited by code to the passage their words stand in
    not_neutral: int = 0  # sentences flagged for evaluative wording in the digest's own voice
    judge_calls: int = 0
    seconds: float = 0.0
    usage: Usage = Field(default_factory=lambda: Usage())

    @property
    def shipped(self) -> int:
        return self.checked - self.cut


class DraftSentence(BaseModel):
    """A writer's sentence before numbering: text plus the passage ids it rests on."""

    model_config = ConfigDict(extra="forbid")

    text: str
    passage_ids: list[str] = Field(default_factory=list)
    section: Section = "body"
    story: int = 0  # index of the story this sentence belongs to (daily digests)
    # Clauses of one rendered sentence share a group ("Some reports say … [1]; others … [4]."),
    # so each clause keeps its own citation; None means a sentence of its own.
    group: int | None = None
    check: SentenceCheck | None = None  # set by the verify stage


class Citation(BaseModel):
    """A link from a sentence to a source number and the exact passage that supports it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    n: int
    article_id: str
    chunk_id: str
    start: int
    end: int


class CitedSentence(BaseModel):
    """A sentence as shipped: every one has at least one citation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    section: Section = "body"
    story: int = 0
    group: int | None = None
    citations: list[Citation]
    check: SentenceCheck | None = None  # None: shipped without verification (--no-verify)

    @property
    def numbers(self) -> list[int]:
        return sorted({c.n for c in self.citations})


class Source(BaseModel):
    """A numbered entry of the Sources list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    n: int
    article: StoredArticle


class Dropped(BaseModel):
    """A sentence the writer produced that did not ship, and why (never silently stripped)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    reason: str


class Usage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0
    estimated_cost_usd: float | None = None
    # how the LLM was asked for JSON (json_schema, json_object or instruction; digest.llm)
    output_mode: str | None = None

    def plus(self, other: Usage) -> Usage:
        """The sum of two usages (costs add up only where known)."""
        costs = [c for c in (self.estimated_cost_usd, other.estimated_cost_usd) if c is not None]
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            requests=self.requests + other.requests,
            estimated_cost_usd=round(sum(costs), 6) if costs else None,
            output_mode=self.output_mode or other.output_mode,
        )


class WriterResult(BaseModel):
    """What any writer (LLM or extractive) hands back: drafts citing passage ids, not numbers.

    Numbering happens afterwards in :func:`digest.write.cite.number_citations`, so both writers share
    one deterministic path from passage ids to ``[n]``.
    """

    model_config = ConfigDict(extra="forbid")

    drafts: list[DraftSentence]
    dropped: list[Dropped] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    model: str | None = None


class Briefing(BaseModel):
    """A finished digest: the single structure every renderer and the JSON sidecar use."""

    model_config = ConfigDict(extra="forbid")

    title: str
    topic: str | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    generated_at: datetime
    writer: str
    model: str | None = None
    prompts: dict[str, str] = Field(
        default_factory=dict, description="prompt template name -> sha256 (LLM writer)")
    sentences: list[CitedSentence]
    sources: list[Source]
    passages: list[Passage] = Field(default_factory=list)
    dropped: list[Dropped] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    verification: Verification | None = None
    stories: list[str] = Field(default_factory=list, description="story headings (daily)")
    notes: list[str] = Field(default_factory=list, description="footer notes, e.g. failed feeds")
