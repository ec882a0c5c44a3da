"""Delivery after `digest daily`: nothing lost, nothing sent twice, digest files never touched.

The webhook target talks to a real HTTP server on loopback; the digests are the three-day
sample project's (real ingest, real extractive writer).
"""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from daily_helpers import DAYS, Daily, article, evening
from deliver_helpers import HookServer, add_targets, file_hashes, silent_server

from digest.daily.deliver import after_run, deliver, undelivered
from digest.daily.runs import read_records, runs
from digest.errors import ConfigError

HOOK = """
[[deliver]]
name = "chat"
type = "webhook"
url_env = "CHAT_HOOK"
timeout = {timeout}
attempts = {attempts}
backoff = 0
on_update = {on_update}
"""
DAY3 = DAYS[2]


def _hook(daily: Daily, *, timeout: float = 5, attempts: int = 3, on_update: bool = False,
          name: str = "chat") -> None:
    add_targets(daily.root, HOOK.format(timeout=timeout, attempts=attempts,
                                        on_update=str(on_update).lower()).replace("chat", name))


@pytest.mark.slow
def test_503_then_200_is_one_retry_and_one_delivery(three_days: Daily) -> None:
    _hook(three_days)
    with HookServer([503, 200]) as server, httpx.Client() as http:
        results = deliver(three_days.project, [DAY3], now=evening(DAY3),
                          env={"CHAT_HOOK": server.url}, http=http)
    assert [(r.status, r.attempts) for r in results] == [("sent", 2)]
    assert len(server.bodies) == 2 and server.bodies[0] == server.bodies[1]
    payload = server.bodies[-1]
    assert payload["text"].startswith("Daily digest — 2026-05-20: ")
    assert payload["blocks"][0]["type"] == "header"
    assert all(len(b["text"]["text"]) <= 3000 for b in payload["blocks"] if b["type"] == "section")
    assert "T0KEN" not in results[0].detail  # the URL is a secret: never in a record


@pytest.mark.slow
def test_a_server_that_never_answers_fails_in_bounded_time_is_recorded_and_retried(
    three_days: Daily
) -> None:
    _hook(three_days, timeout=0.3, attempts=2)
    before = file_hashes(three_days.project.output_dir)
    with silent_server() as url, httpx.Client() as http:
        failed = deliver(three_days.project, [DAY3], now=evening(DAY3),
                         env={"CHAT_HOOK": url}, http=http)
    assert [(r.status, r.attempts) for r in failed] == [("failed", 2)]
    assert "no answer within 0.3 s" in failed[0].detail and "failed after 2" in failed[0].detail
    assert [d.digest_date for d in undelivered(three_days.project)] == [DAY3]
    assert file_hashes(three_days.project.output_dir) == before

    # The next run of another day retries the failed day too; then nothing is pending.
    with HookServer([200]) as server, httpx.Client() as http:
        retried = deliver(three_days.project, [], now=evening(DAY3) + timedelta(hours=1),
                          env={"CHAT_HOOK": server.url}, http=http)
    assert [(r.digest_date, r.status) for r in retried] == [(DAY3, "sent")]
    assert len(server.bodies) == 1 and undelivered(three_days.project) == []
    assert file_hashes(three_days.project.output_dir) == before


@pytest.mark.slow
def test_a_rerun_that_rewrites_nothing_sends_nothing(three_days: Daily) -> None:
    _hook(three_days)
    with HookServer([200]) as server, httpx.Client() as http:
        hook = after_run(three_days.project, now=evening(DAY3), env={"CHAT_HOOK": server.url},
                         http=http)
        first = three_days.run(evening(DAY3), deliver=hook)
        again = three_days.run(evening(DAY3) + timedelta(minutes=5), deliver=hook)
    assert first.record.outcome == again.record.outcome == "unchanged"
    assert [d.status for d in first.record.deliveries] == ["sent"]
    assert [d.status for d in again.record.deliveries] == ["skipped"]
    assert "already sent" in again.record.deliveries[0].detail
    assert len(server.bodies) == 1
    stored = runs(read_records(three_days.project.runs_file))[-1]
    assert [d.status for d in stored.deliveries] == ["skipped"]  # in the run record too


