"""``digest eval``: the default command, formats, -o, the --fail-under gate, eval bench."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digest.app import Services
from digest.cli import app

SEED = Path(__file__).resolve().parents[2] / "seeds" / "digests" / "000_cd5a5dc10f67e07d.txt"
GOOD = """Putin arrived in Tianjin on Wednesday [1].
Trade reached 245 billion dollars last year [2].
Xi Jinping hosted the summit [3].
Putin arrived in Moscow on Friday [1].
"""

runner = CliRunner()


@pytest.fixture(autouse=True)
def asked(monkeypatch: pytest.MonkeyPatch, judge) -> list[tuple]:
    """CLI tests use the conftest judge (the real engines are measured in tests/judges); the
    judge names and models the CLI asked ``Services`` for are recorded."""
    names: list[tuple] = []

    def build(self, name=None, model=None, **kwargs):  # noqa: ANN001, ANN202
        names.append((name, model))
        return judge

    monkeypatch.setattr(Services, "judge", build)
    return names


def _run(*args: str):
    return runner.invoke(app, ["eval", *args])


def test_seed_digest_without_sources(tmp_path: Path) -> None:
    result = _run(str(SEED), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert sum(s["verdict"] == "uncited" for s in data["sentences"]) == 7
    assert data["judge"] is None


def test_explicit_check_command_and_table(tmp_path: Path) -> None:
    result = _run("check", str(SEED))
    assert result.exit_code == 0, result.output
    assert "citation recall (ALCE)" in result.stdout
    assert "underscores" in result.stdout


@pytest.mark.parametrize(("threshold", "code"), [("0.7", 0), ("0.8", 1), ("70", 0), ("80", 1)])
def test_fail_under_gate(make_digest, sources_dir, threshold: str, code: int) -> None:
    # 3 of 4 sentences supported: recall 0.75
    result = _run(
        str(make_digest(GOOD)),
        "--sources",
        str(sources_dir),
        "--fail-under",
        threshold,
        "-f",
        "json",
    )
    assert result.exit_code == code, result.output
    assert json.loads(result.stdout)["metrics"]["citation_recall"]["value"] == 0.75


def test_fail_under_fails_when_recall_cannot_be_computed(make_digest) -> None:
    result = _run(str(make_digest("Putin arrived in Tianjin [1].\n")), "--fail-under", "0.1")
    assert result.exit_code == 1
    assert "n/a" in result.output


@pytest.mark.parametrize(
    ("fmt", "check"),
    [
        ("json", lambda text: json.loads(text)["sentences"]),
        ("md", lambda text: text.startswith("# Faithfulness report")),
        ("html", lambda text: text.startswith("<!DOCTYPE html>") and "verdict-supported" in text),
        ("table", lambda text: "citation recall (ALCE)" in text and "\x1b[" not in text),
    ],
)
def test_output_file(make_digest, sources_dir, tmp_path: Path, fmt: str, check) -> None:
    out = tmp_path / f"report.{fmt}"
    result = _run(str(make_digest(GOOD)), "--sources", str(sources_dir), "-f", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert check(out.read_text(encoding="utf-8"))


def test_missing_sources_folder_is_an_error(make_digest, tmp_path: Path) -> None:
    result = _run(str(make_digest(GOOD)), "--sources", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "no such folder" in " ".join(result.output.split())


def test_store_option_looks_sources_up_by_url(
    make_digest, tmp_path: Path, corpus_store_path
) -> None:
    digest = make_digest(
        "Trade between the two countries reached $245 billion last year [1].\n\n## Sources\n\n"
        "1. https://harborwire.example.com/2026/05/18/kremlin-confirms-putin-china-visit\n"
        "2. https://nowhere.example.com/missing\n"
    )
    result = runner.invoke(
        app, ["--store", str(corpus_store_path), "eval", str(digest), "--store", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["sentences"][0]["verdict"] == "supported"
    assert {s["n"]: s["status"] for s in data["sources"]} == {1: "available", 2: "unavailable"}


def test_eval_bench_dispatches_to_the_judge_bench(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, asked: list[tuple], judge,
) -> None:
    """`digest eval bench FILE` is not taken for a digest: it reaches run_bench (tests/judges
    measure the bench itself)."""
    import digest.judges.bench as bench

    calls: list[tuple] = []

    class Result:
        def to_json(self) -> str:
            return json.dumps({"claims": 2})

        def to_table(self) -> str:
            return "bench table"

    def fake_run_bench(path, *, judge, limit=None, progress=None):
        calls.append((Path(path).name, judge.name, limit))
        return Result()

    monkeypatch.setattr(bench, "run_bench", fake_run_bench)
    rows = tmp_path / "claims.jsonl"
    rows.write_text("{}\n", encoding="utf-8")
    result = _run("bench", str(rows), "--judge", "lexical", "--limit", "5", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"claims": 2}
    assert calls == [("claims.jsonl", judge.name, 5)] and asked == [("lexical", None)]
    table = _run("bench", str(rows))
    assert table.exit_code == 0 and "bench table" in table.stdout


def test_every_eval_command_has_help() -> None:
    for args in (["eval", "--help"], ["eval", "check", "--help"], ["eval", "bench", "--help"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and "Usage" in result.output
