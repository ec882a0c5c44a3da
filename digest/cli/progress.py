"""Progress bars for the long commands (`ingest`, `daily`, `eval bench`, `eval run`).

A bar is drawn only where someone watches: when the console writes to a terminal. In cron,
under systemd, or when output is piped or redirected, nothing is drawn (no carriage returns or
cursor moves in a log file), and the command's own report is unchanged. The bar is transient:
it disappears when the work ends, so what stays on the screen is the report.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class Bar(Protocol):
    """What a command reports its work through."""

    def advance(self, label: str = "") -> None:
        """One more item done; ``label`` (e.g. the source) is shown, shortened, beside the bar."""
        ...

    def update(self, completed: int, total: int | None = None) -> None:
        """``completed`` items done (of ``total``, when it was not known at the start)."""
        ...


class _Silent:
    """The bar of a command nobody watches: it does nothing."""

    def advance(self, label: str = "") -> None:
        return None

    def update(self, completed: int, total: int | None = None) -> None:
        return None


class _Drawn:
    def __init__(self, progress: Progress, total: int | None) -> None:
        self._progress = progress
        self._task = progress.add_task("", total=total)

    def advance(self, label: str = "") -> None:
        self._progress.update(self._task, advance=1, description=escape(label[-50:]))

    def update(self, completed: int, total: int | None = None) -> None:
        if total is not None:
            self._progress.update(self._task, total=total)
        self._progress.update(self._task, completed=completed)


@contextmanager
def progress_bar(
    console: Console, label: str, total: int | None, *, enabled: bool = True
) -> Iterator[Bar]:
    """A bar labelled ``label`` for ``total`` items (None: not known yet) on ``console``.

    Silent unless ``console`` is a terminal and ``enabled`` (commands pass ``False`` for
    ``--json`` output or work too small to be worth a bar).
    """
    if not enabled or not console.is_terminal:
        yield _Silent()
        return
    with Progress(
        TextColumn(f"[bold]{escape(label)}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), TextColumn("{task.description}"), console=console, transient=True,
    ) as progress:
        yield _Drawn(progress, total)
