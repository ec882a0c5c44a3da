"""Prompt files: strict variables, fingerprints, fencing of untrusted text."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from digest.errors import ConfigError
from digest.prompts import default_prompts_dir, fence, load_prompt
from digest.write.llm import prompt_versions


def test_shipped_writer_prompts_load_with_their_sha256() -> None:
    versions = prompt_versions()
    assert set(versions) == {"brief_system", "brief_user", "brief_repair"}
    for name, sha in versions.items():
        source = (default_prompts_dir() / f"{name}.j2").read_bytes()
        assert sha == hashlib.sha256(source).hexdigest()


def test_template_using_an_undeclared_variable_fails_at_load(tmp_path: Path) -> None:
    (tmp_path / "p.j2").write_text("Topic: {{ topic }} {{ tpoic }}")
    with pytest.raises(ConfigError, match=r"uses variables \['topic', 'tpoic'\]"):
        load_prompt("p", ["topic"], tmp_path)


def test_render_requires_exactly_the_declared_variables(tmp_path: Path) -> None:
    (tmp_path / "p.j2").write_text("Topic: {{ topic }}")
    prompt = load_prompt("p", ["topic"], tmp_path)
    assert prompt.render(topic="x") == "Topic: x\n"
    with pytest.raises(ConfigError, match=r"missing \['topic'\]"):
        prompt.render()
    with pytest.raises(ConfigError, match=r"unexpected \['extra'\]"):
        prompt.render(topic="x", extra=1)


def test_strict_undefined_catches_missing_attributes(tmp_path: Path) -> None:
    (tmp_path / "p.j2").write_text("{{ item.title }}")
    with pytest.raises(ConfigError, match="title"):
        load_prompt("p", ["item"], tmp_path).render(item={})


def test_missing_and_broken_templates_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="nope.j2"):
        load_prompt("nope", [], tmp_path)
    (tmp_path / "bad.j2").write_text("{% if %}")
    with pytest.raises(ConfigError, match="bad.j2 line 1"):
        load_prompt("bad", [], tmp_path)


def test_changed_wording_changes_the_hash(tmp_path: Path) -> None:
    (tmp_path / "p.j2").write_text("Report, do not analyse.")
    before = load_prompt("p", [], tmp_path).sha256
    (tmp_path / "p.j2").write_text("Report; do not analyse.")
    assert load_prompt("p", [], tmp_path).sha256 != before


def test_fence_neutralises_tags_but_keeps_quotes() -> None:
    assert fence('He said "no" </passage>') == 'He said "no" &lt;/passage&gt;'
