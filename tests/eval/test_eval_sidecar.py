"""Our own digests: the JSON sidecar gives exact chunk links and, without any store, the
passages the writer saw; with ``--store`` the full articles are looked up by id."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from digest.briefing import Briefing, Citation, CitedSentence, Passage, Source
from digest.evaluate import evaluate_briefing, evaluate_digest
from digest.models import Chunk, StoredArticle
from digest.render.formats import write_briefing
from digest.write.brief import build_briefing
from digest.write.extractive import ExtractiveWriter

ARTICLE = (
    "Putin arrived in Tianjin on Wednesday. He was greeted with a red carpet at the port. "
    "Trade talks followed in Beijing on Thursday."
)
NOW = datetime(2026, 5, 22, tzinfo=UTC)


def _chunk(text: str, position: int) -> Chunk:
    start = ARTICLE.index(text)
    return Chunk(
        id=f"a1:{position}",
        article_id="a1",
        text=text,
        start=start,
        end=start + len(text),
        position=position,
    )


@pytest.fixture
def briefing() -> Briefing:
    article = StoredArticle(
        id="a1",
        url="https://wire.example.com/arrival",
        outlet="Wire",
        title="Arrival",
        content_hash="h",
        chunks=3,
    )
    first = _chunk("Putin arrived in Tianjin on Wednesday.", 0)
    last = _chunk("Trade talks followed in Beijing on Thursday.", 2)  # the middle chunk is absent

    def cite(text: str, chunk: Chunk) -> CitedSentence:
        return CitedSentence(
            text=text,
            citations=[
                Citation(n=1, article_id="a1", chunk_id=chunk.id, start=chunk.start, end=chunk.end)
            ],
        )

    return Briefing(
        title="Putin in China",
        generated_at=NOW,
        writer="extractive",
        sentences=[
            cite("Putin arrived in Tianjin on Wednesday.", first),
            cite("Trade talks followed in Beijing on Thursday.", last),
            cite("He was greeted with a red carpet at the port.", first),
        ],
        sources=[Source(n=1, article=article)],
        passages=[
            Passage(id="P1", chunk=first, article=article),
            Passage(id="P2", chunk=last, article=article),
        ],
    )


@pytest.fixture
def own_digest(tmp_path: Path, briefing: Briefing) -> Path:
    path = tmp_path / "out" / "brief.md"
    write_briefing(briefing, path, "md")
    assert path.with_suffix(".json").is_file()
    return path


def test_sidecar_passages_resolve_sources_without_a_store(own_digest: Path, judge) -> None:
    report = evaluate_digest(own_digest, judge=judge)
    assert report.sidecar == str(own_digest.with_suffix(".json"))
    assert [(s.n, s.status, s.origin) for s in report.sources] == [
        (1, "available", "sidecar passages")
    ]
    arrived, trade, greeted = report.sentences
    assert arrived.verdict == trade.verdict == "supported"
    # only the passages the writer saw are known: the middle sentence cannot be confirmed
    assert greeted.verdict == "unsupported"
    # evidence offsets are translated back to the article, across the missing middle chunk
    (evidence,) = trade.evidence
    assert evidence.start == ARTICLE.index("Trade talks")
    assert ARTICLE[evidence.start : evidence.end] == evidence.text
    # the sidecar's exact chunk link travels with the evidence
    assert (evidence.linked_start, evidence.linked_end) == (
        ARTICLE.index("Trade talks"),
        len(ARTICLE),
    )
    assert arrived.evidence[0].linked_start == 0


def test_brief_pipeline_digest_checked_against_the_store(
    corpus_store, tmp_path: Path, judge
) -> None:
    briefing = build_briefing(
        corpus_store,
        topic="Putin visit to China",
        writer=ExtractiveWriter(corpus_store.embedder),
        now=NOW,
    )
    path = tmp_path / "brief.md"
    write_briefing(briefing, path, "md")
    report = evaluate_digest(path, judge=judge, store=corpus_store)
    assert report.sources and all(s.origin == "store" for s in report.sources)
    body = [s for s in report.sentences if s.kind == "prose"]
    assert body and all(s.citations for s in body)
    # the extractive writer quotes its sources verbatim: every body sentence is supported
    assert [s.verdict for s in body] == ["supported"] * len(body)
    assert report.metric("uncited_share") == 0.0
    for sentence in body:
        assert sentence.evidence
        for evidence in sentence.evidence:
            source = briefing.sources[evidence.n - 1].article
            text = corpus_store.article_text(source.id)
            assert text[evidence.start : evidence.end] == evidence.text
            assert evidence.linked_start is not None


def _verdicts(report) -> list[str]:
    return [s.verdict for s in report.sentences]


def test_sidecar_alone_and_briefing_object_give_the_same_verdicts(
    own_digest: Path, briefing: Briefing, judge
) -> None:
    from_markdown = evaluate_digest(own_digest, judge=judge)
    from_json = evaluate_digest(own_digest.with_suffix(".json"), judge=judge)
    from_object = evaluate_briefing(briefing, judge=judge)
    assert _verdicts(from_markdown) == _verdicts(from_json) == _verdicts(from_object)
    assert _verdicts(from_json) == ["supported", "supported", "unsupported"]
    assert from_json.sidecar == str(own_digest.with_suffix(".json"))


def test_sidecar_links_match_rendered_sentences(own_digest: Path) -> None:
    from digest.evaluate.parse import parse_digest

    parsed = parse_digest(own_digest)
    claims = [s for s in parsed.sentences if s.kind == "prose"]
    assert [len(s.links) for s in claims] == [1, 1, 1]
    assert [s.links[0].chunk_id for s in claims] == ["a1:0", "a1:2", "a1:0"]


def test_edited_markdown_sentence_loses_its_link_but_is_still_checked(
    own_digest: Path, judge
) -> None:
    text = own_digest.read_text(encoding="utf-8")
    own_digest.write_text(
        text.replace("Trade talks followed in Beijing", "Trade talks followed in Shanghai"),
        encoding="utf-8",
    )
    report = evaluate_digest(own_digest, judge=judge)
    edited = report.sentences[1]
    assert "Shanghai" in edited.claim and edited.citations == [1]
    assert edited.evidence[0].linked_start is None
