"""Text helpers every renderer shares: one-line and Markdown-escaped text, ``[n]`` markers,
sentence units, sections, the header line and a Sources line.

Its own module so ``markdown``, ``html``, ``daily`` and ``email`` all import from here and none
imports another renderer (no import cycle). Pure functions of a :class:`Briefing`.
"""

from __future__ import annotations

import re
from itertools import groupby
from typing import Any

from digest.briefing import (
    WRITER_LABELS,
    Briefing,
    CitedSentence,
    Verification,
    describe_window,
)

SENTENCES_PER_PARAGRAPH = 3
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")
_LINE_START = re.compile(r"^([>+\-=]|\d+[.)])")
_END = re.compile(r"([.!?]+)([\"”’')]*)$")


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


def sentence_units(sentences: list[CitedSentence]) -> list[list[CitedSentence]]:
    """Sentences, with the clauses of a group kept together as one unit."""
    units: list[list[CitedSentence]] = []
    for group, items in groupby(sentences, key=lambda s: s.group):
        run = list(items)
        units.extend([run] if group is not None else [[s] for s in run])
    return units


def in_section(briefing: Briefing, section: str) -> list[CitedSentence]:
    return [s for s in briefing.sentences if s.section == section]


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


def reader_units(briefing: Briefing) -> list[list[CitedSentence]]:
    """The sentences a reader counts: summary, body, then differences, a clause group as one.

    ``digest eval`` reads our digests the same way (:mod:`digest.evaluate.own`), so the
    header's "N of M sentences" and eval's counts agree.
    """
    units: list[list[CitedSentence]] = []
    for section in ("summary", "body", "differences"):
        units += sentence_units(in_section(briefing, section))
    return units


def reader_verification(briefing: Briefing) -> Verification | None:
    """The verify stage's summary with its counts per sentence as the reader sees them (a
    "some … others …" sentence of two clauses is one sentence, supported when both clauses
    are, unverified when either is). The header and ``digest runs`` both show these counts."""
    v = briefing.verification
    if v is None:
        return None
    units = reader_units(briefing)

    def statuses(unit: list[CitedSentence]) -> set[str]:
        return {s.check.status if s.check is not None else "unchecked" for s in unit}

    shipped = [statuses(u) for u in units]
    return v.model_copy(update={
        "checked": len(units) + v.cut,
        "supported": sum(1 for s in shipped if s == {"supported"}),
        "repaired": sum(1 for s in shipped if "repaired" in s and s <= {"supported", "repaired"}),
        "flagged": sum(1 for s in shipped if "flagged" in s)})


def verification_line(briefing: Briefing) -> str:
    """"verified: 11 of 11 sentences supported by their cited passages (judge: trained)".

    Counted per sentence as the reader sees it: a "some … others …" sentence of two clauses
    is one sentence, supported when both clauses are, unverified when either is.
    """
    v = reader_verification(briefing)
    if v is None:
        return "not verified"
    line = (f"verified: {v.supported + v.repaired} of {v.checked - v.cut} sentences supported "
            f"by their cited passages (judge: {v.judge})")
    extras = [f"{v.repaired} repaired" if v.repaired else "",
              f"{v.flagged} unverified (marked ⚠)" if v.flagged else "",
              f"{v.cut} cut" if v.cut else ""]
    extras = [e for e in extras if e]
    return line + (f"; {', '.join(extras)}" if extras else "")


def source_line(n: int, article: Any, *, escape: bool) -> str:
    clean = md_escape if escape else flat
    date = f" ({article.published:%Y-%m-%d})" if article.published else ""
    url = f" {article.url}" if article.url else ""
    outlet, title = clean(article.outlet or "Unknown outlet"), clean(article.title or "Untitled")
    return f"[{n}] {outlet} — {title}{date}{url}"
