"""Briefing -> the interactive HTML page (``digest brief --format html``, the daily ``.html``).

Rendered from :mod:`digest.render.view`, the same sections as every other format; each ``[n]``
carries the passage it cites (shown on hover, focus or click by a small inline script), with
the sentence highlighted. Values stay plain text; the template autoescapes them, and only
http(s) URLs become links (an article's metadata could carry ``javascript:``).
"""

from __future__ import annotations

import jinja2

from digest.briefing import Briefing
from digest.render.view import FLAG, digest_view


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("digest.render", "templates"),
        undefined=jinja2.StrictUndefined, autoescape=True, keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True,
    )


def render_html(briefing: Briefing, *, had_articles: bool | None = None) -> str:
    view = digest_view(briefing, had_articles=had_articles)
    return _env().get_template("brief.html.j2").render(v=view, flag=FLAG)
