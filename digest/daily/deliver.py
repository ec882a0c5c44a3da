"""Delivery of written digests to the project's ``[[deliver]]`` targets, at most once each.

    which days      the ones asked for, plus every (day, target) whose last try failed
    skip?           already sent with the same sidecar hash -> skip; sent, but the digest
                    changed since -> send again only when the target has ``on_update = true``
    send            email (mail.py), webhook (webhook.py), archive (publish.py)
    record          a ``sent`` or ``failed`` line in STATE_DIR/deliveries.jsonl (fsynced)

The ledger line is written after the send, so a crash in between means the next run sends
again (at least once, never lost); a failure is one line in the ledger and in the report,
the digest files stay exactly as written, and the next ``digest daily`` or ``digest deliver``
retries. Credentials and URLs come from ``env`` (the CLI passes the process environment);
the HTTP client comes from the composition root, so tests hand in their own.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from digest.daily import lock, mail, webhook
from digest.daily.outbox import DayDigest, digest_days, load_day
from digest.daily.project import Project
from digest.daily.publish import publish_archive
from digest.daily.runs import Delivery, append_record, read_records
from digest.daily.targets import ArchiveTarget, EmailTarget, Target
from digest.errors import ConfigError, DeliveryError

if TYPE_CHECKING:
    from digest.daily.run import DailyResult

logger = logging.getLogger(__name__)
LEDGER = "deliveries.jsonl"


def ledger_file(project: Project) -> Path:
    return project.state_dir / LEDGER


def delivery_state(records: Iterable[Delivery]) -> dict[tuple[date, str], Delivery]:
    """The latest ``sent`` / ``failed`` record per (day, target), in ledger order."""
    state: dict[tuple[date, str], Delivery] = {}
    for record in records:
        if record.status in ("sent", "failed"):
            state[(record.digest_date, record.target)] = record
    return state


def undelivered(project: Project) -> list[Delivery]:
    """Deliveries whose last try failed (what ``digest runs`` reports, oldest first)."""
    state = delivery_state(read_records(ledger_file(project), Delivery))
    names = {t.name for t in project.deliver}
    return sorted((d for d in state.values() if d.status == "failed" and d.target in names),
                  key=lambda d: (d.digest_date, d.target))


def pick_day(project: Project, day: date | None) -> date:
    """``day`` if its digest exists, else (``None``) the newest digest; a ConfigError if none."""
    days = digest_days(project.output_dir)
    if day is not None and day not in days:
        raise ConfigError(f"no digest for {day} in {project.output_dir}")
    if not days:
        raise ConfigError(f"no digest in {project.output_dir} yet; run `digest daily` first")
    return day or days[-1]


@contextmanager
def project_lock(project: Project) -> Iterator[None]:
    """``digest deliver`` alone takes the daily lock, so a run cannot send the same day too."""
    with lock.project_lock(project, "a `digest daily` or `digest deliver` is running for this "
                           "project; nothing was sent"):
        yield


def deliver(
    project: Project, days: Iterable[date], *, now: datetime, env: Mapping[str, str],
    http: httpx.Client, only: str | None = None, dry_run: bool = False, force: bool = False,
    run_id: str | None = None,
) -> list[Delivery]:
    """Deliver ``days`` (and retry failed ones) to every target, or to target ``only``."""
    targets = [t for t in project.deliver if only is None or t.name == only]
    if only is not None and not targets:
        known = ", ".join(t.name for t in project.deliver) or "none configured"
        raise ConfigError(f"no delivery target named {only!r} in the project file "
                          f"(targets: {known})")
    ledger = ledger_file(project)
    state = delivery_state(read_records(ledger, Delivery))
    asked = set(days)
    results = []
    for target in targets:
        retry = {day for (day, name), d in state.items()
                 if name == target.name and d.status == "failed"}
        for day in sorted(asked | retry):
            result = _deliver_one(project, target, day, state.get((day, target.name)),
                                  now=now, env=env, http=http, dry_run=dry_run, force=force)
            result = result.model_copy(update={"run_id": run_id})
            if result.status in ("sent", "failed"):
                append_record(ledger, result)
            logger.info("deliver %s -> %s: %s %s", day, target.name, result.status,
                        result.detail)  # the CLI reports each one; failures are in the ledger
            results.append(result)
    return results


def _deliver_one(
    project: Project, target: Target, day: date, previous: Delivery | None, *,
    now: datetime, env: Mapping[str, str], http: httpx.Client, dry_run: bool, force: bool,
) -> Delivery:
    def outcome(status: str, detail: str, sha: str = "", attempts: int = 0) -> Delivery:
        return Delivery(digest_date=day, target=target.name, kind=target.type,
                        status=status, digest_sha256=sha, at=now,  # type: ignore[arg-type]
                        attempts=attempts, detail=detail)

    try:
        digest = load_day(project.output_dir, day)
    except DeliveryError as exc:
        return outcome("dry-run", f"would fail: {exc}") if dry_run else \
            outcome("failed", str(exc), attempts=1)
    skip = None if force else _skip_reason(target, digest, previous)
    if skip:
        return outcome("skipped", skip, digest.sha256)
    if dry_run:
        return outcome("dry-run", "would " + _preview(target, digest, env, now, project),
                       digest.sha256)
    try:
        detail, attempts = _send(target, digest, env=env, http=http, now=now, project=project)
    except DeliveryError as exc:
        return outcome("failed", str(exc), digest.sha256, exc.attempts)
    return outcome("sent", detail, digest.sha256, attempts)


def _skip_reason(target: Target, digest: DayDigest, previous: Delivery | None) -> str | None:
    if previous is None or previous.status == "failed":
        return None
    if previous.digest_sha256 == digest.sha256:
        return f"already sent at {previous.at:%Y-%m-%d %H:%M} UTC"
    if not target.on_update:
        return "digest updated since it was sent; not re-sent (on_update = false)"
    return None


def _send(target: Target, digest: DayDigest, *, env: Mapping[str, str], http: httpx.Client,
          now: datetime, project: Project) -> tuple[str, int]:
    if isinstance(target, EmailTarget):
        return mail.send_message(target, mail.build_message(target, digest, now), env), 1
    if isinstance(target, ArchiveTarget):
        return publish_archive(target, project.output_dir), 1
    return webhook.post(target, webhook.build_payload(target, digest), env, http)


def _preview(target: Target, digest: DayDigest, env: Mapping[str, str], now: datetime,
             project: Project) -> str:
    """What would be sent, without sending; names missing environment variables."""
    if isinstance(target, EmailTarget):
        message = mail.build_message(target, digest, now)
        parts = ", ".join(p.get_content_type() for p in message.iter_parts())
        text = f"{mail.describe(target, message)} [{parts}]"
        needed = [target.username_env, target.password_env]
    elif isinstance(target, ArchiveTarget):
        return f"rebuild feed.xml, index.html and archive/ in {project.output_dir}"
    else:
        payload = webhook.build_payload(target, digest)
        size = len(json.dumps(payload).encode("utf-8"))
        text = f"POST a {target.format} payload ({size} bytes) to ${target.url_env}"
        needed = [target.url_env]
    missing = [name for name in needed if name and not env.get(name)]
    return text + (f" (not set: {', '.join(missing)})" if missing else "")


def after_run(project: Project, *, now: datetime, env: Mapping[str, str], http: httpx.Client,
              dry_run: bool = False) -> Callable[[DailyResult], list[Delivery]]:
    """The hook ``run_daily`` calls once its files are written: deliver that day, retry the rest."""

    def hook(result: DailyResult) -> list[Delivery]:
        days = [result.record.digest_date] if result.record.files else []
        return deliver(project, days, now=now, env=env, http=http, dry_run=dry_run,
                       run_id=result.record.run_id)

    return hook
