"""`digest eval run` from the command line: reports written, the gate failing on a planted
prompt regression with a one-line message, the HTML report opened in headless Chromium."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_helpers import BROWSER, NO_BROWSER, DevTools, open_page
from suite_stub import planted_prompts, start_stub
from test_eval_suite_run import CLUSTERS
from typer.testing import CliRunner

from digest.cli import app

pytestmark = pytest.mark.slow
runner = CliRunner()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, object]]:
    """One CLI run of a two-cluster suite with a faithful and a planted LLM variant."""
    folder = tmp_path_factory.mktemp("suite")
    (folder / "clusters.jsonl").write_text(
        "\n".join(json.dumps(c) for c in CLUSTERS) + "\n", encoding="utf-8")
    planted_prompts(folder / "planted")
    suite = folder / "suite.toml"
    suite.write_text(
        'name = "cli"\nbaseline = "llm"\n[[corpora]]\nname = "news"\n'
        'clusters = "clusters.jsonl"\n'
        # a topic: a cluster's passages in one prompt, so the planted prompt can mis-cite
        'topic = "Tallin port strike and the Skopje bridge over the Vardar"\n'
        '[[variants]]\nname = "llm"\nwriter = "llm"\nk = 6\n'
        '[[variants]]\nname = "llm-planted"\nwriter = "llm"\nk = 6\nprompts = "planted"\n',
        encoding="utf-8")
    stub = start_stub()
    env = {"OPENAI_BASE_URL": stub.base_url, "OPENAI_API_KEY": "test",
           "DIGEST_HOME": str(folder / "home")}
    result = runner.invoke(app, ["eval", "run", str(suite), "-o", str(folder / "out"),
                                 "--fail-under", "citation_recall=0.5"], env=env)
    yield folder, result
    stub.close()


def test_gate_fails_on_the_planted_regression(run) -> None:
    folder, result = run
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("FAIL")]
    assert len(lines) == 1 and lines[0].startswith("FAIL llm-planted: citation_recall ")
    assert "Traceback" not in result.output
    saved = json.loads((folder / "out" / "results.json").read_text(encoding="utf-8"))
    assert [v["name"] for v in saved["variants"]] == ["llm", "llm-planted"]
    markdown = (folder / "out" / "report.md").read_text(encoding="utf-8")
    assert "| metric | llm | llm-planted |" in markdown


def test_baseline_gate_passes_against_itself(run) -> None:
    folder, _ = run
    again = runner.invoke(app, [
        "eval", "run", str(folder / "suite.toml"), "-o", str(folder / "again"),
        "--baseline", str(folder / "out" / "results.json"),
        "--max-regression", "citation_recall=0.01"],
        env={"DIGEST_HOME": str(folder / "home")})  # all cached: no LLM needed
    assert again.exit_code == 0, again.output
    assert "(2 cached)" in again.output.replace("\n", " ") or "4 cached" in again.output
    assert "every gate passed" in again.output


def test_init_suite_writes_a_loadable_example(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    assert runner.invoke(app, ["eval", "init-suite", str(path)]).exit_code == 0
    refused = runner.invoke(app, ["eval", "init-suite", str(path)])
    assert refused.exit_code == 2 and "--force" in refused.output


@pytest.fixture
def page(run, tmp_path: Path) -> Iterator[DevTools]:
    folder, _ = run
    report = folder / "out" / "report.html"
    with open_page(report, tmp_path / "profile", "document.querySelector('figure.chart')") as s:
        yield s


@pytest.mark.skipif(BROWSER is None, reason=NO_BROWSER)
def test_html_report_charts_and_drill_down(page: DevTools) -> None:
    charts = page.eval("document.querySelectorAll('figure.chart').length")
    assert charts >= 5
    recall = "figure.chart[data-metric=citation_recall]"
    assert page.eval(f"document.querySelectorAll('{recall} rect.bar').length") == 2
    widths = page.eval(f"[...document.querySelectorAll('{recall} rect.bar')]"
                       ".map(r => r.getBoundingClientRect().width)")
    assert widths[0] > widths[1] > 0  # the planted variant's bar is shorter
    assert page.eval(f"document.querySelectorAll('{recall} line.ci').length") == 2
    bad = ".verdict-unsupported"
    assert page.eval(f"document.querySelector('details.input {bad}') !== null")
    # open the drill-down of an input where the planted variant has an unsupported sentence
    page.eval(f"document.querySelector('details.input {bad}').closest('details')"
              ".querySelector('summary').id = 'target'")
    page.click("#target")
    assert page.eval("document.getElementById('target').parentElement.open") is True
    tip = f"document.querySelector('details[open] {bad} .tip')"
    assert page.eval(f"getComputedStyle({tip}).display") == "none"
    box = page.eval(f"(() => {{ const el = document.querySelector('details[open] {bad}');"
                    " el.scrollIntoView({block: 'center'}); const r = el.getBoundingClientRect();"
                    " return {x: r.left + 5, y: r.top + 5}; })()")
    page.send("Input.dispatchMouseEvent", type="mouseMoved", x=box["x"], y=box["y"])
    assert page.eval(f"getComputedStyle({tip}).display") == "block"  # evidence on hover
    shown = page.eval(f"{tip}.innerText")
    assert shown.startswith("unsupported (p=") and re.search(r"\n\[\d\] \w", shown)
