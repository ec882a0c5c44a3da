"""Verbatim first: a copied sentence is supported with its exact span and no model call; a
sentence with one word changed, a dropped condition or a swapped speaker goes to the model."""

from __future__ import annotations

import pytest

from digest.judges.base import Judgement
from digest.judges.embedded import EmbeddedJudge
from digest.judges.verbatim import VerbatimFirst, normalise, strip_markers, verbatim_match

PASSAGE = (
    "Harbor Wire Service: Xi and Putin pledge deeper ties.\n"
    "BEIJING (Harbor Wire) \u2014 Chinese President Xi Jinping and Russian President Vladimir "
    "Putin pledged on Wednesday to deepen cooperation in trade, energy and security.\n\n"
    "Mr. Putin arrived in Beijing on Wednesday for the main part of the visit, according to "
    "the Kremlin. Bilateral trade reached $245 billion last year, according to Chinese customs "
    "data. The plant will close in June, unless a buyer is found.\n\n"
    "\u201cThe statement is carefully balanced,\u201d said Lena Haro, a senior fellow in Vienna. "
    "\u201cWe will not sign anything under pressure,\u201d Kremlin spokesman Arkady Polin said. "
    "\u201cTalks will continue next month in Moscow,\u201d Foreign Minister Wang Li said. "
    "It is false that the deal was signed on Tuesday. The Kremlin confirmed on Monday that "
    "Putin will travel to China this week."
)
OTHER = "Stocks in Tokyo fell 2 percent on Friday. The yen rose against the dollar."
LEAD = (
    "Chinese President Xi Jinping and Russian President Vladimir Putin pledged on Wednesday to "
    "deepen cooperation in trade, energy and security."
)


class Counting:
    """A real judge that records what it was asked, to prove the model was (not) called."""

    def __init__(self) -> None:
        self.inner = EmbeddedJudge(None)
        self.name, self.threshold = "embedded", self.inner.threshold
        self.asked: list[str] = []

    def judge(self, claim: str, sources: list[str]) -> Judgement:
        self.asked.append(claim)
        return self.inner.judge(claim, sources)


class CountingMany(Counting):
    def __init__(self) -> None:
        super().__init__()
        self.batches: list[int] = []

    def judge_many(self, items: list[tuple[str, list[str]]]) -> list[Judgement]:
        self.batches.append(len(items))
        return [self.judge(c, s) for c, s in items]


def span(claim: str, sources: list[str]) -> str | None:
    found = verbatim_match(claim, sources)
    if found is None:
        return None
    assert found.probability == 1.0
    return sources[found.source][found.start : found.end]


def test_a_verbatim_sentence_is_supported_with_its_exact_span_and_no_model_call() -> None:
    inner = Counting()
    judge = VerbatimFirst(inner)
    got = judge.judge(f"{LEAD} [2]", [OTHER, PASSAGE])
    assert got.probability == 1.0 and got.source == 1
    assert PASSAGE[got.start : got.end] == LEAD  # original offsets, curly dash and all
    assert inner.asked == []
    assert judge.name == "embedded" and judge.threshold == inner.threshold


@pytest.mark.parametrize(
    "changed",
    [
        LEAD.replace("Wednesday", "Thursday"),  # a date
        "Bilateral trade reached $345 billion last year, according to Chinese customs data.",
        "Bilateral trade reached $24 billion last year.",  # a number cut short
        LEAD.replace("Putin pledged", "Putin did not pledge"),  # a negation
        LEAD.replace("Vladimir Putin", "Vladimir Lavrov"),  # a name
        "The plant will close in June.",  # the condition dropped
        "The deal was signed on Tuesday.",  # "It is false that …"
        "trade reached $245 billion last",  # not a whole clause
        "The Kremlin confirmed on Tuesday that Putin will travel to China this week.",  # frame
    ],
)
def test_a_changed_sentence_is_not_verbatim_and_goes_to_the_model(changed: str) -> None:
    assert verbatim_match(changed, [PASSAGE]) is None
    inner = Counting()
    VerbatimFirst(inner).judge(changed, [PASSAGE])
    assert inner.asked == [changed]


def test_curly_and_straight_quotes_dashes_and_spacing_match() -> None:
    straight = '"The statement is carefully balanced," said Lena Haro, a senior fellow in Vienna.'
    assert span(straight, [PASSAGE]) == (
        "\u201cThe statement is carefully balanced,\u201d said Lena Haro, a senior fellow in "
        "Vienna."
    )
    spaced = "BEIJING (Harbor Wire) -  Chinese President Xi Jinping and Russian President"
    assert span(spaced + " Vladimir Putin pledged on Wednesday.", [PASSAGE]) is None  # cut short
    assert span(LEAD.replace(" ", "  ").replace("energy and", "energy\nand"), [PASSAGE]) == LEAD


