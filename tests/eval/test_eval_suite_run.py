"""`digest eval run` end to end through the library: real Chroma stores per cluster, the real
extractive and LLM writers (the LLM behind the loopback OpenAI-compatible stub), the real
embedded judge, the on-disk cache, and a planted prompt regression caught by the gate."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from suite_stub import planted_prompts, start_stub

from digest import app as composition
from digest.config import Settings
from digest.evaluate.gates import check_bounds, check_regressions, parse_gate
from digest.evaluate.suite.config import load_suite
from digest.evaluate.suite.inputs import expand_corpora
from digest.evaluate.suite.models import SuiteResult
from digest.evaluate.suite.runner import SuiteRunner
from digest.evaluate.suite.summary import limit_inputs, run_suite
from digest.store import Store, open_client

NOW = datetime(2026, 5, 22, tzinfo=UTC)
CLUSTERS = [
    {
        "id": "harbor",
        "articles": [
            {"title": "Port reopens", "text": "The port of Tallin reopened on Monday after a "
             "three-day strike. Dock workers accepted a wage rise of 6 percent. Ships queued "
             "outside the harbour for two days."},
            {"title": "Strike ends", "text": "Dock workers in Tallin ended their strike on "
             "Monday. The union said the 6 percent rise was a fair deal. Exporters welcomed "
             "the end of the dispute."},
            {"title": "Harbour traffic", "text": "Traffic at Tallin harbour returned to normal "
             "on Tuesday, the port authority said. About 40 ships had waited to unload."},
        ],
        "reference_summary": "Dock workers in Tallin ended a three-day strike on Monday after "
        "accepting a 6 percent wage rise, and the port reopened.",
    },
    {
        "id": "bridge",
        "articles": [
            {"title": "Bridge opens", "text": "A new bridge over the Vardar river opened in "
             "Skopje on Friday. It cost 12 million euros and took three years to build."},
            {"title": "Skopje bridge", "text": "Mayor Ana Petrova opened the Vardar bridge on "
             "Friday. The bridge carries two tram lines and a cycle path."},
            {"title": "Traffic plan", "text": "City officials in Skopje expect the new bridge "
             "to cut commuting times. The bridge cost 12 million euros, the city said."},
        ],
        "reference_summary": "Skopje opened a 12 million euro bridge over the Vardar river on "
        "Friday, with tram lines and a cycle path.",
    },
]


@pytest.fixture
def stub() -> Iterator[object]:
    server = start_stub()
    yield server
    server.close()


@pytest.fixture
def suite_file(tmp_path: Path) -> Path:
    clusters = tmp_path / "clusters.jsonl"
    clusters.write_text("\n".join(json.dumps(c) for c in CLUSTERS) + "\n", encoding="utf-8")
    planted_prompts(tmp_path / "planted")
    path = tmp_path / "suite.toml"
    path.write_text(
        'name = "test"\nbaseline = "extractive"\ncache_dir = "cache"\noutput_dir = "out"\n'
        # A topic: all of a cluster's passages in one prompt (without one, each story is its
        # own section and a one-passage section leaves a writer nothing to mis-cite)
        '[[corpora]]\nname = "news"\nclusters = "clusters.jsonl"\n'
        'topic = "Tallin port strike and the Skopje bridge over the Vardar"\n'
        '[[variants]]\nname = "extractive"\nwriter = "extractive"\nk = 6\n'
        '[[variants]]\nname = "llm"\nwriter = "llm"\nmodel = "stub-model"\nk = 6\n'
        '[[variants]]\nname = "llm-planted"\nwriter = "llm"\nmodel = "stub-model"\nk = 6\n'
        'prompts = "planted"\n'
        '[[variants]]\nname = "llm-verify"\nwriter = "llm"\nmodel = "stub-model"\nk = 6\n'
        'verify = true\n',
        encoding="utf-8",
    )
    return path


def _run(suite_file: Path, stub: object, embedder: object, limit: int | None = None
         ) -> SuiteResult:
    suite = load_suite(suite_file)
    settings = Settings(openai_base_url=stub.base_url, openai_api_key="test")  # type: ignore[attr-defined]
    client = open_client(path=str(suite.cache_dir / "chroma"))

    def open_store(name: str) -> Store:
        return Store(client, embedder, name)  # type: ignore[arg-type]

    runner = SuiteRunner(
        suite,
        make_writer=lambda v: composition.build_writer(settings, embedder, v.writer, v.model,  # type: ignore[arg-type]
                                                       v.prompts),
        make_judge=lambda name: composition.build_judge(settings, name),
        make_verify=lambda v: composition.build_verify(settings, enabled=v.verify),
        now=NOW,
    )
    inputs = expand_corpora(suite.corpora, open_store=open_store,
                            user_store=lambda: open_store("unused"), work=suite.cache_dir)
    return run_suite(runner, limit_inputs(inputs, limit))


def test_suite_scores_variants_caches_and_gates(suite_file: Path, stub, embedder) -> None:
    first = _run(suite_file, stub, embedder)
    assert [v.name for v in first.variants] == ["extractive", "llm", "llm-planted", "llm-verify"]
    assert all(r.status == "ok" for r in first.results), [r.message for r in first.results]
    assert first.cached == 0 and len(first.results) == 8
    extractive, llm, planted, verified = first.variants
    # the stub quotes passages but cites every third one to the passage before it; the planted
    # prompt cites P1 for everything; the quoting extractive writer is faithful
    assert extractive.metrics["citation_recall"].mean == pytest.approx(1.0)
    assert 0.5 < llm.metrics["citation_recall"].mean < 1.0
    assert planted.metrics["citation_recall"].mean < llm.metrics["citation_recall"].mean
    assert planted.vs_baseline["citation_recall"].mean < 0
    # verification with the embedded judge flags (it does not cut) the mis-cited sentences
    # verification sends the mis-cited sentences to one repair request, which the stub answers
    # by citing the passage that says it: the verified variant's recall rises above the plain one
    assert verified.metrics["citation_recall"].mean > llm.metrics["citation_recall"].mean
    assert llm.metrics["verify_flagged"].n == 0
    assert llm.metrics["prompt_tokens"].mean > 0 and extractive.metrics["prompt_tokens"].mean == 0
    # coverage of the reference roundup is measured on every cluster
    assert extractive.metrics["rouge_l"].n == 2 and extractive.metrics["rouge_l"].mean > 0
    assert extractive.metrics["coverage_numbers"].mean > 0
    assert first.context["reference_flags_per_sentence"].n == 2
    estimate = llm.metrics["words"]
    assert estimate.low <= estimate.mean <= estimate.high

    stub.requests.clear()
    again = _run(suite_file, stub, embedder)
    assert again.cached == 8 and stub.requests == []  # nothing rebuilt, no LLM call
    for before, after in zip(first.variants, again.variants, strict=True):
        assert before.metrics["citation_recall"] == after.metrics["citation_recall"]

    floors = [parse_gate("citation_recall=0.5")]
    failures = check_bounds(again, floors, [])
    assert len(failures) == 1 and failures[0].startswith("llm-planted: citation_recall ")
    assert "< 0.500 (--fail-under)" in failures[0]

    # the same suite as a baseline: a planted variant that regressed is caught by name
    before = SuiteResult.model_validate_json(again.model_dump_json())
    before.variants[2] = before.variants[1].model_copy(update={"name": "llm-planted"})
    regressions = check_regressions(again, before, [parse_gate("citation_recall=0.05")], "old")
    assert len(regressions) == 1 and regressions[0].startswith("llm-planted: citation_recall fell")


@pytest.mark.slow
def test_limit_and_changed_prompt_rebuild_only_what_changed(
    suite_file: Path, stub, embedder
) -> None:
    one = _run(suite_file, stub, embedder, limit=1)
    assert {r.input for r in one.results} == {"news/harbor"}
    planted = suite_file.parent / "planted" / "brief_system.j2"
    planted.write_text(planted.read_text(encoding="utf-8") + "\nBe brief.\n", encoding="utf-8")
    both = _run(suite_file, stub, embedder)
    rebuilt = {(r.variant, r.input) for r in both.results if not r.cached}
    assert rebuilt == {("llm-planted", "news/harbor"), ("extractive", "news/bridge"),
                       ("llm", "news/bridge"), ("llm-planted", "news/bridge"),
                       ("llm-verify", "news/bridge")}
    assert not math.isnan(both.variants[0].metrics["citation_recall"].mean)


def test_folder_and_store_inputs_are_fingerprinted_by_content(tmp_path: Path, store) -> None:
    from digest.evaluate.suite.config import CorpusSpec

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.md").write_text("---\ntitle: A\n---\nThe port reopened on Monday.\n",
                                 encoding="utf-8")
    specs = [CorpusSpec(name="f", folder=folder, topic="port"), CorpusSpec(name="s", store=True)]

    def inputs() -> list:
        return expand_corpora(specs, open_store=lambda name: store, user_store=lambda: store,
                              work=tmp_path)

    before = {i.id: i.fingerprint for i in inputs()}
    built = inputs()[0].open_store()  # the folder ingested into its own collection
    assert [a.title for a in built.articles()] == ["A"]
    after_ingest = {i.id: i.fingerprint for i in inputs()}
    assert after_ingest["f"] == before["f"] and after_ingest["s"] != before["s"]
    (folder / "a.md").write_text("---\ntitle: A\n---\nThe port closed on Monday.\n",
                                 encoding="utf-8")
    assert inputs()[0].fingerprint != before["f"]


def test_the_cache_key_follows_the_code_that_made_the_result(monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """A changed writer, judge or neutrality rule must not read an old cached figure."""
    from digest.evaluate.suite import runner as suite_runner
    from digest.evaluate.suite.config import Variant
    from digest.evaluate.suite.inputs import EvalInput

    inp = EvalInput(id="c/1", corpus="c", topic=None, reference=None, fingerprint="f",
                    open_store=lambda: None, source_texts=lambda _s: [])  # type: ignore[arg-type]
    variant = Variant(name="v")
    before = suite_runner.result_key(inp, variant, "embedded", None)
    assert suite_runner.result_key(inp, variant.model_copy(update={"name": "w"}), "embedded",
                                   None) == before  # the name is not content
    monkeypatch.setattr(suite_runner, "code_version", lambda: "another-version")
    assert suite_runner.result_key(inp, variant, "embedded", None) != before
