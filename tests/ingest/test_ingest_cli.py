"""CLI: `digest sources` filters, `digest forget ID|URL`, and help text on every command."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import typer.main
from ingest_helpers import run_cli, stored_chunk_ids
from typer.testing import CliRunner

from digest.cli import app
from digest.embed import MiniLMEmbedder
from digest.store import Store, open_client

CORPUS = Path(__file__).resolve().parents[2] / "seeds" / "corpus"


def _sources(cli: CliRunner, *args: str) -> list[dict[str, Any]]:
    result = run_cli(cli, "sources", "--json", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_sources_lists_everything_newest_first(corpus_copy: Store, cli: CliRunner) -> None:
    rows = _sources(cli)
    assert len(rows) == 13
    published = [datetime.fromisoformat(r["published"]) for r in rows]
    assert published == sorted(published, reverse=True)
    assert rows[0]["outlet"] == "Lakeside Observer", "16:15 -04:00 is the latest instant"
    human = run_cli(cli, "sources")
    assert "13 article(s)" in human.output and "Lakeside" in human.output
    for row in rows:  # full ids, so a user can copy one into `digest forget`
        assert row["id"] in human.output


def test_sources_filters_by_outlet(corpus_copy: Store, cli: CliRunner) -> None:
    rows = _sources(cli, "--outlet", "Harbor Wire Service")
    assert {r["outlet"] for r in rows} == {"Harbor Wire Service"}
    assert len(rows) == 3
    assert _sources(cli, "--outlet", "No Such Outlet") == []


def test_sources_filters_by_date_window(corpus_copy: Store, cli: CliRunner) -> None:
    # --to is inclusive of the day it names, as in `digest brief`.
    rows = _sources(cli, "--from", "2026-05-19", "--to", "2026-05-19")
    assert sorted(r["title"][:20] for r in rows) == sorted(
        ["Putin arrives in Chi", "Red carpet at the po", "Ukraine peace proces",
         "Analysis: Beijing wa"]
    )
    assert len(_sources(cli, "--from", "2026-05-20")) == 5
    assert len(_sources(cli, "--to", "2026-05-18")) == 4
    assert len(_sources(cli, "--to", "2026-05-19")) == 8
    both = _sources(cli, "--from", "2026-05-19", "--outlet", "Eastern Bulletin")
    assert len(both) == 2


def test_sources_rejects_an_unreadable_date(corpus_copy: Store, cli: CliRunner) -> None:
    result = run_cli(cli, "sources", "--from", "last tuesdayish")
    assert result.exit_code != 0
    assert "last tuesdayish" in result.output


def _chunk_article_ids(store: Store) -> set[str]:
    return set(stored_chunk_ids(store))


def test_forget_by_id_removes_article_and_chunks(corpus_copy: Store, cli: CliRunner) -> None:
    victim = next(a for a in corpus_copy.articles() if a.outlet == "Lakeside Observer")
    chunks_before = corpus_copy.count_chunks()
    result = run_cli(cli, "forget", victim.id)
    assert result.exit_code == 0 and f"forgot {victim.id}" in result.output
    assert corpus_copy.get_article(victim.id) is None
    assert victim.id not in _chunk_article_ids(corpus_copy)
    assert corpus_copy.count_chunks() == chunks_before - victim.chunks
    assert len(_sources(cli)) == 12


def test_forget_by_url_including_a_tracking_copy(corpus_copy: Store, cli: CliRunner) -> None:
    victim = next(a for a in corpus_copy.articles() if (a.title or "").startswith("Putin flies"))
    assert victim.url
    result = run_cli(cli, "forget", victim.url + "?utm_source=newsletter")
    assert result.exit_code == 0, result.output
    assert corpus_copy.get_article(victim.id) is None
    assert victim.id not in _chunk_article_ids(corpus_copy)
    again = run_cli(cli, "forget", victim.url)
    assert again.exit_code == 1 and "no stored article" in again.output


def _commands() -> Iterator[tuple[str, Any]]:
    def walk(command: Any, prefix: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                yield from walk(sub, (*prefix, name))
        else:
            yield " ".join(prefix), command

    yield from walk(typer.main.get_command(app), ())


COMMANDS = dict(_commands())


def test_the_ingest_commands_are_registered() -> None:
    assert {"ingest", "sources", "forget", "reindex"} <= set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_text(name: str, cli: CliRunner) -> None:
    command = COMMANDS[name]
    assert (command.help or "").strip(), f"`digest {name}` has no help text"
    undocumented = [p.name for p in command.params if not (getattr(p, "help", None) or "").strip()]
    assert not undocumented, f"`digest {name}` options without help: {undocumented}"
    result = run_cli(cli, *name.split(), "--help")
    assert result.exit_code == 0
    assert command.help.strip().splitlines()[0][:40] in " ".join(result.output.split())


def test_chunk_size_options_reach_the_store(
    cli: CliRunner, tmp_path: Path, embedder: MiniLMEmbedder
) -> None:
    source = CORPUS / "08-analysis-beijing-room-where-deals-are-made.md"
    # 160 is the default overlap: larger than this size, so it is scaled down, not a traceback
    result = run_cli(cli, "ingest", "--chunk-size", "150", str(source))
    assert result.exit_code == 0, result.output
    store = Store(open_client(path=str(tmp_path / "digest-home" / "chroma")), embedder)
    (article,) = store.articles()
    text = store.article_text(article.id) or ""
    chunks = store.chunks_of(article.id)
    assert len(chunks) == article.chunks > 10
    for chunk in chunks:
        assert len(chunk.text) <= 150 and text[chunk.start : chunk.end] == chunk.text
