"""HTTP for ingest: timeouts, a size cap, a clear user agent, bounded retries.

Every network read goes through :class:`Fetcher` so those limits cannot be forgotten by one
code path. Transient failures (connect errors, timeouts, 429/5xx) are retried a bounded number
of times with backoff by tenacity; anything else becomes a :class:`SourceError` naming the URL.
httpx's timeout applies to each read, so a server that trickles a byte at a time could hold a
run forever; a deadline per URL (``DEADLINE_FACTOR`` x the timeout, headers, body and retries
together), per feed and per run (:class:`~digest.limits.Limits`) stops that, enforced
on every socket operation by :class:`~digest.ingest.netguard.DeadlineBackend`. A host that
could not be reached is not tried again in the same run. Links taken from a feed must point at
public addresses (see :mod:`digest.ingest.netguard`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
from tenacity import (
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from digest.errors import SourceError
from digest.ingest.netguard import DeadlineBackend, check_public
from digest.limits import Limits

logger = logging.getLogger(__name__)

DEADLINE_FACTOR = 4  # a whole download may take this many times the per-read timeout
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ref", "cmpid", "ocid")


def canonical_url(url: str) -> str:
    """The identity of a web article: lower-case host, no fragment, no tracking parameters.

    Two links to the same story that differ only by campaign tags must map to one article,
    otherwise re-ingesting a feed would store the story twice. A string that is no URL at all
    (``http://[oops/x``) raises ``ValueError``, the only exception this function raises.
    """
    parts = urlsplit(url.strip())
    parts.port  # noqa: B018 -- validates the port now, not later in an unrelated caller
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING)
    ]
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/")
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), path, urlencode(sorted(query)), "")
    )


@dataclass(frozen=True)
class Response:
    """What a fetch returns: final URL (after redirects), content type and body bytes."""

    url: str
    content_type: str
    body: bytes


def _hostname(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


class _Transient(Exception):
    """A failure worth retrying; ``unreachable``: the host did not accept a connection."""

    def __init__(self, message: str, *, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable


def _is_transient(exc: BaseException) -> bool:
    return isinstance(exc, _Transient)


class Fetcher:
    """A size-capped, deadline-bound HTTP GET with a user agent that says who we are."""

    def __init__(
        self,
        *,
        timeout: float = 15.0,
        max_bytes: int = 5_000_000,
        user_agent: str = "digest/0.1",
        attempts: int = 3,
        limits: Limits | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        self._max_bytes = max_bytes
        self._attempts = attempts
        self.limits = limits or Limits()
        self._per_url = min(timeout * DEADLINE_FACTOR, self.limits.request_deadline)
        self._run_deadline = time.monotonic() + self.limits.run_deadline
        self._unreachable: set[str] = set()
        self._backend = DeadlineBackend()
        if client is None:
            transport = httpx.HTTPTransport()
            # httpx has no parameter for the network backend; its pool creates connections
            # through this attribute, so setting it before the first request is enough.
            transport._pool._network_backend = self._backend  # noqa: SLF001
            client = httpx.Client(
                timeout=httpx.Timeout(timeout), follow_redirects=True, max_redirects=5,
                headers={"User-Agent": user_agent}, transport=transport,
            )
        self._client = client
        self._client.event_hooks["request"].append(self._check_hop)
        self._guarded: str | None = None  # while fetching a feed's link: the feed's own host

    def close(self) -> None:
        self._client.close()

    def feed_deadline(self) -> float:
        """The ``time.monotonic()`` by which a feed read starting now must be done."""
        return time.monotonic() + self.limits.feed_deadline

    def get(
        self, url: str, *, deadline: float | None = None, linked_from: str | None = None
    ) -> Response:
        """GET ``url`` or raise :class:`SourceError` with the reason a user can act on.

        ``deadline``: a ``time.monotonic()`` value (a feed's) this fetch must also respect.
        ``linked_from``: the feed ``url`` came from; its links must reach public hosts only
        (or that feed's own host) unless ``allow_private_urls`` is set.
        """
        try:
            parts = urlsplit(url)
            host = parts.netloc.lower()  # host and port: one dead service is not the whole host
            parts.port  # noqa: B018 -- raises ValueError on a bad port
        except ValueError as exc:
            raise SourceError(url, f"invalid URL: {exc}") from exc
        if host in self._unreachable:
            raise SourceError(url, f"skipped: {host} could not be reached earlier in this run")
        ends = [time.monotonic() + self._per_url, self._run_deadline]
        if deadline is not None:
            ends.append(deadline)
        end = min(ends)
        if end <= time.monotonic():
            raise SourceError(url, self._late_reason(end, deadline))
        fetch = retry(
            retry=retry_if_exception(_is_transient),
            stop=stop_after_attempt(self._attempts),
            wait=wait_exponential(multiplier=0.2, max=2),
            reraise=True,
        )(self._get_once)
        self._guarded = None
        if linked_from is not None and not self.limits.allow_private_urls:
            self._guarded = _hostname(linked_from)
        self._backend.set_deadline(end)
        try:
            return fetch(url, end)
        except _Transient as exc:
            if exc.unreachable and host:
                self._unreachable.add(host)
            raise SourceError(url, str(exc)) from exc
        finally:
            self._backend.set_deadline(None)
            self._guarded = None

    def _late_reason(self, end: float, feed_deadline: float | None) -> str:
        if end >= self._run_deadline:
            limit = self.limits.run_deadline
            return f"skipped: the run's network time limit ({limit:g} s) is used up"
        if feed_deadline is not None and end >= feed_deadline:
            return f"skipped: the feed's time limit ({self.limits.feed_deadline:g} s) is used up"
        return f"timed out: no complete response after {self._per_url:g} s"

    def _check_hop(self, request: httpx.Request) -> None:
        """Every request, redirects included, of a guarded fetch must reach a public host."""
        if self._guarded is None:
            return
        url = str(request.url)
        if request.url.scheme not in ("http", "https"):
            raise SourceError(url, "refused: not an http(s) URL")
        host = request.url.host.lower()
        if host != self._guarded:
            check_public(url, host, request.url.port)

    def _get_once(self, url: str, end: float) -> Response:
        try:
            with self._client.stream("GET", url) as response:
                if response.status_code == 429 or response.status_code >= 500:
                    raise _Transient(f"HTTP {response.status_code} after retries")
                if response.status_code >= 400:
                    raise SourceError(url, f"HTTP {response.status_code}")
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self._max_bytes:
                    raise SourceError(url, f"too large: {declared} bytes > limit {self._max_bytes}")
                body = bytearray()
                for part in response.iter_bytes():
                    body.extend(part)
                    if len(body) > self._max_bytes:
                        raise SourceError(url, f"too large: over the {self._max_bytes}-byte limit")
                return Response(
                    url=str(response.url),
                    content_type=response.headers.get("content-type", "").lower(),
                    body=bytes(body),
                )
        except httpx.TimeoutException as exc:
            if time.monotonic() >= end:  # the deadline, not one slow read: no retry
                reason = self._late_reason(end, None)
                if "timed out" in reason:
                    reason = f"timed out: download still running after {self._per_url:g} s"
                raise SourceError(url, reason) from exc
            raise _Transient(f"timed out ({type(exc).__name__})",
                             unreachable=isinstance(exc, httpx.ConnectTimeout)) from exc
        except httpx.UnsupportedProtocol as exc:
            raise SourceError(url, f"unsupported URL: {exc}") from exc
        except httpx.ConnectError as exc:
            raise _Transient(f"network error: {exc}", unreachable=True) from exc
        except httpx.TransportError as exc:
            raise _Transient(f"network error: {exc}") from exc
        except httpx.TooManyRedirects as exc:
            raise SourceError(url, "too many redirects") from exc
        except httpx.RequestError as exc:  # e.g. a body that fails to decompress
            raise SourceError(url, f"unreadable response: {exc}") from exc
        except (httpx.InvalidURL, ValueError) as exc:
            raise SourceError(url, f"invalid URL: {exc}") from exc
