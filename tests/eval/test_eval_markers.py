"""Sentence splitting around citation markers in other people's digests (issue 8).

The shapes come from the seed digests (seeds/digests/): markers before the stop (``Ukraine [3,
4].``), after a quotation (``Beijing" [3].``, ``'dear friend'" [5].``), and the shapes other
writers use: after the stop and a closing quote (``friend." [2] Officials``), stacked
(``[1][2]``), and inside a quotation (``"no [5]."``).
"""

from __future__ import annotations

import pytest

from digest.evaluate.parse import parse_digest_text


def _claims(text: str) -> list[tuple[str, list[int]]]:
    return [(s.claim, s.citations) for s in parse_digest_text(text).sentences]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # the sample-corpus bug: a citation after a closing quote merged two sentences
            'Putin called Xi his "dear friend." [2] Officials in Moscow praised the talks. [3]',
            [('Putin called Xi his "dear friend."', [2]),
             ("Officials in Moscow praised the talks.", [3])],
        ),
        (  # curly quotes, no space
            "Putin called Xi his \u201cdear friend.\u201d[2] Officials praised the talks.",
            [("Putin called Xi his \u201cdear friend.\u201d", [2]),
             ("Officials praised the talks.", [])],
        ),
        (  # pysbd puts the quote and marker at the start of the next sentence
            'The talks are over." [1, 2] Trade followed.',
            [('The talks are over."', [1, 2]), ("Trade followed.", [])],
        ),
        (
            "The talks are over. [1][2] Trade followed. [3]",
            [("The talks are over.", [1, 2]), ("Trade followed.", [3])],
        ),
        (  # a marker inside the quotation belongs to the quoted sentence
            'He said: "We will win. [1]" Trade followed.',
            [('He said: "We will win."', [1]), ("Trade followed.", [])],
        ),
        (
            'Others said "no [5]." Then it ended [1, 2].',
            [('Others said "no."', [5]), ("Then it ended.", [1, 2])],
        ),
        (  # seed 000's shapes
            "The meetings center on the war in Ukraine [3, 4]. Putin's arrival coincides with "
            "the anniversary [4].",
            [("The meetings center on the war in Ukraine.", [3, 4]),
             ("Putin's arrival coincides with the anniversary.", [4])],
        ),
        (
            'One expert said that "politics now must go through Beijing" [3]. The summit '
            "provides a platform.",
            [('One expert said that "politics now must go through Beijing".', [3]),
             ("The summit provides a platform.", [])],
        ),
        (  # an abbreviation and a decimal are not boundaries
            "Trade rose 3.5 percent in the U.S. economy [1]. Mr. Smith agreed.",
            [("Trade rose 3.5 percent in the U.S. economy.", [1]), ("Mr. Smith agreed.", [])],
        ),
    ],
)
def test_markers_close_the_sentence_they_follow(
    text: str, expected: list[tuple[str, list[int]]]
) -> None:
    assert _claims(text) == expected


def test_marker_at_the_start_of_a_paragraph_stays_there() -> None:
    parsed = _claims("The talks ended.\n\n[2] A new paragraph starts here.")
    assert parsed == [("The talks ended.", []), ("A new paragraph starts here.", [2])]


def test_seed_digest_nbc_quote_is_one_cited_sentence() -> None:
    text = (
        "The report said, \"If last week's state visit was about managing ties, welcoming the "
        "Russian leader is about reassuring a partner who calls Xi Jinping a 'dear friend'\" [5]."
        " While some reports place the summit in Beijing [4], others emphasize a port [1]."
    )
    claims = _claims(text)
    assert [c for _, c in claims] == [[5], [4, 1]]
    assert claims[0][0].endswith("'dear friend'\".")
