"""Documentation keeps up with the code (as sqlite-utils' test_docs does): every setting is in the
README's configuration table, and every command has help text."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from digest.cli import app
from digest.config import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _settings() -> list[str]:
    """``DIGEST_NAME`` per setting; nested groups as ``DIGEST_GROUP__NAME`` (env_nested_delimiter)."""
    names = []
    for name, field in Settings.model_fields.items():
        nested = getattr(field.annotation, "model_fields", None)
        if nested:
            names += [f"DIGEST_{name.upper()}__{sub.upper()}" for sub in nested]
        else:
            names.append(f"DIGEST_{name.upper()}")
    return sorted(names)


@pytest.mark.parametrize("name", _settings())
def test_every_setting_is_documented(name: str) -> None:
    assert f"`{name}`" in README, f"add {name} to the README's configuration table"


def _commands(group, prefix=""):  # type: ignore[no-untyped-def]
    for name, command in getattr(group, "commands", {}).items():
        yield f"{prefix}{name}", command
        yield from _commands(command, f"{prefix}{name} ")


@pytest.mark.parametrize("name,command", list(_commands(typer.main.get_command(app))))
def test_every_command_has_help_and_is_in_the_readme(name: str, command) -> None:  # type: ignore[no-untyped-def]
    assert (command.help or "").strip(), f"`digest {name}` has no help text"
    assert f"digest {name}" in README, f"`digest {name}` is not in the README"
