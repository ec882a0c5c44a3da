"""The sentence splitter on news prose: every expected sentence, with exact offsets."""

from __future__ import annotations

import pytest

from digest.sentences import split_sentences

CASES = [
    pytest.param(
        'Mr. Putin met U.S. officials on Monday. Trade rose 3.2 percent to $4.5 billion.',
        ["Mr. Putin met U.S. officials on Monday.", "Trade rose 3.2 percent to $4.5 billion."],
        id="abbreviations-and-decimals",
    ),
    pytest.param(
        '"We are ready," he said. "Are you?" she asked. He said: "It is over." Then he left.',
        ['"We are ready," he said.', '"Are you?" she asked.', 'He said: "It is over."',
         "Then he left."],
        id="straight-quotes",
    ),
    pytest.param(
        "\u201cWe are ready,\u201d said Ms. Wang. \u2018That is all,\u2019 he said. Then he left.",
        ["\u201cWe are ready,\u201d said Ms. Wang.", "\u2018That is all,\u2019 he said.",
         "Then he left."],
        id="curly-quotes",
    ),
    pytest.param(
        "He arrived at 9 a.m. on Tuesday. Gen. Ivanov followed. St. Petersburg was quiet.",
        ["He arrived at 9 a.m. on Tuesday.", "Gen. Ivanov followed.", "St. Petersburg was quiet."],
        id="titles-and-times",
    ),
    pytest.param(
        "# Summit opens\n\nThe talks began. They ended.\n\n## Reaction\nMarkets rose.",
        ["# Summit opens", "The talks began.", "They ended.", "## Reaction", "Markets rose."],
        id="headings",
    ),
    pytest.param(
        "Key points:\n- First item without a full stop\n- Second item.\n"
        "1. Numbered one\n2) Numbered two",
        ["Key points:", "- First item without a full stop", "- Second item.", "1. Numbered one",
         "2) Numbered two"],
        id="list-items",
    ),
    pytest.param(
        "Officials spoke.\n\u201cA pull-quote on its own line\u201d\n"
        "The report resumes here. And ends.",
        ["Officials spoke.", "\u201cA pull-quote on its own line\u201d", "The report resumes here.",
         "And ends."],
        id="pull-quote-own-line",
    ),
    pytest.param(
        "Intro.\n\n> \"Blockquoted pull-quote\"\n\nAfter the quote, text resumes.",
        ["Intro.", '> "Blockquoted pull-quote"', "After the quote, text resumes."],
        id="blockquote",
    ),
    pytest.param(
        "Dockworkers at the port of Velmar extended their strike into a second\nweek on Monday,"
        " after talks broke down. Union leader Mr. Brisk said members had\nrejected an offer.",
        ["Dockworkers at the port of Velmar extended their strike into a second\nweek on Monday,"
         " after talks broke down.", "Union leader Mr. Brisk said members had\nrejected an offer."],
        id="hard-wrapped-paragraph",
    ),
    pytest.param(
        "Ends without punctuation", ["Ends without punctuation"], id="no-terminal-punctuation",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_sentences_and_exact_offsets(text: str, expected: list[str]) -> None:
    spans = split_sentences(text)
    assert [s.text for s in spans] == expected
    for span in spans:
        assert text[span.start : span.end] == span.text


def test_offsets_are_absolute_in_a_longer_text() -> None:
    text = "  First one.  Second one?\n\n  Third one!  "
    spans = split_sentences(text)
    assert [(s.start, s.end) for s in spans] == [(2, 12), (14, 25), (29, 39)]


def test_empty_and_whitespace_only_text_have_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n\t ") == []
