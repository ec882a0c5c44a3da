"""The briefing data model: passages shown to a writer, cited sentences, numbered sources.

One place for "a citation" and "a digest". Writers (LLM or extractive) produce
:class:`DraftSentence` s that cite *passage ids*; :func:`digest.cite.number_citations` (our
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

# How each writer is named in a digest's header (the reader should know what made it).
WRITER_LABELS = {
    "extractive": "extractive writer (offline; every sentence quoted verbatim from its source)",
    "llm": "LLM writer",
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


class WriterResult(BaseModel):
    """What any writer (LLM or extractive) hands back: drafts citing passage ids, not numbers.

    Numbering happens afterwards in :func:`digest.cite.number_citations`, so both writers share
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
    stories: list[str] = Field(default_factory=list, description="story headings (daily)")
    notes: list[str] = Field(default_factory=list, description="footer notes, e.g. failed feeds")
