"""The writing half of ``digest daily``: one section per story, one Sources list for all.

Each story gets its own passages (MMR over the story's articles, from :mod:`digest.retrieve`)
and its own writer call (:mod:`digest.extractive` or :mod:`digest.write_llm`), so a section
summarises one event instead of a blend. All drafts are then numbered together by
:func:`digest.cite.number_citations`, which gives the whole digest one Sources list whose
numbers follow reading order: story 1's sources first.
"""

from __future__ import annotations

import logging
from datetime import datetime

from digest.briefing import Briefing, DraftSentence, Dropped, Passage, Usage, WriterResult
from digest.daily.stories import Story
from digest.models import Hit
from digest.store import Store, date_where
from digest.write.cite import number_citations
from digest.write.retrieve import as_passages, default_per_outlet, mmr_select
from digest.write.writer import Writer

logger = logging.getLogger(__name__)


def story_passages(
    store: Store, stories: list[Story], *, k: int, since: datetime, until: datetime
) -> list[Passage]:
    """Up to ``k`` passages per story from its original articles, numbered P1.. across the digest."""
    hits: list[Hit] = []
    story_of: dict[str, int] = {}
    for index, story in enumerate(stories):
        # Originals only: a republished wire copy adds no facts, and citing it would credit
        # the reprinting outlet for another newsroom's reporting.
        originals = [a.id for a in story.independent]
        where = date_where(since, until, article_ids=originals)
        found = store.query_vector(story.centroid, k=max(4 * k, 40), where=where)
        vectors = store.chunk_vectors([h.chunk.id for h in found])
        chosen = mmr_select(found, vectors, k=k, per_outlet=default_per_outlet(k))
        hits.extend(chosen)
        story_of.update({h.article.id: index for h in chosen})
    return as_passages(hits, story_of)


def _add(total: Usage, part: Usage) -> Usage:
    costs = [c for c in (total.estimated_cost_usd, part.estimated_cost_usd) if c is not None]
    return Usage(
        prompt_tokens=total.prompt_tokens + part.prompt_tokens,
        completion_tokens=total.completion_tokens + part.completion_tokens,
        requests=total.requests + part.requests,
        estimated_cost_usd=round(sum(costs), 6) if costs else None,
    )


def write_sections(
    store: Store, writer: Writer, stories: list[Story], empty: Briefing, *, k: int,
    since: datetime, until: datetime,
) -> Briefing:
    """``empty`` (title, window, notes) filled with one section per story.

    ``Briefing.stories`` holds the section headings; each sentence's ``story`` is its section.

    A story whose writer ships no sentence gets no section (an empty heading would promise
    coverage the digest does not give); it is named in the notes instead.
    """
    passages = story_passages(store, stories, k=k, since=since, until=until)
    drafts: list[DraftSentence] = []
    dropped: list[Dropped] = []
    usage = Usage()
    headings: list[str] = []
    notes = list(empty.notes)
    shown: list[Passage] = []
    group_offset = 0
    for index, story in enumerate(stories):
        own = [p for p in passages if p.story == index]
        result = writer.write(own, None) if own else WriterResult(drafts=[])
        usage = _add(usage, result.usage)
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
    return empty.model_copy(update={
        "sentences": sentences, "sources": sources, "passages": shown,
        "dropped": dropped + unshipped, "usage": usage, "stories": headings, "notes": notes,
    })

