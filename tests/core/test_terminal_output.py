"""Issue 24 items 2 and 5: data never drives the terminal, and ``-o`` edge cases are one line.

The store here is written directly (not through ``digest ingest``, which now cleans text), as a
store filled by an older version would be: the output boundary must hold on its own.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digest.cli import app
from digest.cli.terminal import SafeConsole
from digest.ingest.chunk import chunk_article
from digest.models import Article
from digest.store import Store, open_client
from digest.store_records import ArticleWrite

HOSTILE_TITLE = "Ctrl \u0007\u0008\u001b[2J\u001b]0;pwned\u0007 \x9b31m"
BODY = ("The harbour authority said the port reopened on Monday after repairs \x1b[2J to the "
        "quay. Officials said ships were queuing \x1b]0;pwned\x07 outside the breakwater. ") * 3
NOW = "2026-05-21T06:00:00+00:00"


@pytest.fixture
def dirty_store(tmp_path: Path, embedder) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "chroma"
    store = Store(open_client(path=str(path)), embedder)
    article = Article.build(text=BODY, title=HOSTILE_TITLE, outlet="Port \x1b[31mNews",
                            url="https://port.example.com/a")
    chunks = chunk_article(article)
    store.write_articles([ArticleWrite(article, chunks, embedder.embed([c.text for c in chunks]),
                                       None, "")])
    return path


def _no_controls(text: str) -> None:
    bad = [hex(ord(c)) for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0]
    assert not bad, bad


def test_sources_prints_no_control_characters(dirty_store: Path) -> None:
    result = CliRunner().invoke(app, ["--store", str(dirty_store), "sources"])
    assert result.exit_code == 0, result.output
    _no_controls(result.output)
    assert "␛[2J" in result.output  # shown, not executed and not silently gone


def test_brief_to_stdout_prints_no_control_characters(dirty_store: Path) -> None:
    result = CliRunner().invoke(app, ["--store", str(dirty_store), "brief", "port reopened",
                                      "--now", NOW, "--no-verify"])
    assert result.exit_code == 0, result.output
    assert "harbour" in result.stdout
    _no_controls(result.output)


def test_a_terminal_gets_no_link_and_no_escape_from_data() -> None:
    buffer = io.StringIO()
    console = SafeConsole(file=buffer, force_terminal=True, color_system="truecolor", width=200)
    link = "http://[link=file:///etc/passwd]CLICK[/link]/x"
    console.print(f"[yellow]source failed[/] {link}: \x1b]0;pwned\x07")  # markup from data
    written = buffer.getvalue()
    assert "\x1b]8;" not in written  # no OSC-8 hyperlink
    assert "\x1b]0;" not in written and "\x07" not in written
    assert "\x1b[33m" in written  # our own colour still works


def test_daily_prints_a_feed_link_literally(tmp_path: Path) -> None:
    from digest.cli.daily import _print_result
    from digest.daily.run import DailyResult
    from digest.daily.runs import FailedSource, RunRecord

    link = "http://[link=file:///etc/passwd]CLICK[/link]/x"
    record = RunRecord.model_construct(
        failed_sources=[FailedSource(source=link, reason="Invalid IPv6 URL")], files={},
        outcome="skipped", digest_date="2026-05-20", articles=0, new_articles=0, stories=0,
        duration_s=0.0)
    buffer = io.StringIO()
    import digest.cli.daily as daily_cli

    old = daily_cli.console
    daily_cli.console = SafeConsole(file=buffer, force_terminal=True, width=300)
    try:
        _print_result(DailyResult(record), tmp_path)
    finally:
        daily_cli.console = old
    written = buffer.getvalue()
    assert "[link=file:///etc/passwd]CLICK[/link]" in re.sub(r"\x1b\[[0-9;]*m", "", written)
    assert "\x1b]8;" not in written


@pytest.mark.parametrize("target", ["", "."])
def test_brief_o_without_a_file_name_is_one_line(dirty_store: Path, target: str) -> None:
    result = CliRunner().invoke(app, ["--store", str(dirty_store), "brief", "port", "--now",
                                      NOW, "-o", target])
    assert result.exit_code == 2, result.output
    assert "give a file name" in " ".join(result.output.split())
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("target", ["-", "/dev/stdout"])
def test_brief_o_stdout_prints_the_digest_and_writes_no_sidecar(
    dirty_store: Path, target: str, tmp_path: Path
) -> None:
    before = set(Path("/dev").iterdir())
    result = CliRunner().invoke(app, ["--store", str(dirty_store), "brief", "port reopened",
                                      "--now", NOW, "--no-verify", "--format", "json",
                                      "-o", target])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["sentences"]
    assert not Path("/dev/stdout.json").is_file() and not Path("-").exists()
    assert not Path("-.json").exists()
    assert {p for p in Path("/dev").iterdir() if p.name.startswith("stdout")} <= before
