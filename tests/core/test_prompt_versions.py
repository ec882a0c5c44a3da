"""Editing any prompt template a run used shows everywhere the run is remembered (issue 22):
the judge's prompt hashes, the sidecar's ``verification.judge_prompts``, the daily fingerprint
and the suite cache key. The LLM judge is built for real (no request is sent to build it)."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import digest.prompts as prompts_module
from digest.app import build_judge
from digest.briefing import DraftSentence, Passage
from digest.config import Settings
from digest.daily.project import Project
from digest.daily.run import _fingerprint
from digest.daily.runs import Window
from digest.evaluate.suite.config import Variant
from digest.evaluate.suite.inputs import EvalInput
from digest.evaluate.suite.runner import result_key
from digest.judges.base import Judgement
from digest.models import Chunk, StoredArticle
from digest.prompts import prompt_versions
from digest.write.extractive import ExtractiveWriter
from digest.write.verify import VerifyOptions, verify_drafts


def _judge(tmp_path: Path):
    settings = Settings(home=tmp_path / "home", openai_base_url="http://127.0.0.1:9/v1")
    return build_judge(settings, "llm:some-model")


@pytest.fixture
def edit_prompt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Returns a function that copies the shipped templates, edits one, and makes it current."""
    def edit(name: str) -> None:
        folder = tmp_path / f"prompts-{name}"
        shutil.copytree(prompts_module.default_prompts_dir(), folder)
        path = folder / f"{name}.j2"
        path.write_text(path.read_text(encoding="utf-8") + "\nBe brief.\n", encoding="utf-8")
        monkeypatch.setattr(prompts_module, "default_prompts_dir", lambda: folder)
    return edit


@pytest.mark.parametrize("template", ["judge_yesno", "judge_system"])
def test_an_edited_judge_prompt_changes_hashes_fingerprint_and_cache_key(
    tmp_path: Path, edit_prompt, template: str,
) -> None:
    before = _judge(tmp_path)
    edit_prompt(template)
    after = _judge(tmp_path)
    assert set(prompt_versions(before)) >= {"judge_yesno", "judge_system"}
    assert prompt_versions(before)[template] != prompt_versions(after)[template]

    project = Project(sources=[])
    day = date(2026, 5, 20)
    window = Window(day, datetime(2026, 5, 20, tzinfo=UTC), datetime(2026, 5, 21, tzinfo=UTC),
                    True)
    writer = ExtractiveWriter(None)  # type: ignore[arg-type] - never asked to write here

    def fingerprint(judge) -> str:  # noqa: ANN001
        return _fingerprint(project, window, [], [], writer, VerifyOptions(judge=judge))

    assert fingerprint(before) != fingerprint(after)
    assert fingerprint(after) == fingerprint(_judge(tmp_path / "again"))  # only the edit counts
    inp = EvalInput(id="c/1", corpus="c", topic=None, reference=None, fingerprint="f",
                    open_store=lambda: None, source_texts=lambda _s: [])  # type: ignore[arg-type]
    variant = Variant(name="v", verify=True, judge="llm:some-model")
    keys = {result_key(inp, variant, "llm:some-model", None, prompt_versions(j))
            for j in (before, after)}
    assert len(keys) == 2


class _ScriptedJudge:
    """The LLM boundary only: answers like a judge model; prompts as the real judge has them."""

    name, threshold = "llm:some-model", 0.5

    def __init__(self, prompts: dict[str, str]) -> None:
        self.prompts = prompts

    def judge(self, claim: str, sources: list[str]) -> Judgement:
        return Judgement(0.9 if claim in sources[0] else 0.1, 0, 0, len(sources[0]))


def test_the_sidecar_records_the_judges_prompt_hashes(tmp_path: Path) -> None:
    real = _judge(tmp_path)
    text = "Putin arrived in Beijing on Tuesday for two days of talks."
    passage = Passage(
        id="P1", chunk=Chunk(id="a:0", article_id="a", text=text, start=0, end=len(text),
                             position=0),
        article=StoredArticle(id="a", outlet="Outlet", title="Title", content_hash="h", chunks=1))
    _shipped, _cut, summary = verify_drafts(
        [DraftSentence(text=text, passage_ids=["P1"], section="body")], [passage],
        _ScriptedJudge(prompt_versions(real)))  # type: ignore[arg-type]
    assert summary.judge_prompts == prompt_versions(real)
    assert "judge_prompts" in summary.model_dump_json()
