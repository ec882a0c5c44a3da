"""One place for text that came from outside: control characters and lone surrogates.

Article text is untrusted, and three kinds of character in it do damage far from where they
entered: C0/C1 control characters (ESC, BEL, the 8-bit CSI ``\\x9b``) drive a terminal (clear
the screen, retitle the window, draw OSC-8 links); XML cannot hold them at all, so one
``\\x01`` in a title crashed the Atom writer after the email had gone out; and a lone surrogate
(``"\\udfff"`` in a JSON string) cannot be encoded as UTF-8, so Chroma refused a whole batch.

Two uses, two functions:

* :func:`clean_text` at ingest: each bad character becomes exactly one replacement character,
  so every character offset into the text stays exact (chunks cite ``text[start:end]``), and
  the count is returned so the caller can warn: nothing changes silently.
* :func:`printable` at every output boundary (terminal, XML, email headers): controls become
  visible stand-ins (``␛`` for ESC) that a terminal cannot execute.

Newline and tab are text, not controls, and are kept in both.
"""

from __future__ import annotations

import re

__all__ = ["clean_text", "printable", "xml_safe"]

# C0 controls except \t and \n, DEL, C1; \r is kept by clean_text's callers' own newline
# normalisation, but a lone \r rewrites a terminal line, so printable() replaces it.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # also \r
_SURROGATES = re.compile("[\ud800-\udfff]")
_NONCHARACTERS = re.compile("[\ufffe\uffff]")  # not allowed in XML 1.0 either
REPLACEMENT = "\ufffd"


def clean_text(text: str) -> tuple[str, int]:
    """``text`` with controls as spaces and lone surrogates as U+FFFD, and how many changed.

    One character in, one character out: ``len`` and every offset are unchanged.
    """
    count = 0

    def space(_: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return " "

    def replacement(_: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return REPLACEMENT

    cleaned = _CONTROLS.sub(space, text)
    cleaned = _SURROGATES.sub(replacement, cleaned)
    cleaned = _NONCHARACTERS.sub(replacement, cleaned)
    return cleaned, count


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ␀ ␇ ␛ ...
    if code == 0x7F:
        return "\u2421"  # ␡
    return REPLACEMENT  # C1 has no pictures


def printable(text: str) -> str:
    """``text`` safe to print: controls (but newline and tab) shown as ␛-style pictures.

    Lone surrogates become U+FFFD, so printing never raises ``UnicodeEncodeError`` either.
    """
    shown = _TERMINAL.sub(_picture, text)
    return _SURROGATES.sub(REPLACEMENT, shown)


def xml_safe(text: str) -> str:
    """``text`` that an XML 1.0 writer accepts (feedgen/lxml raise on controls otherwise)."""
    return _NONCHARACTERS.sub(REPLACEMENT, _CONTROLS.sub(_picture, _SURROGATES.sub(
        REPLACEMENT, text)))
