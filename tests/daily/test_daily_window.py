"""Which publication window a run covers: since the last good run, capped; days keep their start."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from digest.daily.project import Project
from digest.daily.runs import RunRecord, append_record, plan_window, read_records, runs
from digest.errors import ConfigError

NOW = datetime(2026, 5, 20, 7, 0, tzinfo=UTC)


def _project(**kwargs: object) -> Project:
    return Project(**kwargs).resolved(Path("/tmp/project"))  # type: ignore[arg-type]


def _done(day: date, start: datetime, end: datetime, outcome: str = "written",
          backfill: bool = False, event: str = "end") -> RunRecord:
    return RunRecord(run_id=f"{day}{outcome}{event}{backfill}", event=event,  # type: ignore[arg-type]
                     digest_date=day, started_at=end, window_start=start, window_end=end,
                     backfill=backfill, outcome=outcome)  # type: ignore[arg-type]


def test_first_run_covers_the_last_max_hours() -> None:
    window = plan_window(_project(), [], now=NOW)
    assert (window.digest_date, window.start, window.end) == (date(2026, 5, 20),
                                                              NOW - timedelta(hours=24), NOW)


def test_next_run_starts_where_the_last_successful_one_ended() -> None:
    yesterday = NOW - timedelta(days=1)
    records = [
        _done(date(2026, 5, 19), yesterday - timedelta(hours=24), yesterday - timedelta(hours=3)),
        _done(date(2026, 5, 19), yesterday - timedelta(hours=3), yesterday, outcome="failed"),
        _done(date(2026, 5, 19), yesterday, yesterday + timedelta(hours=1), event="start"),
    ]
    window = plan_window(_project(), records, now=NOW)
    assert window.start == NOW - timedelta(hours=24)  # capped at max_hours, not 27 h back
    records[0] = _done(date(2026, 5, 19), yesterday - timedelta(hours=24), yesterday + timedelta(hours=2))
    assert plan_window(_project(), records, now=NOW).start == yesterday + timedelta(hours=2)


def test_a_rerun_of_the_same_day_keeps_the_days_start_and_extends_its_end() -> None:
    first = _done(date(2026, 5, 20), NOW - timedelta(hours=24), NOW)
    later = NOW + timedelta(hours=3)
    window = plan_window(_project(), [first], now=later)
    assert (window.digest_date, window.start, window.end) == (date(2026, 5, 20), first.window_start, later)


def test_backfill_reuses_the_recorded_window_or_takes_the_calendar_day() -> None:
    project = _project(timezone="Europe/Berlin")
    recorded = _done(date(2026, 5, 18), NOW - timedelta(days=3), NOW - timedelta(days=2))
    again = plan_window(project, [recorded], now=NOW, backfill=date(2026, 5, 18))
    assert (again.start, again.end, again.backfill) == (recorded.window_start, recorded.window_end, True)
    fresh = plan_window(project, [recorded], now=NOW, backfill=date(2026, 5, 17))
    assert fresh.start.isoformat() == "2026-05-17T00:00:00+02:00"
    assert fresh.end.isoformat() == "2026-05-18T00:00:00+02:00"
    with pytest.raises(ConfigError, match="future"):
        plan_window(project, [], now=NOW, backfill=date(2026, 5, 21))


def test_backfills_do_not_move_the_scheduled_window() -> None:
    scheduled = _done(date(2026, 5, 19), NOW - timedelta(hours=30), NOW - timedelta(hours=6))
    backfill = _done(date(2026, 5, 10), NOW - timedelta(days=11), NOW - timedelta(days=10),
                     backfill=True)
    assert plan_window(_project(), [scheduled, backfill], now=NOW).start == scheduled.window_end


def test_day_window_is_the_calendar_day_in_the_project_zone() -> None:
    window = plan_window(_project(window="day", timezone="Asia/Shanghai"), [], now=NOW)
    assert window.digest_date == date(2026, 5, 20)
    assert window.start.isoformat() == "2026-05-20T00:00:00+08:00" and window.end == NOW


def test_a_torn_last_line_is_skipped_and_unfinished_runs_show_their_start(tmp_path: Path) -> None:
    path = tmp_path / "runs.jsonl"
    start = _done(date(2026, 5, 20), NOW - timedelta(hours=1), NOW, event="start", outcome="running")
    append_record(path, start)
    with path.open("a") as handle:
        handle.write('{"run_id": "abc", "event": "en')  # a kill mid-write
    assert [r.event for r in runs(read_records(path))] == ["start"]