def test_a_clause_after_a_neutral_attribution_or_before_one_stands_alone() -> None:
    assert span("Bilateral trade reached $245 billion last year.", [PASSAGE]) == (
        "Bilateral trade reached $245 billion last year"
    )
    got = span(
        "According to the Kremlin, Mr. Putin arrived in Beijing on Wednesday for the "
        "main part of the visit.",
        [PASSAGE],
    )
    assert got == "Mr. Putin arrived in Beijing on Wednesday for the main part of the visit"


def test_a_framed_quote_is_verbatim_when_the_speaker_stands_next_to_it() -> None:
    framed = (
        "Kremlin spokesman Arkady Polin said: \u201cWe will not sign anything under pressure.\u201d"
    )
    assert span(framed, [PASSAGE]) == "We will not sign anything under pressure"
    # the outlet named in the first line may frame what its article says
    assert span('Harbor Wire reported "Talks will continue next month in Moscow"', [PASSAGE])


def test_only_a_provenance_line_lends_its_outlet_to_a_frame() -> None:
    claim = 'Harbor Wire said "Talks will continue next month in Moscow"'
    assert span(claim, [PASSAGE])
    body = PASSAGE.split("\n", 1)[1]  # no provenance line: the first paragraph names no outlet
    assert verbatim_match(claim, [body]) is None
    assert verbatim_match('Kremlin said "Talks will continue next month in Moscow"', [body]) is None


def test_a_quote_given_to_the_wrong_speaker_or_framed_with_a_negation_is_not_verbatim() -> None:
    swapped = 'Wang Li said "We will not sign anything under pressure."'
    assert verbatim_match(swapped, [PASSAGE]) is None  # Wang Li speaks in the next sentence
    assert (
        verbatim_match('Polin denied "Talks will continue next month in Moscow"', [PASSAGE]) is None
    )
    long = (
        "After a three-hour delay caused by a storm over the port in Tianjin, Polin said "
        '"We will not sign anything under pressure"'
    )
    assert verbatim_match(long, [PASSAGE]) is None  # a frame that long states facts


def test_judge_many_batches_only_what_is_not_verbatim_and_keeps_order() -> None:
    inner = CountingMany()
    items = [
        (LEAD, [PASSAGE]),
        (LEAD.replace("Wednesday", "Monday"), [PASSAGE]),
        ("Bilateral trade reached $245 billion last year [1].", [PASSAGE]),
        ("The yen fell against the dollar.", [OTHER]),
    ]
    got = VerbatimFirst(inner, role_check=False).judge_many(items)  # only the batching here
    assert [g.probability == 1.0 for g in got] == [True, False, True, False]
    assert inner.batches == [2] and inner.asked == [items[1][0], items[3][0]]
    assert got[1] == inner.inner.judge(*items[1])


def test_an_inner_judge_without_judge_many_is_asked_one_by_one() -> None:
    inner = Counting()
    got = VerbatimFirst(inner).judge_many([(LEAD, [PASSAGE]), ("The yen fell.", [OTHER])])
    assert got[0].probability == 1.0 and inner.asked == ["The yen fell."]


def test_normalised_offsets_point_into_the_original_text() -> None:
    text = "A \u201cquoted\u201d\n\n word \u2014 and\u2026 more"
    n = normalise(text)
    assert n.text == 'A "quoted" word - and... more'
    for i, ch in enumerate(n.text):
        original = text[n.offsets[i]]
        assert ch == original or ch in ' "-.' and not original.isalnum()
    assert strip_markers("He spoke [2] and left [1, 3-4].") == "He spoke and left."


def test_empty_or_markers_only_claims_go_to_the_model() -> None:
    assert verbatim_match("", [PASSAGE]) is None
    assert verbatim_match("[1]", [PASSAGE]) is None
    assert verbatim_match(LEAD, []) is None


def test_the_wrapper_is_transparent_for_reading_and_setting_attributes() -> None:
    inner = Counting()
    judge = VerbatimFirst(inner)
    judge.threshold, judge.name = 0.7, "renamed"
    judge.extra = "set on the wrapped judge"  # type: ignore[attr-defined]
    assert (inner.threshold, inner.name, inner.extra) == (0.7, "renamed", judge.extra)  # type: ignore[attr-defined]
    assert judge.asked is inner.asked


def test_close_frees_the_wrapped_judge_when_it_holds_something() -> None:
    VerbatimFirst(Counting()).close()  # nothing to free: no error

    class Holding(Counting):
        closed = False

        def close(self) -> None:
            self.closed = True

    inner = Holding()
    VerbatimFirst(inner).close()
    assert inner.closed
