"""Reading anyone's digest: markers, ranges, Sources lists, headings, list items, pull-quotes."""

from __future__ import annotations

import pytest

from digest.errors import CitationError
from digest.evaluate.parse import expand_marker, markers_in, parse_digest, parse_digest_text

DIGEST = """# Putin in China

Putin arrived in Tianjin on Wednesday [1]. Trade reached $245 billion [2-4].
He met Xi [1, 3]; see [the wire](https://example.com/x) for more [5–6].

## Key points

- Energy talks stalled [2].
- The U.S. was not invited [7]

"Power politics now goes through Beijing,"

> A blockquote line [3].

## Sources

1. [Arrival](https://harbor.example.com/a?utm_source=x) — Harbor Wire
[2] Trade story, https://ledger.example.com/trade 0123456789abcdef
3) Summit report
"""


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("1", [1]),
        ("3, 4", [3, 4]),
        ("1-3", [1, 2, 3]),
        ("1–3", [1, 2, 3]),
        ("2; 5", [2, 5]),
        ("1, 3-5, 3", [1, 3, 4, 5]),
        ("1-9999", [1, 9999]),
    ],
)
def test_expand_marker(body: str, expected: list[int]) -> None:
    assert expand_marker(body) == expected


def test_markdown_links_and_plain_brackets_are_not_markers() -> None:
    assert markers_in("see [1](https://x) and [note] and [a-b] but [4]") == [4]


def test_parse_sentences_kinds_and_citations() -> None:
    parsed = parse_digest_text(DIGEST)
    by_claim = {s.claim: s for s in parsed.sentences}
    assert by_claim["Putin in China"].kind == "heading"
    assert by_claim["Putin arrived in Tianjin on Wednesday."].citations == [1]
    assert by_claim["Trade reached $245 billion."].citations == [2, 3, 4]
    assert by_claim["He met Xi; see the wire for more."].citations == [1, 3, 5, 6]
    energy = by_claim["Energy talks stalled."]
    assert energy.kind == "list" and energy.citations == [2]
    assert by_claim["The U.S. was not invited"].citations == [7]
    quote = by_claim['"Power politics now goes through Beijing,"']
    assert quote.kind == "quote" and quote.citations == []
    assert by_claim["A blockquote line."].kind == "quote"
    # the Sources list is not evaluated as sentences
    assert not any("Harbor Wire" in s.text for s in parsed.sentences)
    # offsets point into the file
    first = by_claim["Putin arrived in Tianjin on Wednesday."]
    assert DIGEST[first.start : first.end] == first.text


def test_parse_sources_list() -> None:
    parsed = parse_digest_text(DIGEST)
    assert parsed.has_sources_list and parsed.source_numbers == {1, 2, 3}
    refs = {r.n: r for r in parsed.sources}
    assert refs[1].url == "https://harbor.example.com/a?utm_source=x"
    assert refs[1].label.startswith("Arrival")
    assert refs[2].url == "https://ledger.example.com/trade"
    assert refs[2].article_id == "0123456789abcdef"
    assert refs[3].label == "Summit report" and refs[3].url is None


def test_marker_split_off_by_the_splitter_stays_with_its_sentence() -> None:
    parsed = parse_digest_text("Putin arrived on Wednesday. [1]\n\nXi hosted him. [2, 3]\n")
    assert [(s.claim, s.citations) for s in parsed.sentences] == [
        ("Putin arrived on Wednesday.", [1]),
        ("Xi hosted him.", [2, 3]),
    ]


def test_digest_without_sources_list_has_no_declared_range() -> None:
    parsed = parse_digest_text("Putin arrived [1].\n")
    assert parsed.source_numbers is None


def test_empty_digest_is_an_error(tmp_path) -> None:
    path = tmp_path / "empty.md"
    path.write_text("# Only a heading\n", encoding="utf-8")
    with pytest.raises(CitationError, match="no sentences"):
        parse_digest(path)


def test_split_clauses_at_markers() -> None:
    from digest.evaluate.parse import split_clauses

    seed = (
        "While some reports place the summit celebrations in Beijing [4], other accounts "
        "emphasize the arrival at a northern port [1]."
    )
    assert [(c.claim, c.citations) for c in split_clauses(seed)] == [
        ("While some reports place the summit celebrations in Beijing", [4]),
        ("other accounts emphasize the arrival at a northern port", [1]),
    ]
    # one marker group, or adjacent markers: no clauses
    assert split_clauses("Putin arrived on May 20 [1] for a summit.") == []
    assert split_clauses("He met Xi [1][2].") == []
    # text after the last marker is a clause of its own, without citations
    assert [c.citations for c in split_clauses("A did it [1]; B did it [2, 3]; C agreed.")] == [
        [1],
        [2, 3],
        [],
    ]


def test_unnumbered_sources_list_is_numbered_in_order() -> None:
    parsed = parse_digest_text(
        "Putin arrived [2].\n\nSources:\n- Harbor Wire: https://a.example/x\n"
        "- [Meridian](https://b.example/y)\n"
    )
    assert [(r.n, r.url) for r in parsed.sources] == [
        (1, "https://a.example/x"),
        (2, "https://b.example/y"),
    ]
    assert parsed.sources[1].label == "Meridian"
