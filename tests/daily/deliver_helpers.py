"""Loopback servers and project edits for the delivery tests.

* ``HookServer``: a real HTTP server on 127.0.0.1 that answers from a script of status codes
  (e.g. 503 then 200) and keeps every request body.
* ``silent_server``: a listening socket that never accepts, so a request is sent and never
  answered (the client's timeout is what ends it).
* ``smtp_server``: aiosmtpd on 127.0.0.1 with STARTTLS or implicit TLS and a required login,
  using a self-signed certificate made by the ``openssl`` command for this test only.
"""

from __future__ import annotations

import hashlib
import json
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

USER, PASSWORD = "digest-bot", "s3cret-pass"


def add_targets(root: Path, tables: str) -> None:
    """Append ``[[deliver]]`` tables to the project's digest.toml."""
    config = root / "digest.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n" + tables, encoding="utf-8")


def file_hashes(directory: Path) -> dict[str, str]:
    """sha256 of every digest file (YYYY-MM-DD.*), to prove delivery never changes them."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.glob("????-??-??.*"))}


class HookServer:
    """An HTTP server answering each POST with the next scripted status (the last repeats)."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.bodies: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length", "0"))
                outer.bodies.append(json.loads(self.rfile.read(length)))
                status = outer.statuses.pop(0) if len(outer.statuses) > 1 else outer.statuses[0]
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook/T0KEN"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> HookServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def silent_server() -> Iterator[str]:
    """A URL whose server takes the connection (kernel backlog) and never says a word."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    finally:
        sock.close()


def self_signed(directory: Path) -> tuple[Path, Path]:
    """(certificate, key) for CN=localhost, IP 127.0.0.1, valid for one day."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return cert, key


def _free_port() -> int:
    with socket.socket() as probe:  # aiosmtpd's Controller cannot bind port 0 itself
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """aiosmtpd handler: keeps every accepted message's envelope."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(tls_files: tuple[Path, Path], *, implicit: bool) -> Iterator[tuple[int, Inbox]]:
    """A real SMTP server requiring TLS (STARTTLS or implicit) and the test login."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str,
                     data: Any) -> AuthResult:
        ok = data.login == USER.encode() and data.password == PASSWORD.encode()
        return AuthResult(success=ok, handled=False)

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, tls_files))
    inbox, port = Inbox(), _free_port()
    # With implicit TLS the whole socket is TLS, but aiosmtpd only counts STARTTLS as TLS
    # when deciding whether to offer AUTH, hence auth_require_tls=False there.
    tls: dict[str, Any] = {"ssl_context": context, "auth_require_tls": False} if implicit \
        else {"tls_context": context, "require_starttls": True}
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticate,
                            auth_required=True, server_hostname="localhost", **tls)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()
