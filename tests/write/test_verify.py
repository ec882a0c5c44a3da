"""The verify stage with the offline judge on real passages of the sample corpus: recall,
precision (unneeded citations dropped), cut vs flag, joined clauses, and numbering afterwards."""

from __future__ import annotations

import pytest

from digest.app import build_judge
from digest.briefing import DraftSentence, Passage
from digest.config import Settings
from digest.errors import UnderSupportedError
from digest.store import Store
from digest.write.cite import number_citations
from digest.write.verify import (
    VerifyOptions,
    explain,
    require_supported,
    resolve_action,
    verify_drafts,
)

INVENTED = "The two leaders agreed to build a joint research station on the far side of the Moon."


@pytest.fixture
def passages(corpus_store: Store) -> list[Passage]:
    chosen = []
    for article in sorted(corpus_store.articles(), key=lambda a: a.source)[:4]:
        chosen.append((corpus_store.chunks_of(article.id)[0], article))
    return [Passage(id=f"P{i}", chunk=c, article=a) for i, (c, a) in enumerate(chosen, start=1)]


@pytest.fixture(scope="module")
def judge():  # type: ignore[no-untyped-def]
    return build_judge(Settings(), "embedded")


def first_sentence(passage: Passage) -> str:
    from digest.sentences import split_sentences

    return next(s.text for s in split_sentences(passage.chunk.text) if len(s.text) > 60)


def test_a_verbatim_sentence_is_supported_with_its_evidence_span(passages, judge) -> None:
    text = first_sentence(passages[0])
    shipped, cut, summary = verify_drafts([DraftSentence(text=text, passage_ids=["P1"])],
                                          passages, judge, action="cut")
    assert not cut and summary.supported == 1 and summary.checked == 1
    check = shipped[0].check
    assert check is not None and check.status == "supported" and check.score >= judge.threshold
    [span] = check.evidence
    article_text = passages[0].chunk.text
    assert span.chunk_id == passages[0].chunk.id
    offset = passages[0].chunk.start
    assert text[:40] in article_text[span.start - offset: span.end - offset + 40]


def test_an_invented_fact_is_cut_with_its_reason_or_flagged(passages, judge) -> None:
    drafts = [DraftSentence(text=first_sentence(passages[0]), passage_ids=["P1"]),
              DraftSentence(text=INVENTED, passage_ids=["P2"])]
    shipped, cut, summary = verify_drafts(drafts, passages, judge, action="cut")
    assert [d.text for d in shipped] == [drafts[0].text]
    assert [d.text for d in cut] == [INVENTED] and summary.cut == 1
    assert cut[0].reason.startswith("cut by verification:") and "Moon" in cut[0].reason

    shipped, cut, summary = verify_drafts(drafts, passages, judge, action="flag")
    assert not cut and summary.flagged == 1 and len(shipped) == 2
    assert shipped[1].check is not None and shipped[1].check.status == "flagged"
    assert shipped[1].check.reason


def test_an_unneeded_extra_citation_is_dropped(passages, judge) -> None:
    text = first_sentence(passages[0])
    extra = next(p for p in passages[1:] if text[:30] not in p.chunk.text)
    [draft], _, summary = verify_drafts(
        [DraftSentence(text=text, passage_ids=["P1", extra.id])], passages, judge, action="cut")
    assert draft.passage_ids == ["P1"] and summary.citations_dropped == 1
    assert draft.check is not None and draft.check.dropped_citations == [extra.id]


def test_a_cut_clause_takes_its_joined_sentence_and_numbering_has_no_gap(passages, judge) -> None:
    drafts = [
        DraftSentence(text=first_sentence(passages[2]), passage_ids=["P3"]),
        DraftSentence(text="On one point, " + first_sentence(passages[0]), passage_ids=["P1"],
                      section="differences", group=0),
        DraftSentence(text=INVENTED, passage_ids=["P2"], section="differences", group=0),
    ]
    shipped, cut, _ = verify_drafts(drafts, passages, judge, action="cut")
    assert [d.text for d in shipped] == [drafts[0].text] and len(cut) == 2
    sentences, sources, _ = number_citations(shipped, passages)
    assert [c.n for s in sentences for c in s.citations] == [1]
    assert [s.article.id for s in sources] == [passages[2].article.id]


def test_min_supported_and_action_policy(passages, judge) -> None:
    drafts = [DraftSentence(text=first_sentence(passages[0]), passage_ids=["P1"]),
              DraftSentence(text=INVENTED, passage_ids=["P2"])]
    _, _, summary = verify_drafts(drafts, passages, judge, action="cut")
    require_supported(summary, 0.5)
    with pytest.raises(UnderSupportedError, match="1 of 2 sentences"):
        require_supported(summary, 0.9)
    assert resolve_action(judge, "auto") == "flag"  # the lexical judge is not trusted to cut
    assert VerifyOptions(judge=judge).action == "auto"


def test_explain_names_the_swapped_place() -> None:
    said = explain("Putin landed in Beijing on Tuesday.",
                   "Putin landed in Tianjin on Tuesday, state media said.", 0.1, 0.5)
    assert "the passage says Tianjin" in said and "the sentence says Beijing" in said
    negated = explain("Putin will not travel to China.", "Putin will travel to China.", 0.1, 0.5)
    assert "negation" in negated
