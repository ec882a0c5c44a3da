"""``digest daily``: one idempotent, crash-safe run that writes the day's digest.

    lock            one run per project at a time (filelock; a second run fails at once)
    plan window     digest date + publication window              (digest.runs)
    ingest          the project's sources; failures are kept       (digest.ingest)
    group           the window's articles into ranked stories      (digest.write.stories)
    unchanged?      same inputs as the last good run for this date -> write nothing
    write           one section per story through the brief pipeline, one Sources list
    render + save   Markdown + JSON sidecar (+ HTML) as one set: generation folder + pointer
    record          an ``end`` line in runs.jsonl

Why a re-run is byte-identical: the digest's content depends only on stored data and the
window (its ``generated_at`` is the window's end, never the wall clock), and a run whose
inputs (articles and their hashes, failures, settings) match the last successful run for the
same date keeps the files as they are. Why a kill is harmless: the digest files are replaced
by rename only after everything is rendered, the ``end`` record is written after the files,
and ingestion is idempotent, so the next run simply does the whole job again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

from digest.briefing import Briefing
from digest.daily.dayset import publish_day
from digest.daily.lock import is_locked, project_lock
from digest.daily.project import Project
from digest.daily.runs import (
    Delivery,
    FailedSource,
    RunRecord,
    Window,
    append_record,
    last_success,
    plan_window,
    read_records,
)
from digest.ingest.fetch import Fetcher
from digest.ingest.pipeline import IngestOptions, IngestReport, ingest
from digest.judges.cache import CachedJudge
from digest.models import StoredArticle
from digest.prompts import prompt_versions
from digest.render.daily import render_daily
from digest.render.text import reader_verification
from digest.store import Store, date_where
from digest.write.sections import write_sections
from digest.write.stories import Story, group_stories, merge_same_event, select_stories
from digest.write.verify import VerifyOptions
from digest.write.writer import Writer

logger = logging.getLogger(__name__)

# Called with each stage's name as it completes: "ingested", "grouped", "drafted",
# "rendered". Tests use it to crash a run on purpose (tests/daily wraps the CLI to SIGKILL).
Fault = Callable[[str], None]
# Called once the digest files are written, inside the lock; returns what it delivered
# (digest.daily.deliver). It records its own failures and never raises for one.
Deliver = Callable[["DailyResult"], list[Delivery]]
FINGERPRINT_VERSION = 2  # bump when the digest's layout changes, so old digests are redone


@dataclass
class DailyResult:
    """What a run did: its record, the files it wrote (none when unchanged or skipped)."""

    record: RunRecord
    written: list[Path] = field(default_factory=list)
    briefing: Briefing | None = None


def run_daily(
    project: Project,
    *,
    store: Store,
    fetcher: Fetcher | None,
    writer: Writer,
    now: datetime,
    backfill: date | None = None,
    ingest_options: IngestOptions | None = None,
    fault: Fault | None = None,
    deliver: Deliver | None = None,
    verify: VerifyOptions | None = None,
    on_source: Callable[[str], None] | None = None,
) -> DailyResult:
    """Run the daily job for ``project`` at ``now`` (or rebuild day ``backfill`` from the store).

    Raises :class:`LockedError` when another run holds the project's lock. Verification
    goes through the project's judgement cache (:func:`judge_cache_file`), and the judge's
    model is freed when the run ends. ``on_source`` is called as ingest reads each source
    (the CLI's progress bar).
    """
    busy = ("another `digest daily` is running for this project; this run did nothing. Try "
            "again when it has finished")
    if verify is not None and not isinstance(verify.judge, CachedJudge):
        verify = replace(verify, judge=CachedJudge(verify.judge, judge_cache_file(project)))
    with project_lock(project, busy):
        try:
            return _locked_run(project, store=store, fetcher=fetcher, writer=writer, now=now,
                               backfill=backfill, ingest_options=ingest_options, fault=fault,
                               deliver=deliver, verify=verify, on_source=on_source)
        finally:
            if verify is not None:
                verify.judge.close()  # type: ignore[attr-defined]  # CachedJudge: model, file


def judge_cache_file(project: Project) -> Path:
    """Judgements of earlier runs (digest.judges.cache): a re-run or a ``--date`` rebuild
    asks the judge only about sentences and evidence it has not judged before."""
    return project.state_dir / "judgements.sqlite3"


def is_running(project: Project) -> bool:
    """Whether a run holds the project's lock right now (so a lone ``start`` is not a crash)."""
    return is_locked(project)


def _locked_run(
    project: Project, *, store: Store, fetcher: Fetcher | None, writer: Writer,
    now: datetime, backfill: date | None, ingest_options: IngestOptions | None,
    fault: Fault | None, deliver: Deliver | None = None, verify: VerifyOptions | None = None,
    on_source: Callable[[str], None] | None = None,
) -> DailyResult:
    clock = time.monotonic()
    records = read_records(project.runs_file)
    window = plan_window(project, records, now=now, backfill=backfill)
    record = RunRecord(
        run_id=uuid.uuid4().hex[:12], event="start", digest_date=window.digest_date,
        started_at=now, window_start=window.start, window_end=window.end,
        backfill=window.backfill, writer=writer.name, model=writer.model, prompts=writer.prompts,
    )
    append_record(project.runs_file, record)
    _remove_stale_temps(project.output_dir)
    progress = [record]  # what _work had counted when it failed (issue 14: not "0 articles")
    try:
        result = _work(project, store, fetcher, writer, window, record, records,
                       ingest_options, fault or (lambda stage: None), verify, progress,
                       on_source)
    except BaseException as exc:  # record the failure, then let it propagate unchanged
        failed = progress[-1].model_copy(update={
            "event": "end", "outcome": "failed", "error": f"{type(exc).__name__}: {exc}",
            "duration_s": round(time.monotonic() - clock, 3),
        })
        append_record(project.runs_file, failed)
        raise
    if deliver is not None:  # after the files, before the end record that reports it
        result.record = result.record.model_copy(update={"deliveries": deliver(result)})
    result.record = result.record.model_copy(update={
        "event": "end", "duration_s": round(time.monotonic() - clock, 3)})
    append_record(project.runs_file, result.record)
    logger.info("daily %s: %s", window.digest_date, result.record.outcome)
    return result


def _work(
    project: Project, store: Store, fetcher: Fetcher | None, writer: Writer,
    window: Window, record: RunRecord, records: list[RunRecord],
    ingest_options: IngestOptions | None, fault: Fault, verify: VerifyOptions | None = None,
    progress: list[RunRecord] | None = None, on_source: Callable[[str], None] | None = None,
) -> DailyResult:
    report = IngestReport()
    if not window.backfill and project.sources:
        report = ingest(project.sources, store=store, fetcher=fetcher, options=ingest_options,
                        on_source=on_source)
    failures = [FailedSource(source=o.source, reason=o.reason or "failed")
                for o in report.failures]
    counts = report.counts
    record = record.model_copy(update={
        "failed_sources": failures, "new_articles": counts.get("added", 0) + counts.get("updated", 0),
    })
    fault("ingested")

    articles, vectors = store.article_vectors(date_where(window.start, window.end))
    stories = group_stories(articles, vectors, similarity=project.story_similarity)
    # One section per event: outlets contesting a detail (the city) are one story (issue 15).
    stories = merge_same_event(stories, text_of=store.article_text, embed=store.embedder.embed)
    topic_vectors = (
        dict(zip(project.topics, store.embedder.embed(list(project.topics)), strict=True))
        if project.topics and stories else {}
    )
    chosen, missing = select_stories(stories, project.stories, topic_vectors=topic_vectors)
    missing = missing if stories else list(project.topics)
    record = record.model_copy(update={"articles": len(articles), "stories": len(chosen)})
    if progress is not None:
        progress.append(record)
    fault("grouped")

    fingerprint = _fingerprint(project, window, articles, failures, writer, verify)
    record = record.model_copy(update={"fingerprint": fingerprint})
    previous = last_success(records, digest_date=window.digest_date)
    if (previous is not None and previous.fingerprint == fingerprint
            and _intact(project.output_dir, previous.files)):
        logger.info("nothing new for %s: keeping %s", window.digest_date, ", ".join(previous.files))
        return DailyResult(record.model_copy(update={
            "outcome": "unchanged", "files": previous.files, "sentences": previous.sentences,
            "stories": previous.stories}))
    if not articles and project.no_news == "skip":
        return DailyResult(record.model_copy(update={"outcome": "skipped"}))

    left_out = [s for s in stories if s not in chosen]
    briefing = _briefing(project, store, writer, window, chosen, failures, missing, left_out,
                         verify)
    fault("drafted")
    stem = project.output_dir / window.digest_date.isoformat()
    files = {stem.with_suffix(suffix): text.encode("utf-8") for suffix, text in
             render_daily(briefing, had_articles=bool(articles), html=project.html).items()}
    fault("rendered")
    written = publish_day(files)  # one unit: generation folder + pointer flip (daily.dayset)
    usage = briefing.usage
    return DailyResult(
        record.model_copy(update={
            "outcome": "written" if articles else "no-news",
            "sentences": len(briefing.sentences), "verification": reader_verification(briefing),
            "prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens,
            "files": {p.name: hashlib.sha256(files[p]).hexdigest() for p in written},
        }),
        written=written, briefing=briefing,
    )


def _briefing(
    project: Project, store: Store, writer: Writer, window: Window,
    stories: list[Story], failures: list[FailedSource], missing_topics: list[str],
    left_out: list[Story], verify: VerifyOptions | None = None,
) -> Briefing:
    notes = [f"No coverage of “{topic}” in this window." for topic in missing_topics]
    if left_out:
        count = sum(len(s.articles) for s in left_out)
        notes.append(f"{len(left_out)} smaller stor{'y' if len(left_out) == 1 else 'ies'} "
                     f"({count} article{'s' if count != 1 else ''}) in this window not summarised here.")
    notes += [f"Source unavailable: {f.source} ({f.reason})" for f in failures]
    empty = Briefing(
        title=f"Daily digest — {window.digest_date.isoformat()}",
        window_start=window.start.astimezone(UTC), window_end=window.end.astimezone(UTC),
        generated_at=window.end.astimezone(UTC),  # data-derived: never the wall clock
        writer=writer.name, model=writer.model, prompts=writer.prompts, sentences=[], sources=[],
        notes=notes,
    )
    if not stories:  # nothing to summarise: no writer ran, so none is named (issue 14)
        return empty.model_copy(update={"writer": "none", "model": None, "prompts": {}})
    return write_sections(store, writer, stories, empty, k=project.passages_per_story,
                          since=window.start, until=window.end, verify=verify)


def _fingerprint(project: Project, window: Window, articles: list[StoredArticle],
                 failures: list[FailedSource],
                 writer: Writer, verify: VerifyOptions | None = None) -> str:
    """What the digest's content depends on, except the window's end (see module docstring)."""
    basis = {
        "version": FINGERPRINT_VERSION,
        "date": window.digest_date.isoformat(),
        "start": window.start.isoformat(),
        "articles": sorted((a.id, a.content_hash, a.duplicate_of or "") for a in articles),
        "failures": sorted((f.source, f.reason) for f in failures),
        "writer": [writer.name, writer.model],
        "prompts": writer.prompts,
        "verify": None if verify is None else [verify.judge.name, verify.judge.threshold,
                                                 verify.action, verify.min_supported,
                                                 prompt_versions(verify.judge)],
        "settings": project.model_dump(mode="json", include={
            "stories", "passages_per_story", "topics", "html", "timezone", "no_news",
            "story_similarity"}),
    }
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()


def _intact(directory: Path, files: dict[str, str]) -> bool:
    """Every file of a previous run still exists with the bytes that run wrote."""
    for name, digest in files.items():
        path = directory / name
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            return False
    return bool(files)


def _remove_stale_temps(directory: Path) -> None:
    """Temp files left by a run killed mid-write (we hold the lock, so none is in use)."""
    if directory.is_dir():
        for stale in directory.glob(".????-??-??.*.tmp"):  # render.write_atomic's temp names
            stale.unlink(missing_ok=True)

