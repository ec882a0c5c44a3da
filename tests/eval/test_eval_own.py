"""Our own digests are checked from the Briefing JSON: one claim per shipped sentence or clause
group, exact chunk links, no Markdown round trip (issue 8)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from digest.briefing import Briefing, Citation, CitedSentence, Source
from digest.evaluate import evaluate_digest
from digest.evaluate.parse import parse_digest
from digest.models import StoredArticle
from digest.render.formats import write_briefing

NOW = datetime(2026, 5, 22, tzinfo=UTC)


def _article(n: int) -> StoredArticle:
    return StoredArticle(id=f"a{n}", url=f"https://o{n}.example.com/x", outlet=f"O{n}",
                         title=f"T{n}", content_hash="h", chunks=1)


def _cite(text: str, n: int, **kw: object) -> CitedSentence:
    return CitedSentence(
        text=text,
        citations=[Citation(n=n, article_id=f"a{n}", chunk_id=f"a{n}:0", start=0, end=9)],
        **kw,
    )


def _briefing() -> Briefing:
    return Briefing(
        title="Putin in China",
        generated_at=NOW,
        writer="llm",
        sentences=[
            _cite('Putin called Xi his "dear friend."', 2, section="summary"),
            _cite("Officials in Moscow praised the talks.", 1),
            _cite("Some reports place the summit in Beijing", 1, section="differences", group=0),
            _cite("others in Tianjin", 2, section="differences", group=0),
        ],
        sources=[Source(n=1, article=_article(1)), Source(n=2, article=_article(2))],
    )


def test_sidecar_sentences_are_the_claims(tmp_path: Path) -> None:
    path = tmp_path / "d.md"
    write_briefing(_briefing(), path, "md")
    parsed = parse_digest(path)
    claims = [(s.claim, s.citations, s.kind) for s in parsed.sentences]
    assert claims == [
        ('Putin called Xi his "dear friend."', [2], "prose"),  # not merged with the next one
        ("Officials in Moscow praised the talks.", [1], "prose"),
        ("Some reports place the summit in Beijing; others in Tianjin.", [1, 2], "list"),
    ]
    assert [c.chunk_id for c in parsed.sentences[0].links] == ["a2:0"]
    group = parsed.sentences[2]
    assert [(c.claim, c.citations) for c in group.clauses] == [
        ("Some reports place the summit in Beijing", [1]),
        ("others in Tianjin", [2]),
    ]
    assert parsed.sidecar == str(path.with_suffix(".json"))
    assert parsed.source_numbers == {1, 2}


def test_json_alone_gives_the_same_claims(tmp_path: Path) -> None:
    path = tmp_path / "d.md"
    write_briefing(_briefing(), path, "md")
    from_md = [s.claim for s in parse_digest(path).sentences]
    assert [s.claim for s in parse_digest(path.with_suffix(".json")).sentences] == from_md


def test_hand_edited_markdown_is_checked_as_written(tmp_path: Path) -> None:
    path = tmp_path / "d.md"
    write_briefing(_briefing(), path, "md")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("praised the talks", "criticised the talks"), encoding="utf-8")
    claims = [s.claim for s in parse_digest(path).sentences]
    assert "Officials in Moscow criticised the talks." in claims
    assert "Officials in Moscow praised the talks." not in claims


def test_eval_report_counts_one_result_per_claim(tmp_path: Path) -> None:
    path = tmp_path / "d.md"
    write_briefing(_briefing(), path, "md")
    report = evaluate_digest(path, judge=None)
    assert len(report.sentences) == 3
    assert report.metric("uncited_share") == 0.0
