"""A plain, non-editable install works: build the wheel, install it into a fresh venv, and run
``digest brief --writer llm`` from it against the loopback OpenAI-compatible stub.

Catches prompts or templates that exist only in the source tree (an editable install hides that).
The fresh venv gets the project's *dependencies* through a ``.pth`` line pointing at this test
run's site-packages (installing them again would need minutes and the network), but ``digest``
itself comes only from the wheel: the editable finder of the outer venv is never activated.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from openai_stub import OpenAIStub, reply
from test_llm_cli import cite_every_passage

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-05-21T00:00:00+00:00"


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work),
                    str(ROOT)], check=True, capture_output=True, timeout=600)
    [wheel] = work.glob("digest-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "digest/prompt_templates/brief_system.j2" in names
    assert "digest/render/templates/digest.md.j2" in names
    assert "digest/cases/claims.jsonl" in names  # digest eval calibrate's default cases
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "outer-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return venv


@pytest.mark.slow
def test_wheel_install_writes_an_llm_briefing_with_packaged_prompts(
    wheel_venv: Path, openai_stub: OpenAIStub, corpus_store_path: Path, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(OPENAI_BASE_URL=openai_stub.base_url, DIGEST_HOME=str(tmp_path / "home"),
               DIGEST_LLM_TIMEOUT="20")
    where = subprocess.run(
        [str(wheel_venv / "bin" / "python"), "-c",
         "import digest, digest.prompts; print(digest.__file__); "
         "print(digest.prompts.default_prompts_dir())"],
        cwd=tmp_path, env=env, check=True, capture_output=True, text=True).stdout.split()
    assert all(str(wheel_venv) in line for line in where), where  # not the source tree

    openai_stub.responder = cite_every_passage
    out = tmp_path / "brief.md"
    result = subprocess.run(
        [str(wheel_venv / "bin" / "digest"), "--store", str(corpus_store_path), "brief",
         "Putin arrival in China", "--writer", "llm", "--now", NOW, "-o", str(out)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    sidecar = json.loads(out.with_suffix(".json").read_text())
    assert sidecar["writer"] == "llm" and all(s["citations"] for s in sidecar["sentences"])
    assert sidecar["prompts"]["brief_system"] and len(sidecar["prompts"]["brief_system"]) == 64
    assert "[1]" in out.read_text()


@pytest.mark.slow
def test_wheel_install_calibrates_on_the_packaged_cases(
    wheel_venv: Path, openai_stub: OpenAIStub, tmp_path: Path
) -> None:
    """``digest eval calibrate`` with no ``--cases``, run outside any source checkout."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(OPENAI_BASE_URL=openai_stub.base_url, DIGEST_HOME=str(tmp_path / "home"),
               DIGEST_LLM_TIMEOUT="20")
    openai_stub.responder = lambda request: reply("Yes")
    result = subprocess.run(
        [str(wheel_venv / "bin" / "digest"), "eval", "calibrate", "--judge", "llm", "--model",
         "m1"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    cases = ROOT / "evals" / "cases" / "claims.jsonl"
    count = sum(1 for line in cases.read_text().splitlines() if line.strip())
    assert f"on {count} cases" in " ".join((result.stdout + result.stderr).split())
    stored = json.loads((tmp_path / "home" / "calibration.json").read_text())
    assert str(wheel_venv) in stored["llm:m1"]["cases"]  # read from the installed package
