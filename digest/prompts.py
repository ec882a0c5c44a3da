"""Prompt templates as files: load ``prompts/*.j2``, check their variables, fingerprint them.

Why files and not string constants: a prompt is part of a run's provenance. Each loaded
template carries its name and the sha256 of its source, so a run record can say exactly
which wording produced a digest, and a changed prompt shows up as a changed hash.

Templates render with ``StrictUndefined`` (a missing variable is an error, never an empty
string), and the variables a template uses must match the set its caller declares when
loading it, so a typo in either place fails at load time instead of producing a quiet,
half-filled prompt (the way paper-qa's ``PromptSettings`` rejects unknown placeholders).

No template text lives here.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta

from digest.errors import ConfigError

logger = logging.getLogger(__name__)



def default_prompts_dir() -> Path:
    """The shipped templates: package data of ``digest.prompt_templates`` (top-level ``prompts/``).

    Resolved through ``importlib.resources`` so a plain, non-editable install finds them too.
    """
    return Path(str(importlib.resources.files("digest.prompt_templates")))


def fence(text: object) -> str:
    """Neutralise angle brackets in untrusted text so it cannot close our ``<passage>`` tags.

    Only ``<`` and ``>`` are touched: quotes and ampersands are common in news text and are
    harmless inside the delimiters, and escaping them would cost tokens and confuse quoting.
    """
    return str(text).replace("<", "&lt;").replace(">", "&gt;")


def _environment(directory: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(directory)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # prompts are plain text, not HTML
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fence"] = fence
    return env


@dataclass(frozen=True)
class Prompt:
    """A loaded template: render it with exactly its declared variables."""

    name: str
    sha256: str
    variables: frozenset[str]
    _template: jinja2.Template

    def render(self, **values: Any) -> str:
        """Render with exactly the declared variables; anything else is a programming error."""
        given = set(values)
        if given != self.variables:
            missing = sorted(self.variables - given)
            extra = sorted(given - self.variables)
            raise ConfigError(
                f"prompt {self.name!r} needs variables {sorted(self.variables)}: "
                f"missing {missing}, unexpected {extra}"
            )
        try:
            return self._template.render(**values).strip() + "\n"
        except jinja2.UndefinedError as exc:  # e.g. an attribute missing on a passed object
            raise ConfigError(f"prompt {self.name!r}: {exc}") from exc


def load_prompt(name: str, variables: Iterable[str], directory: Path | None = None) -> Prompt:
    """Load ``<directory>/<name>.j2`` and check that it uses exactly ``variables``.

    Raises :class:`ConfigError` naming the file when it is missing, does not parse, or uses
    a variable set other than the declared one.
    """
    directory = directory or default_prompts_dir()
    path = directory / f"{name}.j2"
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"prompt template {path} cannot be read: {exc}") from exc
    env = _environment(directory)
    try:
        used = meta.find_undeclared_variables(env.parse(source))
        template = env.from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(f"prompt template {path} line {exc.lineno}: {exc.message}") from exc
    declared = frozenset(variables)
    if used != declared:
        raise ConfigError(
            f"prompt template {path} uses variables {sorted(used)} but its caller provides "
            f"{sorted(declared)}; make them match"
        )
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    logger.debug("loaded prompt %s sha256=%s", name, digest[:12])
    return Prompt(name=name, sha256=digest, variables=declared, _template=template)


def prompt_versions(component: object) -> dict[str, str]:
    """Template name -> sha256 of every prompt ``component`` (a writer or a judge) renders.

    Components that send no prompt (the extractive writer, the offline judges) have none. The
    sidecar, the daily fingerprint and the suite cache key all read prompts through here, so
    editing any ``.j2`` a run used changes all three.
    """
    return dict(getattr(component, "prompts", None) or {})
