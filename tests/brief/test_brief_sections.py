"""``digest brief`` without a topic has story sections, as ``daily`` has; on the sample corpus
no brief sentence needs context it lacks or states one side of a disputed fact (issue 21)."""

from __future__ import annotations

import pytest
from brief_helpers import NOW

from digest.briefing import Briefing
from digest.render.markdown import render_markdown
from digest.store import Store
from digest.write.brief import MOST_COVERED, build_briefing
from digest.write.contested import find_contested
from digest.write.extractive import ExtractiveWriter
from digest.write.standalone import dangling_in_digest, full_names


@pytest.fixture(scope="module")
def most_covered(module_store: Store) -> Briefing:
    return build_briefing(module_store, topic=None, k=12,
                          writer=ExtractiveWriter(module_store.embedder), now=NOW)


def test_a_brief_without_a_topic_has_one_section_per_story(most_covered: Briefing) -> None:
    assert most_covered.title == MOST_COVERED
    assert len(most_covered.stories) >= 2
    assert {s.story for s in most_covered.sentences} == set(range(len(most_covered.stories)))
    for story in range(len(most_covered.stories)):  # each section opens with its own lead
        own = [s for s in most_covered.sentences if s.story == story]
        assert own[0].section == "summary"
    headings = [line for line in render_markdown(most_covered).splitlines()
                if line.startswith("## ") and line[3].isdigit()]
    assert headings == [f"## {i}. {h}" for i, h in enumerate(most_covered.stories, start=1)]


@pytest.mark.parametrize("which", ["topic", "no topic"])
def test_sample_briefs_stand_on_their_own_and_settle_nothing_disputed(
    which: str, briefing: Briefing, most_covered: Briefing, module_store: Store
) -> None:
    digest = briefing if which == "topic" else most_covered
    surnames = full_names(p.chunk.text for p in digest.passages)
    for story in sorted({s.story for s in digest.sentences}):
        own = [s for s in digest.sentences if s.story == story]
        flagged = [(t, r) for t, r in dangling_in_digest([s.text for s in own],
                                                          surnames=surnames) if r]
        assert not flagged, flagged
        passages = [p for p in digest.passages if p.story == story]
        contested = find_contested(passages, module_store.embedder, module_store.article_text)
        sides = [s.text for s in own
                 if s.section != "differences" and contested.side_taken(s.text)]
        assert not sides, sides
