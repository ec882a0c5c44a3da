"""Passages as an LLM is shown them, and the text helpers the writer, repair and re-citation
share.

Why a module of its own: the writer (:mod:`digest.write.llm`), the repair request
(:mod:`digest.write.llm_fix`) and re-citation by code (:mod:`digest.write.recite`) must agree on
what the model saw (the same ``P1..Pn`` aliases, the same overlap trimming) and on what counts as
"the same words"; keeping that here lets those modules import it without importing each other.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from digest.briefing import MAX_CITATIONS, Passage


def show_passages(passages: list[Passage]) -> list[dict[str, Any]]:
    """The passages as the model sees them: grouped by article, under aliases ``P1..Pn``.

    Grouping an article's passages (in text order) under one outlet/date/title header helps
    attribution and states that header once instead of per passage. The sentence overlap
    between neighbouring chunks of one article is shown once: a passage's shown text is
    always a part of its own chunk, so any sentence drawn from it stays supported by it.
    """
    groups: dict[str, list[Passage]] = {}
    for p in passages:
        groups.setdefault(p.article.id, []).append(p)
    shown: list[dict[str, Any]] = []
    index = 0
    for members in groups.values():
        article = members[0].article
        items: list[dict[str, str]] = []
        end, last = members[0].chunk.start, ""
        for p in sorted(members, key=lambda m: m.chunk.start):
            index += 1
            alias, text = f"P{index}", p.chunk.text
            if end > p.chunk.start:
                text = text[end - p.chunk.start:].lstrip() or f"(same text as {last})"
            end, last = max(end, p.chunk.end), alias
            items.append({"id": alias, "passage_id": p.id, "text": text})
        shown.append({
            "outlet": article.outlet or "unknown outlet",
            "published": article.published.date().isoformat() if article.published else "unknown",
            "title": article.title or "untitled",
            "passages": items,
        })
    return shown


def aliases(shown: list[dict[str, Any]]) -> tuple[dict[str, str], dict[str, str]]:
    """(alias -> caller's passage id, alias -> text shown) of :func:`show_passages`' output."""
    items = [item for a in shown for item in a["passages"]]
    return ({i["id"]: i["passage_id"] for i in items}, {i["id"]: i["text"] for i in items})




_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if len(w) > 3}


def fewest_citations(text: str, ids: list[str], texts: dict[str, str], *,
                     overlapping: bool = False) -> list[str]:
    """At most :data:`MAX_CITATIONS` of ``ids`` (ALCE's convention), in the model's order.

    Over the cap, the passages sharing the most words with ``text`` stay. With
    ``overlapping`` (a piece of a split item) only passages sharing at least half as many words
    with it as the best one stay (the best one when none shares any), so a piece does not cite
    a passage that is about another piece.
    """
    ids = list(dict.fromkeys(ids))
    if len(ids) <= MAX_CITATIONS and not overlapping:
        return ids
    words = _words(text)
    overlap = {i: len(words & _words(texts[i])) for i in ids}
    ranked = sorted(ids, key=lambda i: -overlap[i])
    if overlapping:  # keep passages about as related as the best one ("last" alone is not)
        ranked = [i for i in ranked if overlap[i] * 2 >= overlap[ranked[0]] > 0] or ranked[:1]
    chosen = set(ranked[:MAX_CITATIONS])
    return [i for i in ids if i in chosen]


_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"',
                         "\u00bb": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'",
                         "\u2032": "'", "\u2013": "-", "\u2014": "-", "\u2012": "-",
                         "\u2212": "-", "\u00a0": " "})
# "[1]", "[1, 2]", "[P3]", "(P3)", "[P1, P2]": citation markers a model may leave in its text
_MARKERS = re.compile(r"\s*(?:\[\s*P?\d+(?:\s*[,;]\s*P?\d+)*\s*\]|\(\s*P\d+(?:\s*[,;]\s*P\d+)*"
                      r"\s*\))")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """``text`` for a verbatim comparison: quotes, dashes, spaces and citation markers unified,
    case folded. Two texts with the same words in the same order normalise the same."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _MARKERS.sub("", text)
    text = _SPACE.sub(" ", text).strip().casefold()
    return text.rstrip(" .!?;:,\"'")


ANSWER_TOKENS = 1024  # room kept in the context for the model's answer
PROMPT_TOKENS = 700  # the instructions around the passages
CHARS_PER_TOKEN = 3.5  # English news text, for a budget (not a count)


def fit_passages(passages: list[Passage], context_tokens: int | None) -> list[Passage]:
    """The best-ranked passages that fit a model's context window with room for the answer.

    Why: a small local model with a 2k or 4k context given eight 800-character passages either
    fails ("exceeds context window") or loses the instructions at the top. Retrieval ranks the
    passages, so the lowest-ranked go first; at least one always stays. ``None``: no limit known.
    """
    if not context_tokens or not passages:
        return passages
    budget = (context_tokens - ANSWER_TOKENS - PROMPT_TOKENS) * CHARS_PER_TOKEN
    kept: list[Passage] = []
    used = 0
    for passage in passages:
        size = len(passage.chunk.text) + 80  # its header line and tags
        if kept and used + size > budget:
            break
        kept.append(passage)
        used += size
    return kept
