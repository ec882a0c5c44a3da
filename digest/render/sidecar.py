"""Briefing -> its JSON form: the sidecar written next to every Markdown digest.

Everything a digest knows (sentences, checks, citations with offsets, passages, dropped
sentences with reasons) is here, so ``digest eval`` and ``digest runs`` need no Markdown
round trip.
"""

from __future__ import annotations

from digest.briefing import Briefing


def render_json(briefing: Briefing) -> str:
    return briefing.model_dump_json(indent=2) + "\n"
