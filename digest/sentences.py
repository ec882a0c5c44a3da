"""Sentence splitting with exact character offsets, shared by ingest and eval.

News prose breaks naive splitters ("U.S.", "Mr.", "3.5 percent", quotes), so sentence
boundaries come from pysbd, a rule-based segmenter built for exactly those cases. Markdown
structure (headings, list items, a pull-quote on its own line) is split first, because a line
break there ends a sentence even without a full stop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pysbd

_BLOCK_START = re.compile(r"^\s*(#{1,6}\s|[-*+]\s|\d+[.)]\s|>)")


@dataclass(frozen=True, slots=True)
class Span:
    """A sentence: ``text == source[start:end]``, stripped of surrounding whitespace."""

    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def _blocks(text: str) -> list[tuple[int, int]]:
    """Split into paragraphs/lines that no sentence may cross, as (start, end) offsets."""
    blocks: list[tuple[int, int]] = []
    start: int | None = None
    pos = 0
    for line in text.splitlines(keepends=True):
        line_start, pos = pos, pos + len(line)
        body = line.strip()
        if not body:
            if start is not None:
                blocks.append((start, line_start))
                start = None
            continue
        if _BLOCK_START.match(line) and start is not None:
            blocks.append((start, line_start))
            start = None
        if start is None:
            start = line_start
        if _BLOCK_START.match(line):
            blocks.append((start, pos))
            start = None
    if start is not None:
        blocks.append((start, len(text)))
    return blocks


def _trim(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, text[start:end]) if end > start else None


def split_sentences(text: str) -> list[Span]:
    """Sentences of ``text`` in order, each with exact offsets into ``text``.

    pysbd returns sentence strings; we locate each one in the block with ``str.find`` from the
    previous end, so offsets stay exact even where pysbd normalises nothing (clean=False).
    """
    spans: list[Span] = []
    seg = _segmenter()
    for b_start, b_end in _blocks(text):
        block = text[b_start:b_end]
        cursor = 0
        pieces = seg.segment(block) if block.strip() else []
        for piece in pieces:
            stripped = piece.strip()
            if not stripped:
                continue
            found = block.find(stripped, cursor)
            if found < 0:  # segmenter altered the text; fall back to the rest of the block
                found = cursor
                stripped = block[cursor:].strip()
            span = _trim(text, b_start + found, b_start + found + len(stripped))
            if span is not None:
                spans.append(span)
            cursor = found + len(stripped)
        if cursor < len(block) and block[cursor:].strip():
            tail = _trim(text, b_start + cursor, b_end)
            if tail is not None:
                spans.append(tail)
    return spans
