"""The pieces of `digest eval run` that need no model: suite file, intervals, paired tests,
coverage, gates, reports."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from digest.errors import ConfigError
from digest.evaluate.aggregate import Estimate, estimate, paired_difference
from digest.evaluate.coverage import coverage
from digest.evaluate.gates import check_bounds, check_regressions, load_results, parse_gate
from digest.evaluate.suite.config import EXAMPLE, load_suite
from digest.evaluate.suite.models import METRICS, InputResult, SuiteResult, VariantSummary
from digest.evaluate.suite.report import render_suite_html, render_suite_markdown

NAN = float("nan")


def _suite(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "suite.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_suite_loads_with_paths_relative_to_the_file(tmp_path: Path) -> None:
    suite = load_suite(_suite(tmp_path, EXAMPLE))
    assert [v.name for v in suite.variants] == ["extractive", "llm"]
    assert suite.baseline == "extractive"
    assert suite.corpora[0].folder == tmp_path / "seeds" / "corpus"
    assert suite.cache_dir == tmp_path / ".eval-cache"


def test_matrix_expands_to_every_combination(tmp_path: Path) -> None:
    text = ('[[corpora]]\nname = "c"\nstore = true\n'
            '[matrix]\nwriter = ["extractive", "llm"]\nverify = [true, false]\n')
    suite = load_suite(_suite(tmp_path, text))
    assert [v.name for v in suite.variants] == [
        "verify=on,writer=extractive", "verify=on,writer=llm",
        "verify=off,writer=extractive", "verify=off,writer=llm",
    ]
    assert suite.variants[1].writer == "llm" and suite.variants[1].verify is True


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[corpora]]\nname = "c"\nstore = true\n', "no variants"),
        ('[[corpora]]\nname = "c"\nstore = true\n[[variants]]\nname = "a"\nwritter = "llm"\n',
         "writter"),
        ('[[corpora]]\nname = "c"\n[[variants]]\nname = "a"\n', "exactly one of"),
        ('baseline = "b"\n[[corpora]]\nname = "c"\nstore = true\n[[variants]]\nname = "a"\n',
         "baseline 'b' is not a variant"),
        ("name = \n", "not valid TOML"),
    ],
)
def test_bad_suites_fail_with_one_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        load_suite(_suite(tmp_path, text))
    assert "\n" not in str(info.value)


def test_estimate_leaves_nan_out_and_brackets_the_mean() -> None:
    found = estimate([0.5, 0.7, 0.9, 1.0, NAN])
    assert found.n == 4 and found.mean == pytest.approx(0.775)
    assert found.low < found.mean < found.high
    assert estimate([NAN]).n == 0 and math.isnan(estimate([]).mean)
    assert estimate([0.4]).mean == 0.4 and math.isnan(estimate([0.4]).low)


def test_paired_difference_uses_only_shared_inputs() -> None:
    base = {f"i{k}": 0.5 for k in range(8)}
    better = {f"i{k}": 0.5 + 0.1 + 0.01 * k for k in range(8)} | {"extra": 0.0}
    diff = paired_difference(better, base)
    assert diff.n == 8 and diff.significant and diff.low > 0
    noisy = {f"i{k}": 0.5 + (0.2 if k % 2 else -0.2) for k in range(8)}
    assert not paired_difference(noisy, base).significant


def test_nan_survives_a_json_round_trip() -> None:
    back = Estimate.model_validate_json(Estimate(mean=NAN, low=NAN, high=NAN, n=0)
                                        .model_dump_json())
    assert math.isnan(back.mean)


def test_coverage_counts_words_entities_numbers() -> None:
    reference = "Mayor Ana Petrova opened the bridge in Skopje on Friday; it cost 12 million."
    digest = "The Skopje bridge opened on Friday, the mayor said. It cost 12 million euros."
    found = coverage(digest, reference)
    assert found["coverage_numbers"] == 1.0
    # entities of the reference: Ana, Petrova, Skopje, Friday -> the digest names two
    assert found["coverage_entities"] == pytest.approx(2 / 4)
    assert 0 < found["coverage_words"] < 1 and 0 < found["rouge_l"] < 1
    assert math.isnan(coverage(digest, "Nobody said anything.")["coverage_numbers"])


def _result(recall: dict[str, float]) -> SuiteResult:
    variants = []
    for name, value in recall.items():
        metrics = {m: Estimate(mean=NAN, low=NAN, high=NAN, n=0) for m in METRICS}
        metrics["citation_recall"] = Estimate(mean=value, low=value - 0.1, high=value + 0.1, n=3)
        variants.append(VariantSummary(name=name, config={"writer": "llm", "model": None,
                        "prompts": None, "k": 12, "verify": False, "judge": "embedded"},
                        inputs=3, failed=0, metrics=metrics))
    results = [InputResult(variant="b|x", input="in|put", corpus="c", key="k", status="ok",
                           metrics={"citation_recall": 0.5})]
    return SuiteResult(suite="s", generated_at="now", baseline="a", judge="embedded",
                       variants=variants, inputs=[], results=results)


def test_gates_say_which_variant_metric_and_rule() -> None:
    result = _result({"a": 0.95, "b|x": 0.60})
    assert check_bounds(result, [parse_gate("citation_recall=90")], []) == [
        "b|x: citation_recall 0.600 < 0.900 (--fail-under)"
    ]
    assert check_bounds(result, [parse_gate("a:citation_recall=0.9")], []) == []
    assert check_bounds(result, [parse_gate("rouge_l=0.1")], []) == [
        "a: rouge_l not measured < 0.100 (--fail-under)",
        "b|x: rouge_l not measured < 0.100 (--fail-under)",
    ]
    before = _result({"a": 0.95, "b|x": 0.90})
    assert check_regressions(result, before, [parse_gate("citation_recall=0.05")], "old.json") == [
        "b|x: citation_recall fell by 0.300, from 0.900 (old.json) to 0.600; "
        "--max-regression allows 0.050"
    ]


@pytest.mark.parametrize("text", ["recall=0.9", "citation_recall", "citation_recall=high"])
def test_bad_gates_are_config_errors(text: str) -> None:
    with pytest.raises(ConfigError, match="gate"):
        parse_gate(text)


def test_results_json_round_trips_as_a_baseline(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text(_result({"a": 0.9}).model_dump_json(), encoding="utf-8")
    assert json.loads(path.read_text())["variants"][0]["metrics"]["rouge_l"]["mean"] is None
    assert load_results(path).variants[0].metrics["citation_recall"].mean == 0.9
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a results.json"):
        load_results(tmp_path / "bad.json")


def test_reports_escape_untrusted_names() -> None:
    result = _result({"a": 0.95, "b|x": 0.60})
    markdown = render_suite_markdown(result)
    assert "| metric | a | b\\|x |" in markdown  # a pipe in a name cannot add a column
    assert "| citation recall (ALCE) | 0.950 [0.850, 1.050] n=3 |" in markdown
    hostile = result.model_copy(update={"suite": "<script>x</script>"})
    assert "&lt;script&gt;x" in render_suite_markdown(hostile)
    html = render_suite_html(hostile)
    assert "<script>x" not in html and "&lt;script&gt;x" in html
    assert html.count('class="bar"') == 2  # one bar per variant for the one measured metric
