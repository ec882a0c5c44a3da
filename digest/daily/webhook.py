"""Webhook delivery: a JSON POST with bounded retries on 429, 5xx, timeouts and lost connections.

Two payloads: ``slack`` (``text`` plus ``blocks``, which Slack, Mattermost and Rocket.Chat
incoming webhooks accept; every ``[n]`` links to its article) and ``json`` (the date, the
Markdown and the whole JSON sidecar, for automation). The URL is a secret (Slack's carries
its token), so it is read from the environment and never appears in a message or a record.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from digest.daily.outbox import DayDigest, secret
from digest.daily.targets import WebhookTarget
from digest.errors import DeliveryError
from digest.ingest.netguard import install_deadline
from digest.render.slack import render_slack

logger = logging.getLogger(__name__)
RETRY_AFTER_MAX = 60.0


def slack_payload(digest: DayDigest) -> dict[str, Any]:
    return render_slack(digest.briefing, digest.top_story)


def json_payload(digest: DayDigest) -> dict[str, Any]:
    return {
        "type": "digest", "date": digest.day.isoformat(),
        "title": " ".join(digest.briefing.title.split()), "top_story": digest.top_story,
        "digest_sha256": digest.sha256, "markdown": digest.markdown,
        "briefing": json.loads(digest.sidecar),
    }


def build_payload(target: WebhookTarget, digest: DayDigest) -> dict[str, Any]:
    return slack_payload(digest) if target.format == "slack" else json_payload(digest)


class _Transient(Exception):
    """Worth another attempt; ``retry_after`` is the server's own wait, when it gave one."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return min(float(response.headers.get("Retry-After", "")), RETRY_AFTER_MAX)
    except ValueError:
        return None


def post(target: WebhookTarget, payload: dict[str, Any], env: Mapping[str, str],
         http: httpx.Client) -> tuple[str, int]:
    """POST with retries; returns (description, attempts) or raises DeliveryError."""
    where = f"webhook {target.name} (${target.url_env})"
    url = secret(env, target.url_env, f"webhook {target.name}")
    attempts = 0
    # httpx's timeout bounds each read; a server sending a header byte every 3 s never trips
    # it (issue 24). The deadline backend cuts every read to the time left for the target.
    end = time.monotonic() + target.deadline
    backend = install_deadline(http)

    def late() -> DeliveryError:
        return DeliveryError(f"{where}: not delivered within the deadline of "
                             f"{target.deadline:g} s (connect, TLS, request and retries "
                             "together; `deadline` in [[deliver]])", attempts=attempts)

    def once() -> int:
        nonlocal attempts
        left = end - time.monotonic()
        if left <= 0:
            raise late()
        attempts += 1
        if backend is not None:
            backend.set_deadline(end)
        try:
            response = http.post(url, json=payload, timeout=min(target.timeout, left))
        except httpx.TimeoutException as exc:
            if time.monotonic() >= end - 0.05:
                raise late() from exc
            raise _Transient(f"no answer within {target.timeout:g} s") from exc
        except httpx.TransportError as exc:
            raise _Transient(type(exc).__name__ + ": " + str(exc).replace(url, "URL")) from exc
        finally:
            if backend is not None:
                backend.set_deadline(None)
        if response.status_code == 429 or response.status_code >= 500:
            raise _Transient(f"HTTP {response.status_code}", _retry_after(response))
        if not response.is_success:  # 3xx too: redirects are not followed (the URL is a secret)
            body = " ".join(response.text.split())[:200]
            raise DeliveryError(f"{where}: HTTP {response.status_code} {body}",
                                attempts=attempts)
        return response.status_code

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        backoff = target.backoff * 2 ** (state.attempt_number - 1)
        wanted = min(max(backoff, getattr(exc, "retry_after", None) or 0.0), RETRY_AFTER_MAX)
        return max(min(wanted, end - time.monotonic()), 0.0)  # the next try says it is late

    try:
        status = Retrying(stop=stop_after_attempt(target.attempts), wait=wait, reraise=True,
                          retry=retry_if_exception_type(_Transient))(once)
    except _Transient as exc:
        raise DeliveryError(f"{where}: failed after {attempts} attempt(s): {exc}",
                            attempts=attempts) from exc
    kind = "Slack blocks" if target.format == "slack" else "JSON sidecar"
    return f"POST {kind} to ${target.url_env}: HTTP {status}", attempts
