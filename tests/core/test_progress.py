"""Progress bars: drawn on a terminal, absent when output is piped (cron, logs, `| tee`)."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from digest.cli.progress import progress_bar

REPO = Path(__file__).resolve().parents[2]
BAR = "━"  # rich's bar glyph
HIDE_CURSOR = "\x1b[?25l"  # what a live display writes first on a terminal


def _console(terminal: bool) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=terminal, width=100), buffer


def test_bar_is_drawn_on_a_terminal_and_counts() -> None:
    console, buffer = _console(terminal=True)
    with progress_bar(console, "ingest", 3) as bar:
        for name in ("a.md", "b.md", "c.md"):
            bar.advance(name)
        bar.update(3, total=3)
    text = buffer.getvalue()
    assert "ingest" in text and BAR in text and HIDE_CURSOR in text


def test_nothing_is_written_when_not_a_terminal_or_disabled() -> None:
    piped, piped_buffer = _console(terminal=False)
    with progress_bar(piped, "ingest", 3) as bar:
        bar.advance("a.md")
        bar.update(2, total=3)
    off, off_buffer = _console(terminal=True)
    with progress_bar(off, "ingest", 3, enabled=False) as bar:
        bar.advance("a.md")
    assert piped_buffer.getvalue() == "" and off_buffer.getvalue() == ""


def _ingest(tmp_path: Path, *, tty: bool) -> str:
    """`digest ingest --dry-run seeds/corpus` (13 files) with stderr a pty or a pipe."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGEST_", "OPENAI_"))}
    env.update(DIGEST_HOME=str(tmp_path / "home"), TERM="xterm-256color", COLUMNS="100")
    env.pop("NO_COLOR", None)
    cmd = [sys.executable, "-m", "digest", "--store", str(tmp_path / "store"), "ingest",
           "--dry-run", str(REPO / "seeds" / "corpus")]
    if not tty:
        run = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        return run.stdout + run.stderr
    leader, follower = pty.openpty()
    proc = subprocess.Popen(cmd, env=env, stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    assert proc.wait(timeout=300) == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_ingest_shows_a_bar_on_a_terminal_and_none_when_piped(tmp_path: Path) -> None:
    on_tty = _ingest(tmp_path / "tty", tty=True)
    piped = _ingest(tmp_path / "pipe", tty=False)
    assert "would be added 13" in on_tty and "would be added 13" in piped
    assert HIDE_CURSOR in on_tty
    assert HIDE_CURSOR not in piped and BAR not in piped and "\r" not in piped
