"""Briefing -> Markdown / JSON / HTML, and the atomic file writer.

Pure functions over a :class:`Briefing`; the ``[n]`` markers are added here, from citation
data, never taken from writer text. Sentence text is untrusted (it is quoted from articles or
written by a model that read them), so before it enters a template it is flattened to one line
and Markdown-escaped (a sentence containing "[3]" or "## Sources" cannot forge a citation or a
section); the HTML template autoescapes.
"""

from __future__ import annotations

import logging
from itertools import groupby
from pathlib import Path
from typing import Any, Literal

import jinja2

from digest.briefing import Briefing, CitedSentence
from digest.render.html import html_context
from digest.render.output import write_atomic, write_files  # noqa: F401 (write_atomic re-exported)
from digest.render.text import (
    SENTENCES_PER_PARAGRAPH,
    flat,
    header,
    in_section,
    marker,
    md_escape,
    sentence_units,
    source_line,
    with_marker,
)

logger = logging.getLogger(__name__)

Format = Literal["md", "json", "html"]


def _env(autoescape: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("digest.render", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _joined(clauses: list[CitedSentence], escape: bool) -> str:
    """Clauses of one group -> "Some reports say … [1]; others say … [4]."."""
    clean = md_escape if escape else flat
    parts = [f"{clean(c.text)} {marker(c.numbers)}" for c in clauses]
    return "; ".join(parts) + "."


def markdown_context(briefing: Briefing) -> dict[str, Any]:
    def line(unit: list[CitedSentence]) -> str:
        if len(unit) > 1 or unit[0].group is not None:
            return _joined(unit, escape=True)
        return with_marker(md_escape(unit[0].text), unit[0].numbers)

    body = in_section(briefing, "body")
    paragraphs: list[str] = []
    for _story, items in groupby(body, key=lambda s: s.story):
        units = sentence_units(list(items))
        for i in range(0, len(units), SENTENCES_PER_PARAGRAPH):
            paragraphs.append(" ".join(line(u) for u in units[i : i + SENTENCES_PER_PARAGRAPH]))
    return {
        "b": briefing,
        "title": md_escape(briefing.title),
        "header": header(briefing),
        "summary": [line(u) for u in sentence_units(in_section(briefing, "summary"))],
        "paragraphs": paragraphs,
        "differences": [line(u) for u in sentence_units(in_section(briefing, "differences"))],
        "sources": [source_line(s.n, s.article, escape=True) for s in briefing.sources],
    }


def render_markdown(briefing: Briefing) -> str:
    return _env(False).get_template("brief.md.j2").render(**markdown_context(briefing))


def render_json(briefing: Briefing) -> str:
    return briefing.model_dump_json(indent=2) + "\n"


def render_html(briefing: Briefing) -> str:

    return _env(True).get_template("brief.html.j2").render(**html_context(briefing))


def render(briefing: Briefing, fmt: Format) -> str:
    renderers = {"md": render_markdown, "json": render_json, "html": render_html}
    return renderers[fmt](briefing)


def write_briefing(briefing: Briefing, path: Path, fmt: Format) -> list[Path]:
    """Write ``path`` (and, for Markdown, its ``.json`` sidecar first). Returns what was written."""
    files = {path.with_suffix(".json"): render_json(briefing)} if fmt == "md" else {}
    files[path] = render(briefing, fmt)
    written = write_files(files)  # every target checked before the first is written
    logger.info("wrote %s", ", ".join(map(str, written)))
    return written
