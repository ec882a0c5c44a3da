"""A flagged sentence carries its reason in words: the evidence span and what differs."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from digest.judges.base import Judgement
from digest.judges.embedded import EmbeddedJudge
from digest.judges.explain import differences, explain, reason_for
from digest.judges.verbatim import VerbatimFirst

SPAN = (
    "Russian President Vladimir Putin arrived in the northern Chinese port city of Tianjin on "
    "Tuesday, May 19, to a red-carpet reception. Trade reached $245 billion in 2025."
)
ROUTE = "The delegation flew from Moscow to Beijing on a chartered plane."


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        ("Putin arrived in Beijing on Tuesday, May 19.", "the name Beijing"),
        ("Putin arrived in Tianjin on Tuesday, June 19.", "the month June; the passage says May"),
        ("Putin arrived in Tianjin on Friday.", "the weekday Friday; the passage says Tuesday"),
        ("Trade reached $345 billion in 2025.", "the number 345; the passage says 245"),
        ("Trade reached $245 billion in 2024.", "the year 2024; the passage says 2025"),
        ("Putin did not arrive in Tianjin.", "a negation: only the sentence says no/not"),
    ],
)
def test_what_differs_is_named(claim: str, expected: str) -> None:
    assert any(d.startswith(expected) for d in differences(claim, SPAN)), differences(claim, SPAN)


def test_the_same_names_in_other_roles_are_named_as_roles() -> None:
    found = differences("The delegation flew from Beijing to Moscow.", ROUTE)
    assert found == ["the roles: the passage has Moscow before Beijing"]
    assert differences("The delegation flew from Moscow to Beijing.", ROUTE) == []


def test_a_swapped_name_is_contrasted_with_the_name_the_passage_gives() -> None:
    (found,) = differences("Putin arrived in Beijing.", SPAN)
    assert "Tianjin" in found and "Putin" not in found


def test_the_reason_quotes_the_closest_sentence_of_the_span() -> None:
    reason = explain("Trade reached $345 billion in 2025.", SPAN)
    assert reason.endswith("Closest evidence: “Trade reached $245 billion in 2025.”")
    plain = explain("The weather was sunny all week.", SPAN)
    assert plain.startswith("the cited passage does not state this. Closest evidence: “")
    assert explain("Anything.", "  ").startswith("no cited passage supports it")


def test_reason_for_uses_the_judgement_span_or_finds_one() -> None:
    at = SPAN.index("Trade")
    judged = Judgement(0.1, source=1, start=at, end=at + len("Trade reached $245 billion in 2025."))
    got = reason_for("Trade reached $345 billion in 2025 [2].", ["other text here.", SPAN], judged)
    assert "the number 345" in got and "“Trade reached $245 billion in 2025.”" in got
    unlocated = reason_for("Trade reached $345 billion in 2025.", [SPAN], Judgement(0.1))
    assert "the number 345" in unlocated


def test_the_wrapper_explains_unsupported_judgements_only_and_the_reason_serialises() -> None:
    judge = VerbatimFirst(EmbeddedJudge(None))
    bad = judge.judge("Trade reached $345 billion in 2019, officials in Oslo said.", [SPAN])
    assert bad.probability < judge.threshold and bad.reason and "345" in bad.reason
    good = judge.judge("Putin arrived in Tianjin to a red-carpet reception.", [SPAN])
    assert good.probability >= judge.threshold and good.reason is None
    assert judge.judge(SPAN.split(". ")[1] + ".", [SPAN]).reason is None  # verbatim
    (batched,) = judge.judge_many([("Trade reached $345 billion in 2019.", [SPAN])])
    assert batched.reason and "345" in batched.reason
    assert json.loads(json.dumps(asdict(bad)))["reason"] == bad.reason
