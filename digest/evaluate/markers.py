"""Citation markers in digest text: what counts as one, and which sentence it belongs to.

``[1]``, ``[3, 4]``, ``[1-3]``, ``[1][2]`` are markers; a Markdown link ``[1](url)`` is not.
A sentence splitter built for prose (pysbd) does not know that a marker closes the sentence
before it: it keeps ``… his "dear friend." [2] Officials …`` together and may start the next
sentence with ``" [1, 2]``. :func:`attach_markers` mends the splitter's spans so every marker
ends up with the sentence it closes, while a marker inside a quotation stays inside it.
"""

from __future__ import annotations

import re

from digest.sentences import Span

_MAX_RANGE = 50  # "[1-9999]" is a typo, not ten thousand citations
_NUM = r"\d+(?:\s*[-\u2013\u2014]\s*\d+)?"
#: ``[1]``, ``[3, 4]``, ``[1-3]``, ``[1–3]``, ``[2; 5]`` but not a Markdown link ``[1](url)``.
MARKER = re.compile(rf"\[\s*({_NUM}(?:\s*[,;]\s*{_NUM})*)\s*\](?!\()")


def expand_marker(body: str) -> list[int]:
    """``"1, 3-5"`` -> ``[1, 3, 4, 5]``: ranges expanded, order kept, duplicates dropped."""
    numbers: list[int] = []
    for part in re.split(r"[,;]", body):
        bounds = [int(x) for x in re.split(r"[-\u2013\u2014]", part.strip()) if x.strip()]
        if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] <= _MAX_RANGE:
            numbers.extend(range(bounds[0], bounds[1] + 1))
        else:
            numbers.extend(bounds)
    return list(dict.fromkeys(numbers))


def markers_in(text: str) -> list[int]:
    """Every source number cited in ``text``, in order of first appearance."""
    found: list[int] = []
    for match in MARKER.finditer(text):
        found.extend(expand_marker(match.group(1)))
    return list(dict.fromkeys(found))


_MARKERS = rf"(?:{MARKER.pattern}\s*)+"
_CLOSERS = "\"'\u201d\u2019\u00bb)"
#: A stop, closing quotes, markers, then a new sentence: ``friend." [2] Officials``,
#: ``over.[1][2] Next``, ``win. [1]" Next``. pysbd keeps these together (a marker after a
#: closing quote hides the boundary), so the split after the markers is made here.
_INNER_END = re.compile(
    rf"[.!?][{_CLOSERS}]*\s*{_MARKERS}[{_CLOSERS}]*(?=\s+[\"\u201c\u2018(]?[A-Z0-9])"
)
#: A sentence that starts with what ends the previous one: ``" [1, 2] Next``, ``[1] Next``.
_LEADING = re.compile(rf"^(?:[\u201d\u2019\u00bb)]|[\"'](?=\s*\[))*\s*{_MARKERS}")


def _split_inner(spans: list[Span], text: str) -> list[Span]:
    out: list[Span] = []
    for span in spans:
        start = span.start
        for match in _INNER_END.finditer(span.text):
            end = span.start + match.end()
            out.append(Span(start, end, text[start:end]))
            start = end + (len(text[end:span.end]) - len(text[end:span.end].lstrip()))
        out.append(Span(start, span.end, text[start : span.end]))
    return out


def attach_markers(spans: list[Span], text: str) -> list[Span]:
    """Give every citation marker to the sentence it closes.

    ``"… in May. [2]"`` or ``"**… [1].**"`` may split a marker or closing emphasis off (a
    piece with no word joins the sentence before it); ``friend." [2] Officials`` is split
    after the marker; a sentence that *starts* with a closing quote or a marker hands it back
    to the sentence before it on the same line. Markers inside a quote stay where they are.
    """
    merged: list[Span] = []
    for span in _split_inner(spans, text):
        prev = merged[-1] if merged else None
        same_line = prev is not None and "\n" not in text[prev.end : span.start]
        if prev is not None and not re.search(r"\w", MARKER.sub("", span.text)):
            merged[-1] = Span(prev.start, span.end, text[prev.start : span.end])
            continue
        lead = _LEADING.match(span.text) if same_line else None
        if prev is not None and lead:
            cut = span.start + len(lead.group(0).rstrip())
            merged[-1] = Span(prev.start, cut, text[prev.start : cut])
            rest = span.start + lead.end()
            span = Span(rest, span.end, text[rest : span.end])
        merged.append(span)
    return merged
