"""Section composition: the editor's order, and the repair or removal of dangling sentences.

Synthetic sentences with hand-made vectors, so each rule is exercised exactly: which sentence
is central is decided by the vectors, not by a model.
"""

from __future__ import annotations

import numpy as np

from digest.write.compose import compose_section
from digest.write.standalone import full_names

LEAD = ("Russian President Vladimir Putin arrived in China on Wednesday for talks with Chinese "
        "President Xi Jinping, officials said.")
INTRO = ("Coordinated accounts posted the same claims within minutes, according to Priya Raman, "
         "an analyst at the Open Signals Lab.")
QUOTE = '"Some of these posts are not written for people at all," Ms. Raman said.'
ALSO = "Also, officials said further rounds of talks on the gas price were planned for summer."
DEFINITE = "The ministerial meeting comes as Russian President Vladimir Putin prepares to travel."
FACT_ONE = "Bilateral trade reached $245 billion last year, according to Chinese customs data."
FACT_MANY = "Russia and China signed a memorandum on the Power of Siberia 2 gas pipeline."


def _compose(texts: list[str], groups: list[str], vectors: np.ndarray, *, k: int = 8,
             differences=()) -> tuple[list[str], list]:
    """Compose with a picker that takes sentences in index order (the lead is index 0)."""
    def pick(chosen: list[int], banned: set[int]) -> list[int]:
        rest = [i for i in range(len(texts)) if i not in chosen and i not in banned]
        return (chosen + rest)[:k]

    kept, shown = compose_section(
        0, pick, texts=texts, vectors=vectors, groups=groups, stories=[0] * len(texts),
        opinions=[False] * len(texts), reading=[(i,) for i in range(len(texts))],
        articles=groups, surnames=full_names(texts), differences=differences)
    return [texts[i] for i in kept], shown


def _orthogonal(n: int) -> np.ndarray:
    return np.eye(n)


def test_an_orphan_quote_is_preceded_by_the_sentence_that_introduces_the_speaker() -> None:
    texts = [LEAD, QUOTE, FACT_ONE, INTRO]
    # The picker reaches the quote but not the introduction (k=3): the repair brings it in.
    shipped, _ = _compose(texts, ["a", "b", "c", "b"], _orthogonal(4), k=3)
    assert QUOTE in shipped and INTRO in shipped
    assert shipped.index(INTRO) < shipped.index(QUOTE)


def test_an_orphan_quote_without_an_introduction_is_left_out() -> None:
    shipped, _ = _compose([LEAD, QUOTE, FACT_ONE], ["a", "b", "c"], _orthogonal(3))
    assert QUOTE not in shipped and shipped == [LEAD, FACT_ONE]


def test_a_definite_reference_without_antecedent_is_left_out_and_the_pick_refilled() -> None:
    texts = [LEAD, DEFINITE, FACT_ONE, FACT_MANY]
    shipped, _ = _compose(texts, ["a", "b", "c", "d"], _orthogonal(4), k=3)
    assert DEFINITE not in shipped
    assert shipped == [LEAD, FACT_ONE, FACT_MANY]  # the refill took the next sentence


def test_a_leading_also_is_never_shipped() -> None:
    shipped, _ = _compose([LEAD, ALSO, FACT_ONE], ["a", "b", "c"], _orthogonal(3))
    assert ALSO not in shipped


def test_order_is_lead_then_corroborated_facts_then_reactions() -> None:
    texts = [LEAD, INTRO, QUOTE, FACT_ONE, FACT_MANY, FACT_MANY.replace("signed", "agreed")]
    vectors = _orthogonal(6)
    vectors[5] = vectors[4]  # another outlet reports FACT_MANY: two sources corroborate it
    shipped, _ = _compose(texts, ["a", "b", "b", "c", "d", "e"], vectors)
    assert shipped[0] == LEAD
    assert shipped.index(FACT_MANY) < shipped.index(FACT_ONE)  # corroborated first
    assert shipped[-1] == QUOTE  # the reaction after the facts, its introduction before it


def test_differences_are_shown_only_when_both_sides_stand() -> None:
    texts = [LEAD, FACT_ONE, "Mr. Lazarev put the figure at $240 billion for the same year.",
             "Bilateral trade reached $240 billion last year, according to Russian figures."]
    groups = ["a", "b", "c", "d"]
    _, shown = _compose(texts, groups, _orthogonal(4), k=2,
                        differences=[("figures", 1, 2), ("figures", 1, 3)])
    assert shown == [("figures", 1, 3)]  # "Mr. Lazarev" is never introduced
