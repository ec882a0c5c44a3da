"""`digest deliver`, `digest daily --dry-run` and `digest runs` through the CLI."""

from __future__ import annotations

from daily_helpers import DAYS, Daily, evening
from deliver_helpers import add_targets, file_hashes
from filelock import FileLock
from typer.testing import CliRunner

from digest.cli import app
from digest.daily.deliver import ledger_file, undelivered

HOOK = '[[deliver]]\nname = "chat"\ntype = "webhook"\nurl_env = "CHAT_HOOK"\n'
SITE = '[[deliver]]\nname = "site"\ntype = "archive"\n'


def _cli(daily: Daily, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, [*args, "--config", str(daily.config)])


def test_deliver_dry_run_prints_what_would_be_sent_and_sends_nothing(three_days: Daily) -> None:
    add_targets(three_days.root, HOOK + SITE)
    result = _cli(three_days, "deliver", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "2026-05-20 → chat (webhook): dry-run: would POST a slack payload" in result.output
    assert "not set: CHAT_HOOK" in result.output
    assert "2026-05-20 → site (archive): dry-run: would rebuild feed.xml" in result.output
    assert not ledger_file(three_days.project).exists()
    assert not (three_days.project.output_dir / "feed.xml").exists()


def test_a_failed_delivery_exits_1_and_digest_runs_lists_it(three_days: Daily) -> None:
    add_targets(three_days.root, HOOK + SITE)
    before = file_hashes(three_days.project.output_dir)
    result = _cli(three_days, "deliver", "--date", str(DAYS[1]))
    assert result.exit_code == 1
    assert "2026-05-19 → site (archive): sent" in result.output
    assert "2026-05-19 → chat (webhook): failed: webhook chat: environment variable CHAT_HOOK " \
           "is not set" in result.output
    assert "Traceback" not in result.output
    shown = _cli(three_days, "runs")
    assert shown.exit_code == 0
    assert "undelivered: 2026-05-19 → chat (webhook)" in shown.output
    assert file_hashes(three_days.project.output_dir) == before
    only_site = _cli(three_days, "deliver", "--date", str(DAYS[1]), "--to", "site")
    assert only_site.exit_code == 0 and "skipped: already sent" in only_site.output
    assert "chat" not in only_site.output


def test_unknown_target_and_no_targets_are_one_line_messages(three_days: Daily) -> None:
    none = _cli(three_days, "deliver")
    assert none.exit_code == 0 and "no [[deliver]] targets" in none.output
    add_targets(three_days.root, SITE)
    unknown = _cli(three_days, "deliver", "--to", "nope")
    assert unknown.exit_code == 2
    assert "no delivery target named 'nope' in the project file (targets: site)" in unknown.output
    missing = _cli(three_days, "deliver", "--date", "2026-01-01")
    assert missing.exit_code == 2 and "no digest for 2026-01-01 in " in missing.output


def test_daily_delivers_after_writing_and_dry_run_only_reports(three_days: Daily) -> None:
    add_targets(three_days.root, SITE)
    now = evening(DAYS[2]).isoformat()
    dry = _cli(three_days, "daily", "--now", now, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "2026-05-20: " in dry.output  # the digest itself is written (or kept) as usual
    assert "site (archive): dry-run: would rebuild" in dry.output
    assert not (three_days.project.output_dir / "index.html").exists()
    done = _cli(three_days, "daily", "--now", now)
    assert done.exit_code == 0, done.output
    assert "2026-05-20 → site (archive): sent: archive of 3 day(s)" in done.output
    assert (three_days.project.output_dir / "index.html").is_file()
    assert undelivered(three_days.project) == []


def test_deliver_waits_for_no_one_while_a_daily_run_holds_the_lock(three_days: Daily) -> None:
    add_targets(three_days.root, SITE)
    with FileLock(str(three_days.project.lock_file), timeout=0):
        busy = _cli(three_days, "deliver")
    assert busy.exit_code == 3 and "nothing was sent" in busy.output
    assert not ledger_file(three_days.project).exists()
