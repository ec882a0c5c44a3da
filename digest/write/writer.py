"""The one ``Writer`` protocol that ``digest brief`` and ``digest daily`` both call.

A writer turns passages into draft sentences that cite passage ids (``WriterResult``); our code
(:mod:`digest.write.cite`) then numbers the citations. Writers are built in exactly one place,
:func:`digest.app.build_writer`, so the choice of writer, model and prompts is made once and the
stages downstream (numbering, verification, rendering) never know which writer ran.
"""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

from digest.briefing import DraftSentence, Passage, Usage, WriterResult


@runtime_checkable
class Writer(Protocol):
    """Passages in, cited drafts out. ``name`` and ``model`` are what the digest header shows."""

    name: str
    model: str | None
    prompts: dict[str, str]  # template name -> sha256 ({} for a writer without prompts)

    def write(self, passages: list[Passage], topic: str | None) -> WriterResult:
        """Draft sentences citing ``Passage.id`` values; never invents ids of its own."""
        ...


class RepairRequest(BaseModel):
    """One sentence that failed verification, sent back to a writer that can repair.

    ``evidence`` is the cited passages' best-matching span (in ``evidence_passage`` when the
    judge located it) and ``verdict`` says what is wrong in words the model can act on ("the
    passage says Tianjin; the sentence says Beijing", or the judge's own reason). ``kind``
    ``not_neutral``: supported, but evaluative wording in the digest's own voice.
    """

    model_config = ConfigDict(extra="forbid")

    text: str
    passage_ids: list[str]
    evidence: str
    verdict: str
    evidence_passage: str | None = None
    kind: Literal["unsupported", "not_neutral"] = "unsupported"


@runtime_checkable
class Repairer(Protocol):
    """A writer that can rewrite failed sentences (the LLM writer; the extractive one cannot)."""

    def repair(self, passages: list[Passage], topic: str | None,
               requests: list[RepairRequest]) -> tuple[list[DraftSentence | None], Usage]:
        """One batched request; the i-th draft repairs the i-th request, None if dropped."""
        ...
