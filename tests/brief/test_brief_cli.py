"""``digest brief`` through the real CLI: files, formats, windows, writers, clear failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from brief_helpers import check_structure
from typer.testing import CliRunner

from digest.briefing import Briefing
from digest.cli import app

NOW = "2026-05-21T06:00:00+00:00"


@pytest.fixture
def brief(corpus_store_path: Path):  # type: ignore[no-untyped-def]
    runner = CliRunner()

    def run(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["--store", str(corpus_store_path), "brief", *args, "--now", NOW])

    return run


def _said(result) -> str:  # type: ignore[no-untyped-def]
    return " ".join(result.output.split())


def test_markdown_file_and_sidecar(brief, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "digest.md"
    result = brief("Putin arrival in China", "-o", str(target))
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    check_structure(text)
    assert "extractive writer" in text.splitlines()[2]  # default without an LLM configured
    sidecar = Briefing.model_validate_json(target.with_suffix(".json").read_text())
    assert sidecar.writer == "extractive" and len(sidecar.sources) == text.count("\n- [")


def test_json_to_stdout_has_chunk_ids_and_offsets(brief) -> None:  # type: ignore[no-untyped-def]
    result = brief("gas pipeline price", "--format", "json", "-k", "6")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["passages"]) <= 6
    citation = data["sentences"][0]["citations"][0]
    assert {"n", "article_id", "chunk_id", "start", "end"} <= set(citation)
    assert citation["end"] > citation["start"] >= 0


def test_since_window_limits_sources(brief, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "day.json"
    result = brief("Putin", "--since", "30h", "-o", str(target))  # since 2026-05-20 00:00 UTC
    assert result.exit_code == 0, result.output
    sidecar = Briefing.model_validate_json(target.read_text())
    assert sidecar.window_start is not None and sidecar.window_start.isoformat().startswith(
        "2026-05-20T00:00")
    assert {s.article.published.date().isoformat() for s in sidecar.sources} == {"2026-05-20"}


def test_from_to_and_outlet(brief) -> None:  # type: ignore[no-untyped-def]
    result = brief("Putin", "--from", "2026-05-18", "--to", "2026-05-18", "--outlet",
                   "Harbor Wire Service", "--format", "json")
    assert result.exit_code == 0, result.output
    data = Briefing.model_validate_json(result.stdout)
    assert {(s.article.outlet, s.article.published.date().isoformat()) for s in data.sources} == {
        ("Harbor Wire Service", "2026-05-18")}


def test_nothing_retrieved_is_a_clear_error_and_writes_nothing(  # type: ignore[no-untyped-def]
    brief, tmp_path: Path
) -> None:
    target = tmp_path / "none.md"
    result = brief("banana bread recipe", "-o", str(target))
    assert result.exit_code != 0
    assert "nothing to brief, so no digest was written" in _said(result)
    assert list(tmp_path.iterdir()) == []
    empty_window = brief("--from", "2030-01-01", "-o", str(target))
    assert empty_window.exit_code != 0 and "no stored passage matches any story" in _said(
        empty_window)
    assert list(tmp_path.iterdir()) == []


def test_llm_writer_without_configuration_says_how_to_fix(  # type: ignore[no-untyped-def]
    brief, tmp_path: Path
) -> None:
    result = brief("Putin", "--writer", "llm", "-o", str(tmp_path / "x.md"))
    assert result.exit_code != 0
    assert "OPENAI_API_KEY" in _said(result) and "--writer extractive" in _said(result)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", [["--writer", "poet"], ["--format", "pdf"],
                                  ["--since", "yesterday-ish"], ["--since", "2d", "--from", "x"]])
def test_bad_options_are_refused(brief, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = brief("Putin", *args)
    assert result.exit_code == 2 and "error:" in result.output


def test_help_documents_every_option() -> None:
    result = CliRunner().invoke(app, ["brief", "--help"])
    assert result.exit_code == 0
    for option in ("--since", "--from", "--to", "--outlet", "-k", "--output", "--writer",
                   "--format", "--model"):
        assert option in result.output
