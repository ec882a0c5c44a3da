"""Packaging: every package of the source tree is listed in pyproject (the list is explicit because
``prompts/`` is mapped into the wheel as ``digest.prompt_templates``), and the shipped prompts and
templates are package data, found through importlib.resources."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_directory_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "digest").rglob("__init__.py")}
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert config["package-dir"]["digest.prompt_templates"] == "prompts"
    assert "digest.prompt_templates" in listed


def test_prompts_resolve_as_package_data_with_their_hashes() -> None:
    from digest.prompts import default_prompts_dir, load_prompt

    directory = default_prompts_dir()
    shipped = sorted(p.name for p in (ROOT / "prompts").glob("*.j2"))
    assert shipped and sorted(p.name for p in directory.glob("*.j2")) == shipped
    prompt = load_prompt("brief_system", [], None)
    assert prompt.sha256 == hashlib.sha256((ROOT / "prompts" / "brief_system.j2").read_bytes()
                                           ).hexdigest()
