"""Sentence splitting with exact character offsets, shared by ingest and eval.

News prose breaks naive splitters ("U.S.", "Mr.", "3.5 percent", quotes), so sentence
boundaries come from pysbd, a rule-based segmenter built for exactly those cases. Markdown
structure (headings, list items, a pull-quote on its own line) is split first, because a line
break there ends a sentence even without a full stop. A line break *inside* a hard-wrapped
paragraph (a .txt file wrapped at 72 columns) is not a boundary: such breaks are shown to pysbd
as spaces (same length, so offsets stay exact), since pysbd otherwise ends a sentence at every
newline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pysbd

_BLOCK_START = re.compile(r"^\s*(#{1,6}\s|[-*+]\s|\d+[.)]\s|>)")
_OPEN_QUOTE = "\"'\u201c\u2018\u00ab"
_SENTENCE_END = ".!?:\"'\u201d\u2019\u00bb)"
_WRAP_WIDTH = 50  # a line at least this long that stops mid-sentence was wrapped, not ended
# pysbd's cost grows faster than linearly with the length of what it is given (a 2 MB line with
# no punctuation did not finish in 300 s). A longer line is handed over in windows of at most
# this many characters, cut after a sentence end where one exists, else at a space: total work
# is then linear in the text, and a real sentence is only cut if it is longer than this.
SEGMENT_WINDOW = 2_000
_TERMINAL = re.compile(r"[.!?\u2026\u3002]")
_STOPS = (". ", "! ", "? ", ".\" ", "?\" ", "!\" ", ".\u201d ")


@dataclass(frozen=True, slots=True)
class Span:
    """A sentence: ``text == source[start:end]``, stripped of surrounding whitespace."""

    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    # pysbd compiles >3,000 distinct patterns from strings on every call, while CPython keeps
    # only 512 compiled ones: ~60% of splitting time went to re._compile (evals/README.md).
    # Raising the private cache size halves splitting time; it only affects memory (a few MB).
    re._MAXCACHE = max(getattr(re, "_MAXCACHE", 512), 4096)  # type: ignore[attr-defined]
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


def _is_soft_wrap(line: str, following: str) -> bool:
    """Whether the break between two lines of one block continues the same sentence.

    A lower-case continuation is always a wrap; otherwise a long line that stops without
    closing punctuation was wrapped. A short unpunctuated line is a heading or a caption, and a
    line that opens with a quote mark is a pull-quote on its own line: both stay boundaries.
    """
    line, following = line.rstrip(), following.lstrip()
    if not line or not following or following[0] in _OPEN_QUOTE:
        return False
    if line[0] in _OPEN_QUOTE and line[-1] in _SENTENCE_END:
        return False  # the line itself is a quotation standing alone
    if following[0].islower():
        return True
    return len(line) >= _WRAP_WIDTH and line[-1] not in _SENTENCE_END


def _unwrap(block: str) -> str:
    """The block with soft line breaks turned into spaces (same length; offsets unchanged)."""
    lines = block.split("\n")
    if len(lines) < 2:
        return block
    joined = [
        line + (" " if _is_soft_wrap(line, lines[i + 1]) else "\n")
        for i, line in enumerate(lines[:-1])
    ]
    return "".join(joined) + lines[-1]


def split_sentences(text: str) -> list[Span]:
    """Sentences of ``text`` in order, each with exact offsets into ``text``.

    pysbd ends a sentence at every newline it is shown, so each line left after unwrapping is
    segmented on its own: same result, and pysbd's cost grows faster than linearly with input
    length (a 90 kB one-paragraph text takes seconds in one call, milliseconds line by line).
    """
    spans: list[Span] = []
    for b_start, b_end in _blocks(text):
        offset = b_start
        for line in _unwrap(text[b_start:b_end]).split("\n"):
            spans.extend(_segment(text, line, offset))
            offset += len(line) + 1
    return spans


def _segment(text: str, line: str, start: int) -> list[Span]:
    """pysbd's sentences of ``line`` (which sits at ``start`` in ``text``), located exactly.

    pysbd returns strings; each is found in the line with ``str.find`` from the previous end,
    so offsets stay exact even where pysbd normalises nothing (clean=False).
    """
    if not line.strip():
        return []
    spans: list[Span] = []
    for w_start, w_end in windows(line):
        spans.extend(_segment_window(text, line[w_start:w_end], start + w_start))
    return spans


def _segment_window(text: str, line: str, start: int) -> list[Span]:
    """:func:`_segment` for a piece of at most :data:`SEGMENT_WINDOW` characters."""
    if not _TERMINAL.search(line):  # no sentence end for pysbd to find: one span, no pysbd
        whole = _trim(text, start, start + len(line))
        return [whole] if whole is not None else []
    spans: list[Span] = []
    cursor = 0
    for piece in _segmenter().segment(line):
        stripped = piece.strip()
        if not stripped:
            continue
        found = line.find(stripped, cursor)
        if found < 0:  # segmenter altered the text; fall back to the rest of the line
            found = cursor
            stripped = line[cursor:].strip()
        span = _trim(text, start + found, start + found + len(stripped))
        if span is not None:
            spans.append(span)
        cursor = found + len(stripped)
    if cursor < len(line) and line[cursor:].strip():
        tail = _trim(text, start + cursor, start + len(line))
        if tail is not None:
            spans.append(tail)
    return spans


def windows(line: str, size: int | None = None) -> list[tuple[int, int]]:
    """``line`` cut into consecutive pieces of at most ``size`` characters.

    Each cut falls after the last sentence end in the second half of the window, else after
    the last space, else at ``size`` itself; every search is bounded by the window, so the
    whole cut is linear in ``len(line)``.
    """
    size = size or SEGMENT_WINDOW
    cuts: list[tuple[int, int]] = []
    pos = 0
    while len(line) - pos > size:
        limit = pos + size
        stop = max(line.rfind(mark, pos + size // 2, limit) for mark in _STOPS)
        if stop > pos:
            cut = line.find(" ", stop, limit) + 1 or limit
        else:
            cut = line.rfind(" ", pos + 1, limit) + 1 or limit
        cuts.append((pos, cut))
        pos = cut
    cuts.append((pos, len(line)))
    return cuts
