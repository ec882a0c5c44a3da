"""HTTP for ingest: timeouts, a size cap, a clear user agent, bounded retries.

Every network read goes through :class:`Fetcher` so those limits cannot be forgotten by one
code path. Transient failures (connect errors, timeouts, 429/5xx) are retried a bounded number
of times with backoff by tenacity; anything else becomes a :class:`SourceError` naming the URL.
httpx's timeout applies to each read, so a server that trickles a byte at a time could hold a
run forever; a whole-download deadline (``DEADLINE_FACTOR`` x the timeout) stops that too.
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

logger = logging.getLogger(__name__)

DEADLINE_FACTOR = 4  # a whole download may take this many times the per-read timeout
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ref", "cmpid", "ocid")


def canonical_url(url: str) -> str:
    """The identity of a web article: lower-case host, no fragment, no tracking parameters.

    Two links to the same story that differ only by campaign tags must map to one article,
    otherwise re-ingesting a feed would store the story twice.
    """
    parts = urlsplit(url.strip())
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


class _Transient(Exception):
    """A failure worth retrying."""


def _is_transient(exc: BaseException) -> bool:
    return isinstance(exc, _Transient)


class Fetcher:
    """A size-capped, time-limited HTTP GET with a user agent that says who we are."""

    def __init__(
        self,
        *,
        timeout: float = 15.0,
        max_bytes: int = 5_000_000,
        user_agent: str = "digest/0.1",
        attempts: int = 3,
        client: httpx.Client | None = None,
    ) -> None:
        self._max_bytes = max_bytes
        self._attempts = attempts
        self._deadline = timeout * DEADLINE_FACTOR
        self._client = client or httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
            headers={"User-Agent": user_agent},
            max_redirects=5,
        )

    def close(self) -> None:
        self._client.close()

    def get(self, url: str) -> Response:
        """GET ``url`` or raise :class:`SourceError` with the reason a user can act on."""
        fetch = retry(
            retry=retry_if_exception(_is_transient),
            stop=stop_after_attempt(self._attempts),
            wait=wait_exponential(multiplier=0.2, max=2),
            reraise=True,
        )(self._get_once)
        try:
            return fetch(url)
        except _Transient as exc:
            raise SourceError(url, str(exc)) from exc

    def _get_once(self, url: str) -> Response:
        started = time.monotonic()
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
                    if time.monotonic() - started > self._deadline:
                        raise SourceError(
                            url, f"timed out: download still running after {self._deadline:g} s"
                        )
                return Response(
                    url=str(response.url),
                    content_type=response.headers.get("content-type", "").lower(),
                    body=bytes(body),
                )
        except httpx.TimeoutException as exc:
            raise _Transient(f"timed out ({type(exc).__name__})") from exc
        except httpx.UnsupportedProtocol as exc:
            raise SourceError(url, f"unsupported URL: {exc}") from exc
        except httpx.TransportError as exc:
            raise _Transient(f"network error: {exc}") from exc
        except httpx.TooManyRedirects as exc:
            raise SourceError(url, "too many redirects") from exc
        except httpx.RequestError as exc:  # e.g. a body that fails to decompress
            raise SourceError(url, f"unreadable response: {exc}") from exc
        except httpx.InvalidURL as exc:
            raise SourceError(url, f"invalid URL: {exc}") from exc
