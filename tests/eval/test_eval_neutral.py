"""Neutrality flags: each kind fires with its trigger words; reported speech and quotes don't."""

from __future__ import annotations

import pytest

from digest.evaluate.lexicon import RULES
from digest.evaluate.neutral import mask_quotes, neutrality_flags


def _kinds(claim: str, **kw) -> set[tuple[str, str]]:
    return {(f.kind, f.trigger) for f in neutrality_flags(claim, **kw)}


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        ("The deal will likely collapse.", {("opinion", "likely")}),
        ("The visit is designed to project unity.", {("opinion", "is designed to")}),
        ("Experts say the talks failed.", {("vague_attribution", "Experts say")}),
        (
            "It is widely believed that the talks failed.",
            {("vague_attribution", "It is widely believed")},
        ),
        ("The regime held a historic summit.", {("loaded", "regime"), ("loaded", "historic")}),
        ("The meeting underscores Beijing's growing clout.", {("editorializing", "underscores")}),
        (
            "The pact sends a clear message to Washington.",
            {("editorializing", "sends a clear message")},
        ),
        ("Putin arrived in Tianjin on Tuesday.", set()),
    ],
)
def test_each_kind_fires_with_its_trigger(claim: str, expected: set) -> None:
    assert _kinds(claim) == expected


def test_offsets_point_at_the_trigger() -> None:
    claim = "Trade rose, which clearly signals a shift."
    for flag in neutrality_flags(claim):
        assert claim[flag.start : flag.end] == flag.trigger


@pytest.mark.parametrize(
    "claim",
    [
        'The spokesman said the summit was "historic" and a "turning point".',
        "According to the Kremlin, the visit underscores a critical partnership.",
        "Analysis from NBC News suggests the visit serves as a strategic reassurance.",
        "A senior fellow told reporters the meeting was crucial.",
        '"This is a historic moment that underscores our friendship,"',
    ],
)
def test_reported_speech_and_quotes_are_exempt(claim: str) -> None:
    assert neutrality_flags(claim) == []


def test_inference_verb_without_a_named_source_is_flagged() -> None:
    assert ("opinion", "suggests") in _kinds("The timing suggests a deliberate choice.")


def test_vague_attribution_is_excused_by_a_citation_only() -> None:
    claim = "Some analysts argue the visit was planned for months."
    assert ("vague_attribution", "Some analysts argue") in _kinds(claim)
    assert _kinds(claim, cited=True) == set()


def test_mask_quotes_keeps_offsets() -> None:
    text = 'He said "very bad" today.'
    masked = mask_quotes(text)
    assert len(masked) == len(text) and "bad" not in masked and masked.endswith("today.")


def test_lexicon_rules_are_documented_kinds() -> None:
    assert {kind for kind, _, _ in RULES} == {
        "opinion",
        "vague_attribution",
        "loaded",
        "editorializing",
    }


def test_lexicon_flags_loaded_wording_the_word_list_misses() -> None:
    claim = "The visit was awful, disgusting and deeply troubling."
    flags = neutrality_flags(claim, cited=True)
    assert len(flags) == 1  # one flag for the tone of the sentence, on its strongest word
    assert flags[0].kind == "loaded" and flags[0].rule.startswith("lexicon: VADER")
    assert claim[flags[0].start : flags[0].end] == flags[0].trigger
    assert flags[0].trigger in {"awful", "disgusting", "troubling"}


@pytest.mark.parametrize(
    "claim",
    [
        "Five people were killed in the attack on Tuesday.",  # strongly negative, but factual
        "Critics said the visit was shameless, dangerous and deeply troubling.",  # attributed
        'The visit was "shameless, dangerous and deeply troubling", the minister said.',
        'Protesters held signs reading "a shameless, dangerous and troubling visit".',  # quoted
    ],
)
def test_lexicon_keeps_facts_and_reported_speech_neutral(claim: str) -> None:
    assert [f for f in neutrality_flags(claim, cited=True) if f.kind == "loaded"] == []
