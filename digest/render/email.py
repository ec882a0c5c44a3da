"""A script-free HTML digest for mail clients, feed readers and the static archive.

The interactive page (``brief.html.j2``) shows a citation's passage on hover with a script;
mail clients strip scripts and most CSS, so here every ``[n]`` is a plain link to the cited
article itself, styles are inline, and nothing is loaded from elsewhere. The same page, with
prev/next navigation, is the archive's day page, and its body is the Atom entry's content.
The sections, sentences, flags and footnotes come from :func:`digest.render.view.digest_view`
(the one view every format renders); the template autoescapes untrusted article text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jinja2

from digest.briefing import Briefing
from digest.render.text import flat
from digest.render.view import FLAG, digest_view


@dataclass(frozen=True)
class Nav:
    """Links around an archive day page (relative URLs; ``None`` where there is no such day)."""

    index: str
    prev: tuple[str, str] | None = None  # (label, href)
    next: tuple[str, str] | None = None
    original: list[tuple[str, str]] | None = None  # the digest's own files


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("digest.render", "templates"),
        undefined=jinja2.StrictUndefined, autoescape=True,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
    )


def top_stories(briefing: Briefing) -> list[str]:
    """Story headings, one line each (they come from article titles: untrusted)."""
    return [flat(heading) for heading in briefing.stories]


def render_email_html(briefing: Briefing, nav: Nav | None = None, *,
                      fragment: bool = False) -> str:
    """The whole page (or, ``fragment``, just its body for a feed entry); a pure function."""
    return _env().get_template("email.html.j2").render(
        v=digest_view(briefing), nav=nav, fragment=fragment, flag=FLAG)


def render_archive_index(title: str, days: list[dict[str, Any]], feed: str | None) -> str:
    """``index.html``: every day, newest first, with its top stories and its links."""
    return _env().get_template("archive_index.html.j2").render(title=title, days=days, feed=feed)
