"""``digest ingest``, ``digest sources``, ``digest forget``, ``digest reindex``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Column, Table
from rich.text import Text

from digest.app import Services
from digest.cli.common import app, console, date_option, guard, load_settings, out, plain
from digest.cli.progress import progress_bar
from digest.errors import ConfigError
from digest.ingest.pipeline import IngestReport, forget, ingest, reindex
from digest.ingest.readers import expand
from digest.models import StoredArticle
from digest.store import date_where


@app.command("ingest")
def ingest_cmd(
    ctx: typer.Context,
    sources: Annotated[list[str], typer.Argument(help="files, folders, http(s) URLs, RSS/Atom feeds")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="say what would change; write nothing")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="exit non-zero if any source fails")] = False,
    embeddings: Annotated[str | None, typer.Option(help="minilm (default, offline) or openai")] = None,
    chunk_size: Annotated[int | None, typer.Option(help="max characters per chunk")] = None,
    chunk_overlap: Annotated[int | None, typer.Option(help="characters of overlap")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
) -> None:
    """Ingest articles into the store (idempotent: re-running changes nothing)."""
    with guard():
        settings = load_settings(
            ctx, embeddings=embeddings, chunk_size=chunk_size, chunk_overlap=chunk_overlap
        )
        if chunk_overlap is not None and chunk_overlap >= settings.chunk_size:
            raise ConfigError(f"--chunk-overlap {chunk_overlap} must be smaller than the chunk "
                              f"size {settings.chunk_size}")
        services = Services(settings)
        total = sum(1 for _ in expand(sources))
        with progress_bar(console, "ingest", total, enabled=total >= 5 and not json_output) as bar:
            report = ingest(
                sources, store=services.store, fetcher=services.fetcher, dry_run=dry_run,
                on_source=bar.advance, options=services.ingest_options,
            )
        services.close()
        _print_report(report, json_output)
    if not report.ingested_any or (strict and report.failures):
        raise typer.Exit(1)


def _print_report(report: IngestReport, json_output: bool) -> None:
    counts = report.counts
    if json_output:
        out.print_json(json.dumps({
            "dry_run": report.dry_run,
            "counts": {k: counts.get(k, 0) for k in ("added", "updated", "unchanged", "duplicates", "failed")},
            "chunks": report.chunks_written,
            "outcomes": [o.__dict__ for o in report.outcomes],
            "warnings": [{"source": w.source, "warning": w.message} for w in report.warnings],
        }))
        return
    for w in report.warnings:
        console.print(f"[yellow]warning[/] {escape(w.source)}: {escape(w.message)}")
    for o in report.outcomes:
        if o.duplicate_of and o.status in ("added", "updated"):
            console.print(
                f"[cyan]duplicate[/] {escape(o.source)} ~ {o.duplicate_of} "
                f"(similarity {o.similarity:.2f}; kept and linked)"
            )
    for o in report.failures:
        console.print(f"[red]failed[/] {escape(o.source)}: {escape(o.reason or '')}")
    verb = "would be " if report.dry_run else ""
    plain(
        f"{'DRY RUN: ' if report.dry_run else ''}"
        f"{verb}added {counts.get('added', 0)}, {verb}updated {counts.get('updated', 0)}, "
        f"unchanged {counts.get('unchanged', 0)}, duplicates {counts.get('duplicates', 0)}, "
        f"failed {counts.get('failed', 0)}"
        + ("" if report.dry_run else f"; {report.chunks_written} chunks written")
    )


@app.command("sources")
def sources_cmd(
    ctx: typer.Context,
    outlet: Annotated[str | None, typer.Option(help="only this outlet")] = None,
    since: Annotated[str | None, typer.Option("--from", help="published on/after (YYYY-MM-DD)")] = None,
    until: Annotated[str | None, typer.Option("--to", help="published up to and including this day (YYYY-MM-DD)")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="JSON lines")] = False,
) -> None:
    """List stored articles, newest first."""
    with guard():
        store = Services(load_settings(ctx)).store
        start = date_option(since, "--from")
        end = date_option(until, "--to", end_of_day=True)
        articles = store.articles(date_where(start, end, outlet))
    if json_output:
        for a in articles:
            plain(a.model_dump_json())
        return
    out.print(sources_table(articles))
    duplicates = [a for a in articles if a.duplicate_of]
    for a in duplicates:  # whole ids: what `digest forget` takes
        plain(f"{a.id} is a copy of {a.duplicate_of}")
    console.print(f"{len(articles)} article(s), newest first; times in UTC")


def sources_table(articles: list[StoredArticle]) -> Table:
    """Readable at 80 columns: whole ids and UTC times, one line per article, long text cut "…".

    Article times come in each outlet's own zone; shown as they are, "newest first" looked
    unsorted (16:15, 19:40, 17:50), so every time is converted to UTC and labelled so.
    """
    table = Table(
        Column("id", no_wrap=True, min_width=16),  # never wrapped or elided: `forget` takes it
        Column("published (UTC)", no_wrap=True, min_width=16),
        Column("outlet — title", no_wrap=True, overflow="ellipsis", ratio=1),
        Column("chunks", justify="right", no_wrap=True),
        box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True,
    )
    newest = sorted(articles, key=lambda a: a.published or datetime.min.replace(tzinfo=UTC),
                    reverse=True)
    for a in newest:
        table.add_row(  # Text(): article fields are untrusted, never console markup
            a.id, _utc(a.published),
            Text(f"{a.outlet or '?'} — {a.title or 'Untitled'}"
                 + (" (copy)" if a.duplicate_of else "")), str(a.chunks))
    return table


def _utc(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if value else ""


@app.command("forget")
def forget_cmd(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="article id or URL")],
) -> None:
    """Remove an article and all its chunks from the store."""
    with guard():
        store = Services(load_settings(ctx)).store
        removed = forget(store, key)
    if removed is None:
        console.print(f"[red]error:[/] no stored article with id or URL {escape(repr(key))}")
        raise typer.Exit(1)
    plain(f"forgot {removed}")


@app.command("reindex")
def reindex_cmd(
    ctx: typer.Context,
    embeddings: Annotated[str, typer.Option(help="the model to re-embed with: minilm or openai")],
    from_embeddings: Annotated[
        str | None, typer.Option(help="the model the store was filled with (default: minilm)")
    ] = None,
) -> None:
    """Re-embed every stored chunk with another embedding model."""
    with guard():
        services = Services(load_settings(ctx, embeddings=from_embeddings))
        new_store = reindex(services.store, services.embedder_of(embeddings))
    plain(f"re-indexed {new_store.count_chunks()} chunks with {new_store.embedder.name}")
