"""The files of one daily digest: Markdown, JSON sidecar and (optionally) the HTML page.

The same renderers as ``digest brief`` (one view, :mod:`digest.render.view`): a daily digest is
a briefing with one section per story, so its Markdown, HTML page, email and archive page all
show those sections. Pure functions of the :class:`Briefing`: no clock, no paths, so the same
briefing always gives the same bytes.
"""

from __future__ import annotations

from digest.briefing import Briefing
from digest.render.html import render_html
from digest.render.markdown import render_markdown
from digest.render.sidecar import render_json
from digest.render.view import NO_NEWS, NO_SENTENCES

__all__ = ["NO_NEWS", "NO_SENTENCES", "render_daily", "render_daily_markdown"]


def render_daily_markdown(briefing: Briefing, *, had_articles: bool) -> str:
    return render_markdown(briefing, had_articles=had_articles)


def render_daily(briefing: Briefing, *, had_articles: bool, html: bool) -> dict[str, str]:
    """Suffix -> text for every file of one digest, rendered before any is written."""
    files = {".md": render_markdown(briefing, had_articles=had_articles),
             ".json": render_json(briefing)}
    if html:
        files[".html"] = render_html(briefing, had_articles=had_articles)
    return files
