"""Consoles that cannot be made to drive the terminal by the data they print.

Article titles, feed links, failure reasons and digests are untrusted. ``rich`` strips BEL and
backspace from text but passes ESC, so a title ``"\\x1b[2J\\x1b]0;pwned\\x07"`` cleared the
screen and retitled the window (issue 24), and a feed link containing ``[link=file:///...]``
printed through markup became a clickable OSC-8 link. Escaping at each print site is still
done (so brackets show as written), but one missed site must not be an exploit: these consoles
filter every segment just before it is written. Control characters in data become visible
pictures (:func:`digest.safe_text.printable`) and no hyperlink is ever emitted (digest prints
none of its own). Rich's own control segments (cursor moves) are left alone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

import typer
from rich.console import Console
from rich.segment import Segment

from digest.safe_text import printable

__all__ = ["SafeConsole", "SafeLogFilter", "echo"]


def _safe(buffer: Iterable[Segment]) -> Iterator[Segment]:
    for segment in buffer:
        text, style, control = segment
        if control:
            yield segment
            continue
        if style is not None and style.link:
            style = style.update_link(None)
        yield Segment(printable(text), style, control)


class SafeConsole(Console):
    """A rich Console whose output carries no control character or link from the data."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        # The one place rich turns segments into the characters written: filtering here covers
        # print, print_json, tables and logging through this console alike.
        return super()._render_buffer(_safe(buffer))


def echo(text: str, *, nl: bool = True, err: bool = False) -> None:
    """``typer.echo`` for data (a digest to stdout, a JSON report): controls made visible."""
    typer.echo(printable(text), nl=nl, err=err)


class SafeLogFilter(logging.Filter):
    """Log records carry data too (a source path, a reason); make their text printable."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        shown = printable(message)
        if shown != message:
            record.msg, record.args = shown, None
        return True