@pytest.mark.slow
def test_an_updated_digest_is_resent_only_to_targets_that_ask_for_updates(
    three_days: Daily
) -> None:
    _hook(three_days, name="quiet")
    _hook(three_days, name="eager", on_update=True)
    with HookServer([200]) as server, httpx.Client() as http:
        env = {"CHAT_HOOK": server.url}  # both targets post to the same test server
        deliver(three_days.project, [DAY3], now=evening(DAY3), env=env, http=http)
        assert len(server.bodies) == 2
        # Later that day a new article arrives and the digest is rewritten.
        article(three_days.root, "late-news", published="2026-05-20T22:00:00+00:00")
        later = evening(DAY3, hour=23) + timedelta(minutes=20)
        hook = after_run(three_days.project, now=later, env=env, http=http)
        result = three_days.run(later, deliver=hook)
    assert result.record.outcome == "written"
    outcomes = {d.target: (d.status, d.detail) for d in result.record.deliveries}
    assert outcomes["eager"][0] == "sent"
    assert outcomes["quiet"][0] == "skipped" and "on_update = false" in outcomes["quiet"][1]
    assert len(server.bodies) == 3
    assert server.bodies[-1]["text"] != server.bodies[0]["text"] or \
        server.bodies[-1]["blocks"] != server.bodies[0]["blocks"]


@pytest.mark.slow
@pytest.mark.parametrize("status", [404, 302])
def test_a_client_error_or_redirect_is_a_failure_without_retries(
    three_days: Daily, status: int
) -> None:
    _hook(three_days)
    with HookServer([status]) as server, httpx.Client() as http:
        results = deliver(three_days.project, [DAY3], now=evening(DAY3),
                          env={"CHAT_HOOK": server.url}, http=http)
    assert [(r.status, r.attempts) for r in results] == [("failed", 1)]
    assert f"HTTP {status}" in results[0].detail and len(server.bodies) == 1


def test_a_missing_secret_is_a_recorded_failure_and_dry_run_sends_nothing(
    three_days: Daily
) -> None:
    _hook(three_days)
    with httpx.Client() as http:
        preview = deliver(three_days.project, [DAY3], now=evening(DAY3), env={}, http=http,
                          dry_run=True)
        assert [r.status for r in preview] == ["dry-run"]
        assert "POST a slack payload" in preview[0].detail and "not set: CHAT_HOOK" in \
            preview[0].detail
        assert undelivered(three_days.project) == []  # a dry run records nothing
        failed = deliver(three_days.project, [DAY3], now=evening(DAY3), env={}, http=http)
    assert failed[0].status == "failed"
    assert failed[0].detail == "webhook chat: environment variable CHAT_HOOK is not set"
    assert [d.target for d in undelivered(three_days.project)] == ["chat"]


def test_json_payload_carries_the_whole_sidecar(three_days: Daily) -> None:
    add_targets(three_days.root, HOOK.format(timeout=5, attempts=1, on_update="false")
                + 'format = "json"\n')
    from digest.daily.outbox import load_day
    from digest.daily.webhook import build_payload

    target = three_days.project.deliver[0]
    digest = load_day(three_days.project.output_dir, DAY3)
    payload = build_payload(target, digest)  # type: ignore[arg-type]
    sidecar = json.loads(three_days.digest(DAY3, ".json").read_text(encoding="utf-8"))
    assert payload["briefing"] == sidecar and payload["date"] == "2026-05-20"
    assert payload["markdown"] == three_days.digest(DAY3).read_text(encoding="utf-8")


def test_unknown_target_name_is_an_error(three_days: Daily) -> None:
    _hook(three_days)
    with httpx.Client() as http, pytest.raises(ConfigError, match="no delivery target named"):
        deliver(three_days.project, [DAY3], now=evening(DAY3), env={}, http=http, only="nope")
