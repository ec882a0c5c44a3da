"""The writing half of ``digest brief`` and ``digest daily``: write, settle, verify, number.

A digest is one or more sections: one per story for ``daily`` and for ``brief`` without a
topic (:func:`write_sections`), one unnamed section for a topic brief. Each section gets its
own passages and its own call of the one :class:`Writer`, so a section summarises one event
instead of a blend, and then goes through the same steps whatever the writer
(:func:`write_part`):

1. **write**: drafts citing passage ids;
2. **stand alone** (:mod:`digest.write.standalone`): a sentence that leans on context the
   digest lacks (an implicit topic, "days later", "this city", a forward-looking line a later
   article overtook) is left out, with its reason in ``dropped``;
3. **settle** (:mod:`digest.write.contested`): no narrative sentence stating one side of a
   disputed place, date or figure as fact, and "Where sources differ" from the sources when
   the writer gave none (or none that stands on its own);
4. **verify** (:mod:`digest.write.verify`): repaired, cut or flagged.

All sections' drafts are then numbered together (:func:`digest.write.cite.number_citations`),
which gives the whole digest one Sources list whose numbers follow reading order.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
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
from digest.errors import CitationError
from digest.store import Store
from digest.write.cite import number_citations
from digest.write.contested import find_contested, settle_contested
from digest.write.retrieve import passages_for_stories
from digest.write.standalone import dangling_in_digest, full_names, stale_reason, unwrap
from digest.write.stories import Story
from digest.write.verify import VerifyOptions, combine, require_supported, verify_result
from digest.write.writer import Writer

logger = logging.getLogger(__name__)
REWRITES = 3  # extra extractive passes when sentences had to be taken out


@dataclass(frozen=True)
class Part:
    """One section to write: its heading (None for a topic brief) and its passages."""

    heading: str | None
    passages: list[Passage]


def stand_alone(result: WriterResult, passages: list[Passage]) -> WriterResult:
    """``result`` without the sentences that need context the digest does not give them."""
    newest = max((p.article.published for p in passages if p.article.published), default=None)
    published = {p.id: p.article.published for p in passages}
    surnames = full_names(p.chunk.text for p in passages)
    kept: list[DraftSentence] = []
    dropped = list(result.dropped)
    bad_groups: set[int] = set()
    checked = dangling_in_digest([d.text for d in result.drafts], surnames=surnames)
    for index, (draft, (_text, reasons)) in enumerate(zip(result.drafts, checked, strict=True)):
        if index == 0 and draft.section == "summary":  # a lede opens "The harbour authority
            reasons = [r for r in reasons if not r.startswith("definite:")]  # said …", fine
        stale = [r for pid in draft.passage_ids[:1]
                 if (r := stale_reason(unwrap(draft.text), published.get(pid), newest))]
        reasons = [*reasons, *stale]
        if reasons:
            dropped.append(Dropped(text=draft.text, reason=f"not self-contained: {reasons[0]}"))
            if draft.group is not None:
                bad_groups.add(draft.group)
        else:
            kept.append(draft)
    orphans = [d for d in kept if d.group is not None and d.group in bad_groups]
    dropped += [Dropped(text=d.text, reason="another clause of the same sentence was left out")
                for d in orphans]  # "others say …" alone would misstate the disagreement
    kept = [d for d in kept if d not in orphans]
    return result.model_copy(update={"drafts": kept, "dropped": dropped})


def _without(passages: list[Passage], texts: list[str]) -> list[Passage]:
    """``passages`` with these sentences blanked (same length: every offset stays valid)."""
    needles = [unwrap(text) for text in texts]  # a quoted analysis: the source's sentence
    out = []
    for passage in passages:
        chunk_text = passage.chunk.text
        for needle in needles:
            chunk_text = chunk_text.replace(needle, " " * len(needle))
        out.append(passage if chunk_text == passage.chunk.text else passage.model_copy(
            update={"chunk": passage.chunk.model_copy(update={"text": chunk_text})}))
    return out


def write_part(writer: Writer, passages: list[Passage], topic: str | None, *,
               store: Store, verify: VerifyOptions | None
               ) -> tuple[WriterResult, Verification | None, list[Passage]]:
    """One section through write -> stand alone -> settle -> verify (the steps above).

    The extractive writer costs nothing to run again, so when settling or the self-containment
    rules take sentences out, it writes the section again without them (up to ``REWRITES``
    times) instead of shipping a section with holes; an LLM writer's drafts are only filtered.
    Returns the passages the section cites from: the given ones, plus any chunk a side of
    "Where sources differ" is quoted from.
    """
    if not passages:
        return WriterResult(drafts=[]), None, passages
    contested = find_contested(passages, store.embedder, store.article_text, store.chunks_of)
    shown = passages
    settled: WriterResult | None = None
    for attempt in range(REWRITES + 1):
        result = writer.write(shown, topic)
        again = settle_contested(stand_alone(result, passages), passages, contested)
        if settled is not None and not again.drafts:
            break  # the rewrite found nothing better: keep what the last pass shipped
        settled = again
        removed = [d.text for d in settled.dropped[len(result.dropped):]]
        if not removed or writer.name != "extractive" or attempt == REWRITES:
            break
        logger.info("rewriting a section without %d sentence(s): %s", len(removed),
                    "; ".join(d.reason for d in settled.dropped[len(result.dropped):]))
        shown = _without(shown, removed)
    assert settled is not None  # the loop runs at least once
    cited = passages + contested.extra
    return (*verify_result(settled, cited, verify, writer, topic), cited)


def write_parts(writer: Writer, parts: list[Part], empty: Briefing, *, topic: str | None,
                store: Store, verify: VerifyOptions | None) -> Briefing:
    """``empty`` (title, window, notes) filled with the written parts, numbered together.

    A named part whose writer ships no sentence gets no section (an empty heading would
    promise coverage the digest does not give); it is named in the notes instead.
    """
    drafts: list[DraftSentence] = []
    dropped: list[Dropped] = []
    usage = Usage()
    headings: list[str] = []
    notes = list(empty.notes)
    shown: list[Passage] = []
    group_offset = 0
    checks: list[Verification] = []
    for part in parts:
        result, checked, cited = write_part(writer, part.passages, topic, store=store,
                                            verify=verify)
        if checked is not None:
            checks.append(checked)
        usage = usage.plus(result.usage)
        dropped += result.dropped
        if not result.drafts:
            if part.heading is not None:
                notes.append(f"No citable sentence for the story “{part.heading}”.")
            continue
        section = len(headings)
        groups = [d.group for d in result.drafts if d.group is not None]
        for draft in result.drafts:
            group = None if draft.group is None else draft.group + group_offset
            drafts.append(draft.model_copy(update={"story": section, "group": group}))
        group_offset += (max(groups) + 1) if groups else 0
        shown += [p.model_copy(update={"story": section}) for p in cited]
        if part.heading is not None:
            headings.append(part.heading)
    sentences, sources, unshipped = number_citations(drafts, shown)
    verification = combine(checks) if verify is not None else None
    if verification is not None and verify is not None:
        require_supported(verification, verify.min_supported)
    return empty.model_copy(update={
        "sentences": sentences, "sources": sources, "passages": shown,
        "dropped": dropped + unshipped, "usage": usage, "stories": headings, "notes": notes,
        "verification": verification,
    })


def require_sentences(briefing: Briefing, writer: Writer) -> Briefing:
    """No digest without a cited sentence: say which stage left none."""
    if briefing.sentences:
        return briefing
    check = briefing.verification
    stage = "verification" if check is not None and check.cut else \
        "citation and self-containment checks"
    raise CitationError(
        f"the {writer.name} writer produced no sentence that survived {stage} "
        f"({len(briefing.dropped)} dropped); no digest was written")


def story_heading(story: Story) -> str:
    outlets = len(story.outlets)
    return f"{story.headline} ({outlets} outlet{'s' if outlets != 1 else ''})"


def story_parts(stories: list[Story], passages: list[Passage]) -> list[Part]:
    """One named part per story (``Passage.story`` says which story a passage is for)."""
    return [Part(story_heading(story), [p for p in passages if p.story == index])
            for index, story in enumerate(stories)]


def write_sections(
    store: Store, writer: Writer, stories: list[Story], empty: Briefing, *, k: int,
    since: datetime, until: datetime, verify: VerifyOptions | None = None,
) -> Briefing:
    """``empty`` filled with one section per story (``digest daily``), ``k`` passages each.

    ``Briefing.stories`` holds the section headings; each sentence's ``story`` is its section.
    """
    passages = passages_for_stories(store, stories, [k] * len(stories), since=since, until=until)
    return write_parts(writer, story_parts(stories, passages), empty, topic=None, store=store,
                       verify=verify)
