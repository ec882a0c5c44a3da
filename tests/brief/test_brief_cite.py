"""Citation numbering: [n] indexes articles by first citation; bad drafts dropped with reasons."""

from __future__ import annotations

from datetime import UTC, datetime

from digest.briefing import DraftSentence, Passage
from digest.models import Chunk, StoredArticle
from digest.write.cite import number_citations


def _passage(pid: str, article: str, position: int = 0) -> Passage:
    text = f"text of {article} chunk {position}"
    return Passage(
        id=pid,
        chunk=Chunk(id=f"{article}:{position}", article_id=article, text=text,
                    start=position * 100, end=position * 100 + len(text), position=position),
        article=StoredArticle(id=article, outlet=f"Outlet {article}", title=f"Title {article}",
                              published=datetime(2026, 5, 20, tzinfo=UTC), content_hash="h",
                              chunks=2),
    )


PASSAGES = [_passage("P1", "a"), _passage("P2", "b"), _passage("P3", "a", 1), _passage("P4", "c")]


def test_numbers_follow_first_citation_not_passage_order() -> None:
    drafts = [
        DraftSentence(text="One.", passage_ids=["P4"]),
        DraftSentence(text="Two.", passage_ids=["P2", "P4"]),
        DraftSentence(text="Three.", passage_ids=["P1"]),
    ]
    cited, sources, dropped = number_citations(drafts, PASSAGES)
    assert [s.numbers for s in cited] == [[1], [1, 2], [3]]
    assert [(s.n, s.article.id) for s in sources] == [(1, "c"), (2, "b"), (3, "a")]
    assert dropped == []


def test_two_chunks_of_one_article_share_its_number_and_keep_their_offsets() -> None:
    cited, sources, _ = number_citations(
        [DraftSentence(text="Both.", passage_ids=["P1", "P3"])], PASSAGES
    )
    assert [c.n for c in cited[0].citations] == [1, 1]
    assert [(c.chunk_id, c.start) for c in cited[0].citations] == [("a:0", 0), ("a:1", 100)]
    assert cited[0].numbers == [1]
    assert len(sources) == 1


def test_uncited_unknown_and_empty_sentences_are_dropped_with_reasons() -> None:
    drafts = [
        DraftSentence(text="No citation.", passage_ids=[]),
        DraftSentence(text="Made-up id.", passage_ids=["P1", "P99"]),
        DraftSentence(text="  ", passage_ids=["P1"]),
        DraftSentence(text="Fine.", passage_ids=["P2"]),
    ]
    cited, sources, dropped = number_citations(drafts, PASSAGES)
    assert [s.text for s in cited] == ["Fine."]
    assert [s.n for s in sources] == [1] and sources[0].article.id == "b"  # P1 never numbered
    reasons = {d.text.strip(): d.reason for d in dropped}
    assert reasons["No citation."] == "cites no passage"
    assert "P99" in reasons["Made-up id."]
    assert reasons[""] == "empty sentence"


def test_a_bad_clause_drops_its_whole_group() -> None:
    drafts = [
        DraftSentence(text="Some say X", passage_ids=["P1"], section="differences", group=0),
        DraftSentence(text="others say Y", passage_ids=["P7"], section="differences", group=0),
        DraftSentence(text="Body.", passage_ids=["P2"]),
    ]
    cited, _, dropped = number_citations(drafts, PASSAGES)
    assert [s.text for s in cited] == ["Body."]
    assert {d.text for d in dropped} == {"Some say X", "others say Y"}


def test_numbering_is_deterministic() -> None:
    drafts = [DraftSentence(text=f"S{i}.", passage_ids=[f"P{1 + i % 4}"]) for i in range(8)]
    assert number_citations(drafts, PASSAGES) == number_citations(list(drafts), list(PASSAGES))
