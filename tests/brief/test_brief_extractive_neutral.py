"""The extractive writer chooses neutrally (issue 25): a loaded sentence loses to a plain one
with the same facts, attributed reported speech is kept, and outlets that word one fact
differently are shown under "Where sources differ" instead of one framing being adopted."""

from __future__ import annotations

import numpy as np
import pytest

from digest.briefing import DraftSentence, Passage
from digest.evaluate.neutral import loaded_terms
from digest.models import Chunk, StoredArticle
from digest.write.extractive import neutral_choice, write_extractive

LOADED = ("Embattled Ohio Governor Mike DeWine signed a sweeping $86 billion state budget "
          "into law on Tuesday in Columbus.")
PLAIN = ("Ohio Governor Mike DeWine signed an $86 billion state budget into law on Tuesday "
         "in Columbus.")
REPORTED = ("Opposition leader Maria Lopez said the budget was a shameless giveaway to wealthy "
            "donors and large corporations.")
OWN_VOICE = ("Ohio Governor Mike DeWine's radical school voucher plan will now be paid for from "
             "the general fund of the state.")
ARTICLES = {
    "Harbor Wire": [LOADED, "Ohio lawmakers passed the state budget last week after months of "
                            "negotiations between the House and the Senate."],
    "Northern Ledger": [PLAIN, REPORTED],
    "Lakeside Post": ["Ohio's new two-year state budget includes income tax cuts and more money "
                      "for public schools across the state.", OWN_VOICE],
}


def _passages() -> list[Passage]:
    passages = []
    for n, (outlet, sentences) in enumerate(ARTICLES.items(), start=1):
        text = " ".join(sentences)
        article = StoredArticle(id=f"a{n}", outlet=outlet, title=f"Budget {n}",
                                content_hash=f"h{n}", chunks=1)
        chunk = Chunk(id=f"a{n}:0", article_id=article.id, text=text, start=0, end=len(text),
                      position=0)
        passages.append(Passage(id=f"P{n}", chunk=chunk, article=article))
    return passages


@pytest.fixture(scope="module")
def drafts(embedder) -> list[DraftSentence]:
    return write_extractive(_passages(), embedder=embedder, topic="Ohio state budget").drafts


def _narrative(drafts: list[DraftSentence]) -> list[str]:
    return [d.text for d in drafts if d.section != "differences"]


def test_a_loaded_sentence_loses_to_a_plain_one_with_the_same_facts(drafts) -> None:
    assert all(LOADED not in text for text in _narrative(drafts))
    shipped = " ".join(d.text for d in drafts)
    assert PLAIN.rstrip(".") in shipped  # the fact is stated, in the plain outlet's words
    assert all(loaded_terms(text) == [] for text in _narrative(drafts))


def test_attributed_reported_speech_is_kept(drafts) -> None:
    assert REPORTED in _narrative(drafts)  # nobody else reports it plainly: kept as written


def test_a_framing_of_its_own_is_shipped_as_its_outlets_words(drafts) -> None:
    assert f"Lakeside Post reports: “{OWN_VOICE.rstrip('.')}”." in _narrative(drafts)
    assert OWN_VOICE not in _narrative(drafts)


def test_a_framing_difference_reaches_where_sources_differ(drafts) -> None:
    clauses = [d for d in drafts if d.section == "differences"]
    wording = [d for d in clauses if d.text.startswith("On the wording, some reports say “")]
    assert len(wording) == 1
    pair = [d for d in clauses if d.group == wording[0].group]
    quoted = " ".join(d.text for d in pair)
    assert LOADED.rstrip(".") in quoted and PLAIN.rstrip(".") in quoted
    assert {tuple(d.passage_ids) for d in pair} == {("P1",), ("P2",)}  # each side its own source


def test_neutral_choice_prefers_a_plain_twin_to_reported_loaded_words(embedder) -> None:
    texts = [REPORTED, "Opposition leader Maria Lopez said the budget was a giveaway to wealthy "
                       "donors and large corporations.", OWN_VOICE]
    vectors = np.asarray(embedder.embed(texts))
    penalty, avoid, reframe = neutral_choice(texts, ["a", "b", "c"], vectors)
    assert avoid == {0}  # the same report in plain words exists at another outlet
    assert reframe == {2}  # loaded in its own voice, no plain twin: attributed to its outlet
    assert penalty[0] > 0 and penalty[1] == 0 and penalty[2] > 0
