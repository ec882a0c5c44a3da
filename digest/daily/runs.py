"""The daily run record (a JSON-lines state file) and the window each run covers.

Each run appends a ``start`` line when it begins and an ``end`` line when it finishes, both
under one ``run_id``. A run killed in between leaves only its ``start`` line, which
``digest runs`` shows as *interrupted*; it is never mistaken for a success, so the next run's
window still reaches back to the last run that really finished. Lines are appended and
fsynced one at a time; a line cut short by a crash is skipped with a warning, not fatal.

Windows are by publication time. The first run of a digest date fixes the window's start
(since the last successful run, at most ``max_hours`` back); re-runs of the same date keep that
start and only extend the end, so a re-run covers the same day, not a sliver since the re-run.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from digest.briefing import Verification
from digest.daily.project import Project
from digest.errors import ConfigError

logger = logging.getLogger(__name__)

Outcome = Literal["running", "written", "unchanged", "no-news", "skipped", "failed"]
SUCCESS: frozenset[str] = frozenset({"written", "unchanged", "no-news", "skipped"})
Record = TypeVar("Record", bound=BaseModel)


class FailedSource(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    reason: str


class Delivery(BaseModel):
    """One delivery of one day's digest to one target (a line of ``deliveries.jsonl``).

    The latest ``sent``/``failed`` line per (date, target) is that pair's state: ``failed`` is
    retried by the next run, ``sent`` is not repeated unless the digest changed and the
    target asks for updates. ``skipped`` and ``dry-run`` are reported, never recorded.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    digest_date: date
    target: str
    kind: str
    status: Literal["sent", "failed", "skipped", "dry-run"]
    digest_sha256: str = Field(description="sha256 of the JSON sidecar that was (to be) sent")
    at: datetime
    attempts: int = 0
    detail: str = ""
    run_id: str | None = None


class RunRecord(BaseModel):
    """One line of ``runs.jsonl``: what a run covered, produced and cost."""

    model_config = ConfigDict(extra="forbid")

    run_id: str
    event: Literal["start", "end"]
    digest_date: date
    started_at: datetime
    window_start: datetime
    window_end: datetime
    backfill: bool = False
    outcome: Outcome = "running"
    articles: int = Field(default=0, description="articles published in the window")
    new_articles: int = Field(default=0, description="added or updated by this run's ingest")
    stories: int = 0
    sentences: int = 0
    verification: Verification | None = None  # what the verify stage checked, cut and flagged
    writer: str = ""
    model: str | None = None
    prompts: dict[str, str] = Field(default_factory=dict, description="template -> sha256")
    prompt_tokens: int = 0
    completion_tokens: int = 0
    duration_s: float = 0.0
    failed_sources: list[FailedSource] = Field(default_factory=list)
    files: dict[str, str] = Field(default_factory=dict, description="file name in output_dir -> sha256")
    fingerprint: str | None = None
    error: str | None = None
    deliveries: list[Delivery] = Field(default_factory=list, description="after the files")


def append_record(path: Path, record: BaseModel) -> None:
    """Append one line and fsync it, so a crash right after still leaves it on disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(record.model_dump_json() + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def read_records(
    path: Path, model: type[Record] = RunRecord  # type: ignore[assignment]
) -> list[Record]:
    """Every readable line, in file order; a torn or foreign line is skipped with a warning."""
    if not path.is_file():
        return []
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(model.model_validate_json(line))
        except ValidationError:
            logger.warning("%s:%d: unreadable run record skipped", path, number)
    return records


def runs(records: Iterable[RunRecord]) -> list[RunRecord]:
    """One record per run: its ``end`` line, or its ``start`` line if it never finished."""
    latest: dict[str, RunRecord] = {}
    for record in records:
        if record.run_id not in latest or record.event == "end":
            latest[record.run_id] = record
    return list(latest.values())


def last_success(records: Iterable[RunRecord], *, digest_date: date | None = None,
                 scheduled_only: bool = False) -> RunRecord | None:
    """The latest finished, successful run (for one date, or of scheduled runs only)."""
    found = None
    for record in runs(records):
        if record.event != "end" or record.outcome not in SUCCESS:
            continue
        if digest_date is not None and record.digest_date != digest_date:
            continue
        if scheduled_only and record.backfill:
            continue
        found = record
    return found


@dataclass(frozen=True)
class Window:
    """The digest's date and the publication-time window ``[start, end)`` it covers."""

    digest_date: date
    start: datetime
    end: datetime
    backfill: bool


def _midnight(day: date, project: Project) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=project.tz)


def plan_window(
    project: Project, records: list[RunRecord], *, now: datetime, backfill: date | None = None
) -> Window:
    """The window a run at ``now`` covers (see the module docstring for the rules)."""
    if now.tzinfo is None:
        raise ConfigError("`now` must be timezone-aware")
    if backfill is not None:
        today = now.astimezone(project.tz).date()
        if backfill > today:
            raise ConfigError(f"--date {backfill} is in the future (today is {today} in "
                              f"{project.timezone}); nothing to backfill yet")
        done = last_success(records, digest_date=backfill)
        if done is not None:
            return Window(backfill, done.window_start, done.window_end, True)
        start = _midnight(backfill, project)
        end = min(_midnight(backfill + timedelta(days=1), project), now)
        return Window(backfill, start, end, True)

    day = now.astimezone(project.tz).date()
    if project.window == "day":
        return Window(day, _midnight(day, project), now, False)
    same_day = last_success(records, digest_date=day, scheduled_only=True)
    if same_day is not None:
        return Window(day, min(same_day.window_start, now), now, False)
    floor = now - timedelta(hours=project.max_hours)
    previous = last_success(records, scheduled_only=True)
    start = floor if previous is None else min(max(previous.window_end, floor), now)
    return Window(day, start, now, False)
