"""A total time limit for one delivery: connect, TLS, greeting, login and sending together.

Socket timeouts bound each read, so a server that trickles its SMTP greeting one byte every
few seconds never trips them: delivery ran for minutes while ``digest daily`` held the
project lock (issue 24). :class:`Watchdog` keeps a duplicate of every socket a delivery opens
and, when the deadline passes, shuts the connection down (``shutdown`` acts on the connection,
not the descriptor, so the blocked read in the delivering thread returns at once). The
delivery then fails with one line that names the deadline.
"""

from __future__ import annotations

import socket
import threading
import time

__all__ = ["Watchdog"]


class Watchdog:
    """Shut down the watched sockets ``seconds`` after it starts, unless stopped first."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()

    def left(self) -> float:
        """Seconds until the deadline (at least a millisecond, for use as a socket timeout)."""
        return max(self.end - time.monotonic(), 0.001)

    def expired(self) -> bool:
        """Whether the deadline has passed (a socket timeout clamped to it may beat the timer)."""
        return self.fired or time.monotonic() >= self.end - 0.05

    def watch(self, sock: socket.socket) -> None:
        """Cut ``sock``'s connection at the deadline (it may be wrapped in TLS later)."""
        with self._lock:
            if self.fired:
                sock.shutdown(socket.SHUT_RDWR)
                return
            self._sockets.append(sock.dup())

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass  # already closed by the other side
