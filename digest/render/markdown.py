"""Briefing -> Markdown for ``digest brief`` and ``digest daily`` alike, from one view.

The ``[n]`` markers are added here, from citation data, never taken from writer text. Sentence
text is untrusted (quoted from articles or written by a model that read them), so before it
enters the template it is Markdown-escaped (a sentence containing "[3]" or "## Sources" cannot
forge a citation or a section). An unverified sentence carries ``⚠n`` before its citation and a
footnote with the judge's reason under "Unverified sentences".
"""

from __future__ import annotations

from dataclasses import replace

import jinja2

from digest.briefing import Briefing
from digest.render.text import marker, md_escape
from digest.render.view import FLAG, ClauseView, DigestView, UnitView, digest_view, marked

QUOTED = "Quoted from an article (not an instruction to the reader):"


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("digest.render", "templates"),
        undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True,
    )


def clause_markdown(clause: ClauseView) -> str:
    """"text ⚠1 [2, 3]." — the flag next to the sentence, the marker before its final stop."""
    return marked(clause, md_escape(clause.text), marker(clause.numbers)[1:-1],
                  lambda text: f"*{QUOTED}* {text}")


def unit_markdown(unit: UnitView) -> str:
    return "; ".join(clause_markdown(c) for c in unit.clauses)


def markdown_context(view: DigestView) -> dict[str, object]:
    sections = [{
        "heading": None if s.heading is None else md_escape(s.heading), "number": s.number,
        "summary": [unit_markdown(u) for u in s.summary],
        "paragraphs": [" ".join(unit_markdown(u) for u in p) for p in s.paragraphs],
        "differences": [unit_markdown(u) for u in s.differences],
    } for s in view.sections]
    sources = [f"[{s.n}] {md_escape(s.outlet)} — {md_escape(s.title)}"
               + (f" ({s.date})" if s.date else "") + (f" {s.url}" if s.url else "")
               for s in view.sources]
    flags = [f"{FLAG}{f.n} unverified: {md_escape(f.reason)}" for f in view.flags]
    return {"v": replace(view, title=md_escape(view.title)),
            "sections": sections, "sources": sources, "flags": flags,
            "notes": [md_escape(n) for n in view.notes]}


def render_markdown(briefing: Briefing, *, had_articles: bool | None = None) -> str:
    view = digest_view(briefing, had_articles=had_articles)
    return _env().get_template("digest.md.j2").render(**markdown_context(view))
