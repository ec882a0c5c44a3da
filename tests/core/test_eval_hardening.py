"""``digest eval`` on hostile digests (issue 13): no StopIteration, escaped Markdown, safe -o."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from digest.cli import app

QUOTED = ('"…" [1], Putin arrived in China for talks [2], and Xi '
          "Jinping welcomed him in Beijing [3].\n")
SCRIPT = "Officials said <script>alert(1)</script> the talks went well [1].\n"
SOURCES = {
    1: "Putin told reporters: \"We are old friends.\" Officials said the talks went well.",
    2: "Putin arrived in China on Tuesday for two days of talks with Chinese leaders.",
    3: "Xi Jinping welcomed Putin in Beijing with a ceremony at the Great Hall.",
}


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    folder.mkdir()
    for n, text in SOURCES.items():
        (folder / f"{n}.txt").write_text(text + "\n")
    return folder


def _eval(digest: Path, sources: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["eval", str(digest), "--sources", str(sources),
                                    "--judge", "lexical", *args])


def test_clauses_that_do_not_cover_every_citation_are_checked(tmp_path, sources) -> None:
    digest = tmp_path / "quoted.md"
    digest.write_text(QUOTED)
    result = _eval(digest, sources, "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"citations"' in result.stdout


def test_markdown_report_escapes_html_in_sentences(tmp_path, sources) -> None:
    digest = tmp_path / "script.md"
    digest.write_text(SCRIPT)
    result = _eval(digest, sources, "--format", "md")
    assert result.exit_code == 0, result.output
    assert "<script>" not in result.stdout and "&lt;script&gt;" in result.stdout


def test_output_into_a_missing_folder_is_created(tmp_path, sources) -> None:
    digest = tmp_path / "script.md"
    digest.write_text(SCRIPT)
    target = tmp_path / "new" / "folder" / "report.md"
    result = _eval(digest, sources, "--format", "md", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text().startswith("# Faithfulness report")


def test_output_onto_a_directory_is_one_message(tmp_path, sources) -> None:
    digest = tmp_path / "script.md"
    digest.write_text(SCRIPT)
    result = _eval(digest, sources, "-o", str(tmp_path))
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "it is a directory" in said and "Traceback" not in said
