"""The one ``Writer`` protocol that ``digest brief`` and ``digest daily`` both call.

A writer turns passages into draft sentences that cite passage ids (``WriterResult``); our code
(:mod:`digest.write.cite`) then numbers the citations. Writers are built in exactly one place,
:func:`digest.app.build_writer`, so the choice of writer, model and prompts is made once and the
stages downstream (numbering, verification, rendering) never know which writer ran.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from digest.briefing import Passage, WriterResult


@runtime_checkable
class Writer(Protocol):
    """Passages in, cited drafts out. ``name`` and ``model`` are what the digest header shows."""

    name: str
    model: str | None
    prompts: dict[str, str]  # template name -> sha256 ({} for a writer without prompts)

    def write(self, passages: list[Passage], topic: str | None) -> WriterResult:
        """Draft sentences citing ``Passage.id`` values; never invents ids of its own."""
        ...
