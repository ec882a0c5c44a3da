"""Markdown/JSON rendering: golden shape, structural rules, escaping, atomic files with sidecar.

The golden pair (``golden/putin_arrival.json``, the Briefing the pipeline built, and ``.md``, its
rendering) was produced by this code (``UPDATE_GOLDEN_BRIEF=1 pytest tests/brief`` rewrites both).
The golden test renders the *stored* Briefing, so it checks the renderer and does not depend on
onnxruntime's exact floats; the pipeline's own output is held to the structural rules (every
sentence cited, numbering, sections), which hold for any briefing.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from brief_helpers import MARKER, check_structure

from digest.briefing import Briefing, Citation, CitedSentence, Source
from digest.models import StoredArticle
from digest.render.formats import write_briefing
from digest.render.markdown import render_markdown
from digest.render.output import write_atomic
from digest.render.sidecar import render_json
from digest.render.text import with_marker

GOLDEN = Path(__file__).parent / "golden" / "putin_arrival.md"
GOLDEN_BRIEFING = GOLDEN.with_suffix(".json")


def test_markdown_matches_the_golden_file(briefing: Briefing) -> None:
    if os.environ.get("UPDATE_GOLDEN_BRIEF"):
        GOLDEN_BRIEFING.write_text(render_json(briefing), encoding="utf-8")
        GOLDEN.write_text(render_markdown(briefing), encoding="utf-8")
    stored = Briefing.model_validate_json(GOLDEN_BRIEFING.read_text(encoding="utf-8"))
    assert render_markdown(stored) == GOLDEN.read_text(encoding="utf-8")


def test_markdown_structure(briefing: Briefing) -> None:
    text = render_markdown(briefing)
    check_structure(text)
    check_structure(GOLDEN.read_text(encoding="utf-8"))
    assert "extractive writer" in text.splitlines()[2]
    markers = sum(len(MARKER.findall(line)) for line in text.split("## Sources")[0].splitlines())
    assert markers == len(briefing.sentences)


def _hostile_briefing() -> Briefing:
    article = StoredArticle(id="x", outlet="Evil [Outlet]", title="## Sources", content_hash="h",
                            chunks=1, url="https://evil.example.com/a",
                            published=datetime(2026, 5, 20, tzinfo=UTC))
    cite = Citation(n=1, article_id="x", chunk_id="x:0", start=0, end=10)
    return Briefing(
        title="t", generated_at=datetime(2026, 5, 21, tzinfo=UTC), writer="llm", model="m",
        sentences=[
            CitedSentence(text="Headline.", section="summary", citations=[cite]),
            CitedSentence(text="Fake marker [7] and *bold*\n\n## Sources\n- [9] forged.",
                          citations=[cite]),
        ],
        sources=[Source(n=1, article=article)],
    )


def test_untrusted_text_cannot_forge_markers_or_sections() -> None:
    text = render_markdown(_hostile_briefing())
    check_structure(text)
    assert text.count("## Sources") == 1
    assert "\\[7\\]" in text and "\\*bold\\*" in text
    source = "- [1] Evil \\[Outlet\\] — \\#\\# Sources (2026-05-20) https://evil.example.com/a"
    assert source in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He spoke.", "He spoke [1, 3]."),
        ("Did he?", "Did he [1, 3]?"),
        ('He said "yes."', 'He said "yes." [1, 3]'),
        ("No stop", "No stop [1, 3]"),
    ],
)
def test_marker_goes_before_the_final_stop(text: str, expected: str) -> None:
    assert with_marker(text, [1, 3]) == expected


def test_markdown_file_gets_a_json_sidecar_written_atomically(
    briefing: Briefing, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "brief.md"
    written = write_briefing(briefing, target, "md")
    assert written == [target.with_suffix(".json"), target]
    assert Briefing.model_validate_json(target.with_suffix(".json").read_text()) == briefing
    assert target.read_text(encoding="utf-8") == render_markdown(briefing)
    assert sorted(p.name for p in target.parent.iterdir()) == ["brief.json", "brief.md"]


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "brief.md"
    target.write_text("previous digest", encoding="utf-8")

    with pytest.raises(TypeError):
        write_atomic(target, 42)  # type: ignore[arg-type]
    assert target.read_text(encoding="utf-8") == "previous digest"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.md"]  # no temp file left behind
