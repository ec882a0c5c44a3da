"""The HTML view's context: each ``[n]`` carries the passage it cites, the sentence highlighted.

Kept apart from :mod:`digest.render` because only the HTML page needs passage lookup and
highlighting. Values stay plain text here; the template autoescapes them, and only http(s)
URLs become links (an article's metadata could carry ``javascript:``).
"""

from __future__ import annotations

import re
from itertools import groupby
from typing import Any

from digest.briefing import Briefing, CitedSentence
from digest.render.text import SENTENCES_PER_PARAGRAPH, flat, header, in_section, sentence_units

_STOP = re.compile(r"([.!?]+)$")
_QUOTE = re.compile(r"“([^”]+)”")


def _split_stop(text: str) -> tuple[str, str]:
    match = _STOP.search(text)
    return (text[: match.start()], match.group(1)) if match else (text, "")


def _highlight(passage: str, sentence: str) -> tuple[str, str, str]:
    """(before, match, after) of the passage, matching the sentence or its quoted part."""
    for needle in [sentence, *_QUOTE.findall(sentence)]:
        needle = needle.strip().rstrip(".")
        at = passage.find(needle) if needle else -1
        if at >= 0:
            return passage[:at], passage[at : at + len(needle)], passage[at + len(needle) :]
    return passage, "", ""


def html_context(briefing: Briefing) -> dict[str, Any]:
    chunks = {p.chunk.id: p.chunk.text for p in briefing.passages}
    sources = {s.n: s.article for s in briefing.sources}
    counter = iter(range(1, 1_000_000))

    def clause(sentence: CitedSentence, last: bool, grouped: bool) -> dict[str, Any]:
        text = flat(sentence.text)
        if grouped:
            body, stop = text, "." if last else ""
        else:
            body, stop = _split_stop(text)
        citations = []
        for citation in sorted(sentence.citations, key=lambda c: c.n):
            article = sources[citation.n]
            passage = chunks.get(citation.chunk_id, "(passage not included in this digest)")
            before, match, after = _highlight(passage, text)
            citations.append({
                "id": f"c{next(counter)}", "n": citation.n, "before": before, "match": match,
                "after": after, "source": f"{article.outlet or 'Unknown outlet'} — "
                                          f"{article.title or 'Untitled'}",
            })
        check = sentence.check
        unverified = (check.reason or "the judge could not confirm this sentence") \
            if check is not None and check.status == "flagged" else None
        return {"text": body, "stop": stop, "citations": citations, "unverified": unverified}

    def unit(items: list[CitedSentence]) -> dict[str, Any]:
        grouped = items[0].group is not None
        return {"clauses": [clause(s, i == len(items) - 1, grouped) for i, s in enumerate(items)]}

    def section(name: str) -> list[dict[str, Any]]:
        return [unit(u) for u in sentence_units(in_section(briefing, name))]

    paragraphs = []
    body = in_section(briefing, "body")
    for _story, items in groupby(body, key=lambda s: s.story):
        units = [unit(u) for u in sentence_units(list(items))]
        for i in range(0, len(units), SENTENCES_PER_PARAGRAPH):
            paragraphs.append(units[i : i + SENTENCES_PER_PARAGRAPH])
    return {
        "title": flat(briefing.title),
        "header": header(briefing),
        "summary": section("summary"),
        "paragraphs": paragraphs,
        "differences": section("differences"),
        "sources": [
            {
                "n": s.n,
                "outlet": flat(s.article.outlet or "Unknown outlet"),
                "title": flat(s.article.title or "Untitled"),
                "date": f"{s.article.published:%Y-%m-%d}" if s.article.published else "",
                "url": s.article.url if (s.article.url or "").startswith(("http://", "https://"))
                else "",
            }
            for s in briefing.sources
        ],
        "dropped": len(briefing.dropped),
    }
