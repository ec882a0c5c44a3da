"""Issue 24 item 9: each delivery target has a total deadline, whatever the server trickles.

Loopback servers send one byte at a time, slower than any per-read timeout would notice: a
webhook's response headers, an SMTP greeting, and a TLS server that never answers the
handshake. Every delivery must fail within its configured deadline, with one line naming it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

import httpx
import pytest

from digest.daily.mail import send_message
from digest.daily.targets import EmailTarget, WebhookTarget
from digest.daily.webhook import post
from digest.errors import DeliveryError

DEADLINE = 1.5


@contextmanager
def trickling_server(data: bytes, every: float = 0.3) -> Iterator[int]:
    """Accepts connections and sends ``data`` one byte per ``every`` seconds (never more)."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            for byte in data:
                if stop.is_set():
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return
                time.sleep(every)
            stop.wait(30)

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        listener.close()


def _message() -> EmailMessage:
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = "s", "a@example.com", "b@example.com"
    message.set_content("hello")
    return message


def _email(port: int, security: str) -> EmailTarget:
    return EmailTarget.model_validate({
        "type": "email", "name": "mail", "host": "127.0.0.1", "port": port,
        "security": security, "from": "a@example.com", "to": ["b@example.com"],
        "timeout": 30, "deadline": DEADLINE})


@pytest.mark.parametrize("security", ["none", "starttls"])
def test_a_trickled_smtp_greeting_ends_at_the_deadline(security: str) -> None:
    with trickling_server(b"220 " + b"x" * 1000) as port:
        started = time.monotonic()
        with pytest.raises(DeliveryError, match=r"deadline of 1.5 s"):
            send_message(_email(port, security), _message(), {})
        assert time.monotonic() - started < DEADLINE + 2


def test_a_silent_tls_handshake_ends_at_the_deadline() -> None:
    with trickling_server(b"") as port:
        started = time.monotonic()
        with pytest.raises(DeliveryError, match=r"deadline of 1.5 s"):
            send_message(_email(port, "tls"), _message(), {})
        assert time.monotonic() - started < DEADLINE + 2


def test_a_webhook_trickling_its_headers_ends_at_the_deadline() -> None:
    target = WebhookTarget.model_validate({
        "type": "webhook", "name": "hook", "url_env": "HOOK", "timeout": 30, "attempts": 3,
        "deadline": DEADLINE})
    with trickling_server(b"HTTP/1.1 200 OK\r\nX-Slow: " + b"z" * 1000) as port, \
            httpx.Client() as http:
        started = time.monotonic()
        with pytest.raises(DeliveryError, match=r"deadline of 1.5 s"):
            post(target, {"text": "hi"}, {"HOOK": f"http://127.0.0.1:{port}/hook"}, http)
        assert time.monotonic() - started < DEADLINE + 2


def test_the_deadline_is_configurable_and_bounded() -> None:
    base = {"type": "webhook", "name": "hook", "url_env": "HOOK"}
    assert WebhookTarget.model_validate(base).deadline == 60
    with pytest.raises(ValueError):
        WebhookTarget.model_validate({**base, "deadline": 0})
