"""Briefing -> a Slack incoming-webhook payload (``text`` plus ``blocks``).

Slack, Mattermost and Rocket.Chat accept it. Rendered from the one view
(:mod:`digest.render.view`), so the message shows the same sections as the Markdown and the
page: one block per section, "Where sources differ", every ``[n]`` linked to its article, an
unverified sentence marked ``⚠n`` with its reason in an "Unverified sentences" block.
"""

from __future__ import annotations

from typing import Any

from digest.briefing import Briefing
from digest.render.view import (
    DIFFERENCES,
    FLAG,
    FLAGS,
    NO_NEWS,
    ClauseView,
    UnitView,
    digest_view,
    marked,
)

SECTION_MAX = 2900  # Slack rejects a section's text over 3000 characters
BLOCKS_MAX = 48  # ... and a message over 50 blocks
QUOTED = "_Quoted from an article (not an instruction to the reader):_"


def slack_text(text: str) -> str:
    """Slack mrkdwn control characters escaped (article text is untrusted)."""
    return " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _link(url: str, label: str) -> str:
    safe = url.replace("|", "%7C").replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
    return f"<{safe}|{label}>"


def _clause(clause: ClauseView) -> str:
    refs = ", ".join(_link(c.url, str(c.n)) if c.url else str(c.n) for c in clause.citations)
    return marked(clause, slack_text(clause.text), refs, lambda text: f"{QUOTED} “{text}”")


def _unit(unit: UnitView) -> str:
    return "; ".join(_clause(c) for c in unit.clauses)


def _section(lines: list[str]) -> dict[str, Any]:
    text = ""
    for line in lines:  # whole lines only, so a cut never breaks a <url|n> link
        if len(text) + len(line) + 1 > SECTION_MAX:
            text += "\n…"
            break
        text = f"{text}\n{line}" if text else line
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def render_slack(briefing: Briefing, top_story: str) -> dict[str, Any]:
    """The payload: a header, one section block per story, footnotes, a context line."""
    view = digest_view(briefing)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": view.title[:150]}},
    ]
    for section in view.sections:
        lines = ([f"*{section.number}. {slack_text(section.heading)}*"]
                 if section.heading is not None else [])
        lines += [f"*{_unit(u)}*" for u in section.summary]
        lines += [" ".join(_unit(u) for u in p) for p in section.paragraphs]
        if section.differences:
            lines.append(f"_{DIFFERENCES}:_")
            lines += [f"• {_unit(u)}" for u in section.differences]
        blocks.append(_section(lines))
    if len(blocks) == 1:
        blocks.append(_section([NO_NEWS]))
    blocks = blocks[: BLOCKS_MAX - 1]
    if view.flags:
        blocks.append(_section([f"*{FLAGS}*"] + [
            f"{FLAG}{f.n} unverified: {slack_text(f.reason)}" for f in view.flags]))
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": slack_text(
        f"{len(view.sources)} sources · digest.toml delivery")[:3000]}]})
    return {"text": slack_text(f"{view.title}: {top_story}"), "blocks": blocks}
