"""Issue 24 item 10: hostile suite files and corpora are one-line errors, bounded in memory,
and a cached result is reported under the variant name of the suite that asks for it."""

from __future__ import annotations

import json
import os
import resource
from datetime import UTC, datetime
from pathlib import Path

import pytest

from digest import app as composition
from digest.config import Settings
from digest.errors import ConfigError
from digest.evaluate.suite.config import CorpusSpec, load_suite
from digest.evaluate.suite.inputs import expand_corpora
from digest.evaluate.suite.runner import SuiteRunner
from digest.evaluate.suite.summary import run_suite
from digest.store import Store, open_client

AXES = "\n".join(f"{k} = [{', '.join(str(i) for i in range(100))}]"
                 for k in ("k", "model", "prompts", "judge"))
CORPUS = '[[corpora]]\nname = "c"\nstore = true\n'


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize(("data", "message"), [
    (os.urandom(4096), "not UTF-8 text"),
    (b"a = " + b"[" * 100_000, "nested too deeply"),
    (f"{CORPUS}[matrix]\n{AXES}\n".encode(), "100,000,000 variants"),
    (CORPUS.encode() + b"# " + b"x" * 2_000_000 + b"\n", "byte limit"),
])
def test_a_hostile_suite_file_is_one_line(tmp_path: Path, data: bytes, message: str) -> None:
    if message == "not UTF-8 text":
        data = b"\xff" + data  # never valid UTF-8, whatever the random bytes are
    path = tmp_path / "suite.toml"
    path.write_bytes(data)
    before = _peak_mb()
    with pytest.raises(ConfigError, match=message):
        load_suite(path)
    assert _peak_mb() - before < 200


def test_clusters_from_a_device_is_refused_without_reading_it(tmp_path: Path) -> None:
    spec = CorpusSpec(name="z", clusters=Path("/dev/zero"))
    before = _peak_mb()
    with pytest.raises(ConfigError, match="not a regular file"):
        expand_corpora([spec], open_store=lambda _n: None, user_store=lambda: None,  # type: ignore[arg-type,return-value]
                       work=tmp_path)
    assert _peak_mb() - before < 200


def test_a_clusters_line_over_the_ingest_limit_is_refused(tmp_path: Path, monkeypatch) -> None:
    from digest.evaluate.suite import inputs

    real = inputs.Limits
    monkeypatch.setattr(inputs, "Limits", lambda: real(max_file_bytes=1000))
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": "a", "articles": [{"text": "x" * 5000}]}) + "\n")
    with pytest.raises(ConfigError, match="line over the 1,000-byte limit"):
        expand_corpora([CorpusSpec(name="c", clusters=path)], open_store=lambda _n: None,  # type: ignore[arg-type,return-value]
                       user_store=lambda: None, work=tmp_path)  # type: ignore[arg-type,return-value]


CLUSTER = {"id": "harbor", "articles": [
    {"title": "Port reopens", "text": "The port of Tallin reopened on Monday after a three-day "
     "strike. Dock workers accepted a wage rise of 6 percent."},
    {"title": "Strike ends", "text": "Dock workers in Tallin ended their strike on Monday. The "
     "union said the 6 percent rise was a fair deal."}],
    "reference_summary": "Dock workers in Tallin ended a strike and the port reopened."}


def _suite(tmp_path: Path, variant: str) -> Path:
    (tmp_path / "c.jsonl").write_text(json.dumps(CLUSTER) + "\n")
    path = tmp_path / f"{variant}.toml"
    path.write_text(f'cache_dir = "cache"\noutput_dir = "out-{variant}"\njudge = "lexical"\n'
                    '[[corpora]]\nname = "news"\nclusters = "c.jsonl"\n'
                    f'[[variants]]\nname = "{variant}"\nwriter = "extractive"\nk = 4\n')
    return path


def _run(path: Path, embedder):  # type: ignore[no-untyped-def]
    suite = load_suite(path)
    settings = Settings()
    client = open_client(path=str(suite.cache_dir / "chroma"))
    runner = SuiteRunner(
        suite,
        make_writer=lambda v: composition.build_writer(settings, embedder, v.writer, v.model,
                                                       v.prompts),
        make_judge=lambda name: composition.build_judge(settings, name),
        now=datetime(2026, 5, 22, tzinfo=UTC),
    )
    inputs = expand_corpora(suite.corpora, open_store=lambda n: Store(client, embedder, n),
                            user_store=lambda: None, work=suite.cache_dir)  # type: ignore[arg-type,return-value]
    return run_suite(runner, inputs)


def test_variants_differing_only_in_name_report_their_own_name(tmp_path: Path, embedder) -> None:
    first = _run(_suite(tmp_path, "alpha"), embedder)
    second = _run(_suite(tmp_path, "beta"), embedder)
    assert second.cached == 1  # keyed by content: the same result, not rebuilt
    assert [v.name for v in second.variants] == ["beta"]
    assert second.variants[0].inputs == 1
    assert {r.variant for r in second.results} == {"beta"}
    assert first.variants[0].metrics["citation_recall"] == second.variants[0].metrics[
        "citation_recall"]


def test_suite_corpora_are_read_with_the_configured_limits(tmp_path: Path) -> None:
    """DIGEST_LIMITS__MAX_FILE_BYTES reaches a suite's clusters file through Services."""
    from digest.app import Services
    from digest.limits import Limits

    line = json.dumps({"id": "c1", "articles": [{"title": "t", "text": "x" * 5000}]})
    (tmp_path / "clusters.jsonl").write_text(line + "\n", encoding="utf-8")
    (tmp_path / "suite.toml").write_text(
        'name = "s"\ncache_dir = "cache"\noutput_dir = "out"\n'
        '[[corpora]]\nname = "c"\nclusters = "clusters.jsonl"\n'
        '[[variants]]\nname = "x"\n', encoding="utf-8")
    suite = load_suite(tmp_path / "suite.toml")
    small = Settings(home=tmp_path / "h", limits=Limits(max_file_bytes=1000))
    with pytest.raises(ConfigError, match="1,000-byte limit"):
        Services(small).suite_inputs(suite)
    assert len(Services(Settings(home=tmp_path / "h")).suite_inputs(suite)) == 1
