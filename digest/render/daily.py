"""Markdown and HTML for a daily digest: one section per story, one Sources list, a footer.

Each story's section is the brief renderer's own output (:func:`digest.render.markdown_context`
on the story's sentences), so escaping, ``[n]`` placement and the "some … others …" clauses
are exactly those of ``digest brief``; only the layout around the sections is ours
(``templates/daily.md.j2``). Pure functions of the :class:`Briefing`: no clock, no paths, so
the same briefing always gives the same bytes.
"""

from __future__ import annotations

from typing import Any

import jinja2

from digest.briefing import Briefing
from digest.render.markdown import markdown_context, render_html, render_json
from digest.render.text import header, md_escape

NO_NEWS = "No new coverage in this window."
NO_SENTENCES = "No citable sentence could be drawn from this window's articles."


def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("digest.render", "templates"), undefined=jinja2.StrictUndefined,
        autoescape=False, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
    )
    return env.get_template("daily.md.j2")


def daily_context(briefing: Briefing, *, had_articles: bool) -> dict[str, Any]:
    whole = markdown_context(briefing)
    stories = []
    for index, heading in enumerate(briefing.stories):
        own = briefing.model_copy(update={
            "sentences": [s for s in briefing.sentences if s.story == index]})
        part = markdown_context(own)
        stories.append({"heading": md_escape(heading), "summary": part["summary"],
                        "paragraphs": part["paragraphs"], "differences": part["differences"]})
    return {
        "b": briefing, "title": whole["title"], "header": header(briefing), "stories": stories,
        "sources": whole["sources"], "notes": [md_escape(n) for n in briefing.notes],
        "empty": NO_SENTENCES if had_articles else NO_NEWS,
    }


def render_daily_markdown(briefing: Briefing, *, had_articles: bool) -> str:
    return _template().render(**daily_context(briefing, had_articles=had_articles))


def render_daily(briefing: Briefing, *, had_articles: bool, html: bool) -> dict[str, str]:
    """Suffix -> text for every file of one digest, rendered before any is written."""
    files = {".md": render_daily_markdown(briefing, had_articles=had_articles),
             ".json": render_json(briefing)}
    if html:
        files[".html"] = render_html(briefing)
    return files
