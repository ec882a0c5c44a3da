"""The writing half of ``digest daily``: one section per story, one Sources list for all.

Each story gets its own passages (:func:`digest.write.retrieve.passages_for_stories`, the same
picker ``brief`` uses without a topic) and its own call of the one :class:`Writer`, so a section
summarises one event instead of a blend. All drafts are then numbered together by
:func:`digest.write.cite.number_citations`, which gives the whole digest one Sources list whose
numbers follow reading order: story 1's sources first.
"""

from __future__ import annotations

import logging
from datetime import datetime

from digest.briefing import (
    Briefing,
    DraftSentence,
    Dropped,
    Passage,
    Usage,
    Verification,
    WriterResult,
)
from digest.store import Store
from digest.write.cite import number_citations
from digest.write.retrieve import passages_for_stories
from digest.write.stories import Story
from digest.write.verify import VerifyOptions, combine, require_supported, verify_result
from digest.write.writer import Writer

logger = logging.getLogger(__name__)


def write_sections(
    store: Store, writer: Writer, stories: list[Story], empty: Briefing, *, k: int,
    since: datetime, until: datetime, verify: VerifyOptions | None = None,
) -> Briefing:
    """``empty`` (title, window, notes) filled with one section per story.

    ``Briefing.stories`` holds the section headings; each sentence's ``story`` is its section.

    A story whose writer ships no sentence gets no section (an empty heading would promise
    coverage the digest does not give); it is named in the notes instead. With ``verify``,
    each section's drafts are verified against that section's passages before numbering.
    """
    passages = passages_for_stories(store, stories, [k] * len(stories), since=since, until=until)
    drafts: list[DraftSentence] = []
    dropped: list[Dropped] = []
    usage = Usage()
    headings: list[str] = []
    notes = list(empty.notes)
    shown: list[Passage] = []
    group_offset = 0
    checks: list[Verification] = []
    for index, story in enumerate(stories):
        own = [p for p in passages if p.story == index]
        result = writer.write(own, None) if own else WriterResult(drafts=[])
        result, checked = verify_result(result, own, verify, writer, None)
        if checked is not None:
            checks.append(checked)
        usage = usage.plus(result.usage)
        dropped += result.dropped
        if not result.drafts:
            notes.append(f"No citable sentence for the story “{story.headline}”.")
            continue
        section = len(headings)
        groups = [d.group for d in result.drafts if d.group is not None]
        for draft in result.drafts:
            group = None if draft.group is None else draft.group + group_offset
            drafts.append(draft.model_copy(update={"story": section, "group": group}))
        group_offset += (max(groups) + 1) if groups else 0
        shown += [p.model_copy(update={"story": section}) for p in own]
        outlets = len(story.outlets)
        headings.append(f"{story.headline} ({outlets} outlet{'s' if outlets != 1 else ''})")
    sentences, sources, unshipped = number_citations(drafts, shown)
    verification = combine(checks) if verify is not None else None
    if verification is not None:
        require_supported(verification, verify.min_supported)  # type: ignore[union-attr]
    return empty.model_copy(update={
        "sentences": sentences, "sources": sources, "passages": shown,
        "dropped": dropped + unshipped, "usage": usage, "stories": headings, "notes": notes,
        "verification": verification,
    })

