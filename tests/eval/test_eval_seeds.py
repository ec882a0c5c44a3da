"""Issue 4's required check: on the two seed digests, with no sources available, the harness
lists their uncited sentences and their editorializing sentences (seeds/README.md names them).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from digest.evaluate import evaluate_digest

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "digests"
SEED_000 = SEEDS / "000_cd5a5dc10f67e07d.txt"
SEED_001 = SEEDS / "001_b988ed9524e72503.txt"


def _starts(sentences, prefixes: list[str]) -> None:
    texts = [s.claim for s in sentences]
    for prefix in prefixes:
        assert any(t.startswith(prefix) for t in texts), f"{prefix!r} not in {texts}"


def test_seed_000_uncited_sentences_are_listed() -> None:
    report = evaluate_digest(SEED_000, judge=None)
    uncited = [s.claim for s in report.uncited]
    assert uncited == [
        # the second paragraph, whole
        "This visit signals a critical moment in the strategic partnership between Moscow and "
        "Beijing as both nations navigate tensions with the West and seek to redefine regional "
        "security architectures.",
        # paragraph 4
        "Diplomatic observers suggest the timing of the visit is intended to project a unified "
        "front.",
        "The summit provides a platform for the two leaders to coordinate on regional security "
        "and counter Western influence in Asia.",
        # paragraph 5
        "Analysis from NBC News suggests the visit serves as a strategic reassurance for the "
        "Kremlin.",
        # the stand-alone pull-quote
        '"Xi has consolidated this position that Great Power politics now must go through '
        'Beijing,"',
        # the closing analysis paragraph, both sentences
        "The summit underscores the deepening interdependence between Russia and China, moving "
        "beyond a marriage of convenience to a structured strategic alliance.",
        "By leveraging the SCO framework and historical commemorations, both leaders are "
        "attempting to establish an alternative center of gravity for global diplomacy that "
        "bypasses U.S.-led institutions.",
    ]
    pull_quote = report.uncited[4]
    assert pull_quote.kind == "quote" and pull_quote.paragraph == 7
    assert {s.paragraph for s in report.uncited} >= {2, 7, 8}
    assert report.metric("uncited_share") == pytest.approx(7 / 14)


def test_seed_001_uncited_summary_and_closing_paragraph() -> None:
    report = evaluate_digest(SEED_001, judge=None)
    _starts(
        report.uncited,
        [
            "The proximity of these two visits suggests a strategic effort by Beijing",
            "Officials have not released a full public itinerary",
            # the one-line summary
            "Putin arrived in Beijing for a state visit and bilateral talks with Xi Jinping",
            # the closing paragraph
            "The rapid succession of visits by both the U.S. and Russian presidents",
            "By hosting both leaders within a single week",
        ],
    )
    assert len(report.uncited) == 5
    closing = [s for s in report.uncited if s.paragraph == 8]
    assert len(closing) == 2


def _flagged(report, prefix: str) -> set[str]:
    hits = [s for s in report.sentences if s.claim.startswith(prefix)]
    assert hits, prefix
    return {f.trigger.lower() for f in hits[0].flags}


def test_seed_editorializing_sentences_are_flagged() -> None:
    r000 = evaluate_digest(SEED_000, judge=None)
    r001 = evaluate_digest(SEED_001, judge=None)
    assert {"underscores", "moving beyond"} <= _flagged(r000, "The summit underscores")
    assert {"signals", "critical"} <= _flagged(r000, "This visit signals")
    assert "attempting to" in _flagged(r000, "By leveraging the SCO framework")
    assert "is intended to" in _flagged(r000, "Diplomatic observers suggest")
    assert "underscores" in _flagged(r001, "The rapid succession of visits")
    assert {"positioning china as", "necessary", "demonstrating"} <= _flagged(
        r001, "By hosting both leaders"
    )
    assert {"critical", "high-stakes"} <= _flagged(r001, "The meeting comes at a critical juncture")
    assert "suggests" in _flagged(r001, "The proximity of these two visits")


def test_seed_reported_speech_and_plain_facts_are_not_flagged() -> None:
    r000 = evaluate_digest(SEED_000, judge=None)
    r001 = evaluate_digest(SEED_001, judge=None)
    for report, prefix in [
        (r000, "Russian President Vladimir Putin arrived in China on May 20"),
        (r000, "One expert said to TIME"),  # attributed speech with a quote
        (r000, "Analysis from NBC News suggests"),  # inference verb, named source
        (r000, "The report said"),
        (r000, '"Xi has consolidated'),  # a quotation
        (r001, "Putin's arrival occurred four days after Donald Trump left China"),
    ]:
        assert _flagged(report, prefix) == set(), prefix


def test_seed_sources_are_unavailable_not_unsupported() -> None:
    report = evaluate_digest(SEED_000, judge=None)
    cited = [s for s in report.sentences if s.citations]
    assert cited and all(s.verdict == "unavailable" for s in cited)
    assert report.unsupported == []
    assert {s.n for s in report.sources} == {1, 3, 4, 5}
    assert all(s.status == "unavailable" for s in report.sources)
    # no citation could be judged: precision is NaN, never 0
    assert math.isnan(report.metric("citation_precision"))
    # uncited sentences are uncited, not unsupported checkable ones: recall over nothing
    # checkable is n/a (issue 21), and the reason says why
    assert math.isnan(report.metric("citation_recall"))
    uncited = sum(1 for s in report.sentences if s.verdict == "uncited")
    assert uncited and report.metrics["citation_recall"].reason == (
        f"no checkable sentence: {uncited} uncited, {len(cited)} citing only unavailable sources")
    assert report.judge is None


def test_fail_under_on_a_seed_says_recall_is_na_and_why() -> None:
    from typer.testing import CliRunner

    from digest.cli import app

    result = CliRunner().invoke(app, ["eval", str(SEED_000), "--fail-under", "0.5"])
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "FAIL citation recall n/a, so not >= 0.500 (no checkable sentence: 7 uncited" in said
    assert "citing only unavailable sources)" in said
    assert "0 of" not in said and "0.000" not in said  # never "0 of 7 checkable"


def test_our_own_brief_evaluates_to_the_counts_of_its_header(tmp_path: Path) -> None:
    """The header's "N of M sentences" and ``digest eval``'s "N of M checkable" agree."""
    import re

    from tests.render.test_render_formats import sample_briefing

    from digest.render.formats import write_briefing

    briefing = sample_briefing()
    target = tmp_path / "digest.md"
    write_briefing(briefing, target, "md")
    header = target.read_text(encoding="utf-8").splitlines()[2]
    shown = re.search(r"verified: (\d+) of (\d+) sentences", header)
    assert shown is not None and shown.groups() == ("5", "6")  # the differences pair is one
    report = evaluate_digest(target, judge=None)
    assert len(report.sentences) == 6
    assert [s.index for s in report.sentences] == [1, 2, 3, 4, 5, 6]
