"""A script-free HTML digest for mail clients, feed readers and the static archive.

The interactive page (``brief.html.j2``) shows a citation's passage on hover with a script;
mail clients strip scripts and most CSS, so here every ``[n]`` is a plain link to the cited
article itself, styles are inline, and nothing is loaded from elsewhere. The same page, with
prev/next navigation, is the archive's day page, and its body is the Atom entry's content.
The sentence structure comes from :func:`digest.render.html.html_context` (one grouping and
punctuation logic for every HTML form); the template autoescapes untrusted article text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jinja2

from digest.briefing import Briefing
from digest.render.daily import NO_NEWS, NO_SENTENCES
from digest.render.html import html_context
from digest.render.text import flat


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


def story_views(briefing: Briefing) -> list[dict[str, Any]]:
    """Per story: heading, summary units, paragraphs of units, differences (html_context's)."""
    views = []
    for index, heading in enumerate(top_stories(briefing)):
        own = briefing.model_copy(update={
            "sentences": [s for s in briefing.sentences if s.story == index]})
        part = html_context(own)
        views.append({"heading": heading, "summary": part["summary"],
                      "paragraphs": part["paragraphs"], "differences": part["differences"]})
    return views


def email_context(briefing: Briefing, nav: Nav | None = None, *,
                  fragment: bool = False) -> dict[str, Any]:
    whole = html_context(briefing)
    return {
        "title": whole["title"], "header": whole["header"], "stories": story_views(briefing),
        "sources": whole["sources"], "links": {s["n"]: s["url"] for s in whole["sources"]},
        "notes": [flat(note) for note in briefing.notes], "dropped": whole["dropped"],
        "empty": NO_SENTENCES if briefing.passages else NO_NEWS, "nav": nav,
        "fragment": fragment,
    }


def render_email_html(briefing: Briefing, nav: Nav | None = None, *,
                      fragment: bool = False) -> str:
    """The whole page (or, ``fragment``, just its body for a feed entry); a pure function."""
    return _env().get_template("email.html.j2").render(
        **email_context(briefing, nav, fragment=fragment))


def render_archive_index(title: str, days: list[dict[str, Any]], feed: str | None) -> str:
    """``index.html``: every day, newest first, with its top stories and its links."""
    return _env().get_template("archive_index.html.j2").render(title=title, days=days, feed=feed)
