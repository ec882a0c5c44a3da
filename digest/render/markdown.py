"""Briefing -> Markdown / JSON / HTML, and the atomic file writer.

Pure functions over a :class:`Briefing`; the ``[n]`` markers are added here, from citation
data, never taken from writer text. Sentence text is untrusted (it is quoted from articles or
written by a model that read them), so before it enters a template it is flattened to one line
and Markdown-escaped (a sentence containing "[3]" or "## Sources" cannot forge a citation or a
section); the HTML template autoescapes.
"""

from __future__ import annotations

import logging
import re
from itertools import groupby
from pathlib import Path
from typing import Any, Literal

import jinja2

from digest.briefing import WRITER_LABELS, Briefing, CitedSentence, describe_window
from digest.render.output import write_atomic, write_files  # noqa: F401 (write_atomic re-exported)

logger = logging.getLogger(__name__)

Format = Literal["md", "json", "html"]
SENTENCES_PER_PARAGRAPH = 3
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")
_LINE_START = re.compile(r"^([>+\-=]|\d+[.)])")
_END = re.compile(r"([.!?]+)([\"”’')]*)$")


def _env(autoescape: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("digest.render", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def flat(text: str) -> str:
    """One line, single spaces: untrusted text cannot start a new block."""
    return " ".join(text.split())


def md_escape(text: str) -> str:
    escaped = _MD_SPECIAL.sub(r"\\\1", flat(text))
    return _LINE_START.sub(r"\\\1", escaped)


def marker(numbers: list[int]) -> str:
    return "[" + ", ".join(str(n) for n in numbers) + "]"


def with_marker(text: str, numbers: list[int]) -> str:
    """Put ``[1, 3]`` before the sentence's final stop, as the seed digests do."""
    match = _END.search(text)
    if match and not match.group(2):
        return f"{text[: match.start()]} {marker(numbers)}{match.group(1)}"
    return f"{text} {marker(numbers)}"


def _joined(clauses: list[CitedSentence], escape: bool) -> str:
    """Clauses of one group -> "Some reports say … [1]; others say … [4]."."""
    clean = md_escape if escape else flat
    parts = [f"{clean(c.text)} {marker(c.numbers)}" for c in clauses]
    return "; ".join(parts) + "."


def sentence_units(sentences: list[CitedSentence]) -> list[list[CitedSentence]]:
    """Sentences, with the clauses of a group kept together as one unit."""
    units: list[list[CitedSentence]] = []
    for group, items in groupby(sentences, key=lambda s: s.group):
        run = list(items)
        units.extend([run] if group is not None else [[s] for s in run])
    return units


def in_section(briefing: Briefing, section: str) -> list[CitedSentence]:
    return [s for s in briefing.sentences if s.section == section]


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


def header(briefing: Briefing) -> str:
    writer = WRITER_LABELS.get(briefing.writer, briefing.writer)
    model = f" ({briefing.model})" if briefing.model else ""
    parts = [
        f"Written by the {writer}{model}",
        describe_window(briefing.window_start, briefing.window_end),
        f"{len(briefing.sources)} sources",
        f"generated {briefing.generated_at:%Y-%m-%d %H:%M} UTC",
        verification_line(briefing),
    ]
    return " · ".join(parts)


def verification_line(briefing: Briefing) -> str:
    """"verified: 11 of 11 sentences supported by their cited passages (judge: embedded)"."""
    v = briefing.verification
    if v is None:
        return "not verified"
    shipped = v.checked - v.cut
    line = (f"verified: {v.supported + v.repaired} of {shipped} sentences supported by their "
            f"cited passages (judge: {v.judge})")
    extras = [f"{v.repaired} repaired" if v.repaired else "",
              f"{v.flagged} unverified" if v.flagged else "",
              f"{v.cut} cut" if v.cut else ""]
    extras = [e for e in extras if e]
    return line + (f"; {', '.join(extras)}" if extras else "")


def source_line(n: int, article: Any, *, escape: bool) -> str:
    clean = md_escape if escape else flat
    date = f" ({article.published:%Y-%m-%d})" if article.published else ""
    url = f" {article.url}" if article.url else ""
    outlet, title = clean(article.outlet or "Unknown outlet"), clean(article.title or "Untitled")
    return f"[{n}] {outlet} — {title}{date}{url}"


def render_markdown(briefing: Briefing) -> str:
    return _env(False).get_template("brief.md.j2").render(**markdown_context(briefing))


def render_json(briefing: Briefing) -> str:
    return briefing.model_dump_json(indent=2) + "\n"


def render_html(briefing: Briefing) -> str:
    from digest.render.html import html_context

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
