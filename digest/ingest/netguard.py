"""Two network guards for :mod:`digest.ingest.fetch`: a hard deadline and an address policy.

*Deadline.* httpx's timeout bounds each socket operation, so a server that sends one header
byte every few seconds never trips it. :class:`DeadlineBackend` is an httpcore network backend
whose every connect, read and write is cut to the time left before the current request's
deadline, so headers, body and retries together end on time.

*Address policy.* A feed is a list of links written by someone else; fetching them must not
reach the machine's own services (``127.0.0.1``, ``localhost``, the cloud metadata address
``169.254.169.254``, private networks) unless the user allows it. :func:`check_public` resolves
a host and refuses any address that is not globally routable.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from typing import Any

import httpcore

from digest.errors import SourceError


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's sync backend with every timeout clamped to a per-thread deadline."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()
        self._local = threading.local()

    def set_deadline(self, at: float | None) -> None:
        """``time.monotonic()`` value after which this thread's I/O fails (None: no deadline)."""
        self._local.at = at

    def clamp(self, timeout: float | None, error: type[Exception]) -> float | None:
        at = getattr(self._local, "at", None)
        if at is None:
            return timeout
        left = at - time.monotonic()
        if left <= 0:
            raise error("deadline reached")
        return left if timeout is None else min(timeout, left)

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options: Any = None) -> Any:
        stream = self._inner.connect_tcp(host, port, self.clamp(timeout, httpcore.ConnectTimeout),
                                         local_address, socket_options)
        return _DeadlineStream(stream, self)

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> Any:
        stream = self._inner.connect_unix_socket(
            path, self.clamp(timeout, httpcore.ConnectTimeout), socket_options)
        return _DeadlineStream(stream, self)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def install_deadline(client: Any) -> DeadlineBackend | None:
    """The DeadlineBackend under an ``httpx.Client``'s default transport, installed if needed.

    httpx has no parameter for the network backend; its pool creates connections through
    this attribute, so setting it before the first request is enough (fetch does the same).
    A client with another transport (a test's MockTransport) has no sockets: None.
    """
    pool = getattr(getattr(client, "_transport", None), "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, DeadlineBackend):
        return backend
    if not isinstance(backend, httpcore.SyncBackend):
        return None
    installed = DeadlineBackend()
    pool._network_backend = installed  # type: ignore[union-attr]  # noqa: SLF001
    return installed


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: Any, backend: DeadlineBackend) -> None:
        self._inner, self._backend = inner, backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._backend.clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._backend.clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> Any:
        tls = self._inner.start_tls(ssl_context, server_hostname,
                                    self._backend.clamp(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(tls, self._backend)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def is_public_literal(host: str) -> bool | None:
    """True/False for an IP literal or ``localhost``; None when DNS would have to decide."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return False
    try:
        return ipaddress.ip_address(name).is_global
    except ValueError:
        return None


def check_public(url: str, host: str, port: int | None) -> None:
    """Raise :class:`SourceError` unless every address ``host`` resolves to is global."""
    literal = is_public_literal(host)
    if literal is None:
        try:
            infos = socket.getaddrinfo(host, port or 80, proto=socket.IPPROTO_TCP)
        except OSError as exc:
            raise SourceError(url, f"cannot resolve host {host!r}: {exc.strerror or exc}") from exc
        literal = all(ipaddress.ip_address(info[4][0].split("%")[0]).is_global for info in infos)
    if not literal:
        raise SourceError(
            url, f"refused: {host} is a local or private address (a feed's links may only "
            "reach public hosts; set DIGEST_LIMITS__ALLOW_PRIVATE_URLS=true to allow)"
        )
