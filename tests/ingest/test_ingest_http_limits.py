"""Network deadlines: a server trickling its *headers*, dead hosts, and the run's time budget.

The slow-header server is a raw socket on loopback that sends one header byte at a time, each
well inside the per-read timeout, so only a deadline over the whole request can stop it. The
test checks that the client gave up long before the server would have finished (the server
counts what it managed to send), not how many seconds that took.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from digest.errors import SourceError
from digest.ingest.fetch import Fetcher
from digest.limits import Limits

HEADER = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: " + b"z" * 400 + b"\r\n\r\n"


@dataclass
class Trickle:
    url: str
    sent: int = 0


@pytest.fixture
def slow_headers() -> Iterator[Trickle]:
    listener = socket.create_server(("127.0.0.1", 0))
    state = Trickle(f"http://127.0.0.1:{listener.getsockname()[1]}/slow")
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.recv(65536)
                try:
                    for byte in HEADER:
                        if stop.wait(0.02):
                            return
                        conn.sendall(bytes([byte]))
                        state.sent += 1
                except OSError:
                    continue  # the client hung up: what we want

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield state
    stop.set()
    thread.join(timeout=5)
    listener.close()


@pytest.mark.parametrize(
    "fetcher",
    [Fetcher(timeout=0.25, attempts=3),  # per read 0.25 s; whole request 4 x 0.25 s
     Fetcher(timeout=5, limits=Limits(request_deadline=1.0))],  # the knob, below 4 x 5 s
    ids=["from-timeout", "request-deadline-knob"],
)
def test_headers_sent_one_byte_at_a_time_hit_the_request_deadline(
    slow_headers: Trickle, fetcher: Fetcher
) -> None:
    with pytest.raises(SourceError, match="timed out"):
        fetcher.get(slow_headers.url)
    fetcher.close()
    assert slow_headers.sent < len(HEADER) // 2, "the client stopped long before the headers did"


def test_a_host_that_refused_once_is_not_tried_again_in_the_run() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"  # nothing listens once closed
    fetcher = Fetcher(timeout=0.5, attempts=2)
    with pytest.raises(SourceError, match="network error"):
        fetcher.get(dead + "/a")
    with pytest.raises(SourceError, match="could not be reached earlier in this run"):
        fetcher.get(dead + "/b")
    fetcher.close()


def test_the_run_deadline_stops_further_fetches() -> None:
    fetcher = Fetcher(timeout=0.5, limits=Limits(run_deadline=1e-6))
    with pytest.raises(SourceError, match="run's network time limit"):
        fetcher.get("http://127.0.0.1:9/anything")
    fetcher.close()


def test_a_feed_deadline_in_the_past_skips_the_fetch() -> None:
    fetcher = Fetcher(timeout=0.5)
    with pytest.raises(SourceError, match="feed's time limit"):
        fetcher.get("http://127.0.0.1:9/anything", deadline=0.0)
    fetcher.close()
