"""Email delivery: a multipart message (plain-text Markdown + script-free HTML) over SMTP.

STARTTLS or implicit TLS with certificate checks (``ssl.create_default_context``; ``ca_file``
adds a private CA), and a login from environment variables only. SMTP failures, refused
logins, TLS errors and timeouts become one-line :class:`DeliveryError` s; the caller records
them and the next run retries.
"""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
from collections.abc import Mapping
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from digest.daily.deadline import Watchdog
from digest.daily.outbox import DayDigest, secret
from digest.daily.targets import EmailTarget
from digest.errors import DeliveryError
from digest.render.email import render_email_html
from digest.safe_text import clean_text

logger = logging.getLogger(__name__)
SUBJECT_MAX = 200


def subject_line(target: EmailTarget, digest: DayDigest) -> str:
    """The target's subject template filled in, on one line (headings are untrusted text)."""
    filled = target.subject.format(**digest.subject_fields())
    text = " ".join(clean_text(filled)[0].split())  # no NUL, SOH or ESC in a mail header
    return text if len(text) <= SUBJECT_MAX else text[: SUBJECT_MAX - 1] + "…"


def build_message(target: EmailTarget, digest: DayDigest, now: datetime) -> EmailMessage:
    """Text part: the Markdown digest as written; HTML part: the email-safe rendering."""
    message = EmailMessage()
    message["Subject"] = subject_line(target, digest)
    message["From"] = target.sender
    message["To"] = ", ".join(target.to)
    message["Date"] = format_datetime(now)
    domain = target.sender.rpartition("@")[2].strip("> ") or None
    message["Message-ID"] = make_msgid(idstring=f"digest-{digest.day}", domain=domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies
    message.set_content(digest.markdown)
    message.add_alternative(render_email_html(digest.briefing), subtype="html")
    return message


def describe(target: EmailTarget, message: EmailMessage) -> str:
    return (f"email {message['Subject']!r} to {', '.join(target.to)} via "
            f"{target.host}:{target.effective_port} ({target.security})")


def send_message(target: EmailTarget, message: EmailMessage, env: Mapping[str, str]) -> str:
    """Send over SMTP; returns a one-line description, raises DeliveryError on any failure."""
    where = f"email {target.name} ({target.host}:{target.effective_port})"
    login = None
    if target.username_env and target.password_env:
        login = (secret(env, target.username_env, f"email {target.name}"),
                 secret(env, target.password_env, f"email {target.name}"))
    watchdog = Watchdog(target.deadline)
    try:
        context = ssl.create_default_context(
            cafile=str(target.ca_file) if target.ca_file else None)
        with watchdog:
            timeout = min(target.timeout, watchdog.left())
            smtp: smtplib.SMTP = (_WatchedSMTPSSL(watchdog, timeout=timeout, context=context)
                                  if target.security == "tls"
                                  else _WatchedSMTP(watchdog, timeout=timeout))
            with smtp:
                smtp.connect(target.host, target.effective_port)  # greeting included
                if target.security == "starttls":
                    smtp.starttls(context=context)
                if login:
                    smtp.login(*login)
                refused = smtp.send_message(message)
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        if watchdog.expired():
            raise DeliveryError(f"{where}: not delivered within the deadline of "
                                f"{target.deadline:g} s (connect, TLS, greeting and sending "
                                "together; `deadline` in [[deliver]])") from exc
        raise _delivery_error(where, exc) from exc
    sent = describe(target, message)
    if refused:
        sent += f"; refused by the server: {', '.join(sorted(refused))}"
        logger.warning("%s: some recipients refused: %s", where, ", ".join(sorted(refused)))
    return sent


def _delivery_error(where: str, exc: Exception) -> DeliveryError:
    """An SMTP, TLS or socket failure as one line."""
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) \
            else str(exc.smtp_error)
        return DeliveryError(f"{where}: server said {exc.smtp_code} {' '.join(reply.split())}")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return DeliveryError(f"{where}: every recipient refused ({', '.join(exc.recipients)})")
    reason = str(exc) or type(exc).__name__
    return DeliveryError(f"{where}: {type(exc).__name__}: {' '.join(reason.split())}")


class _WatchedSMTP(smtplib.SMTP):
    """smtplib.SMTP whose connection the watchdog can cut (see digest.daily.deadline)."""

    def __init__(self, watchdog: Watchdog, **kwargs: Any) -> None:
        self._watchdog = watchdog
        super().__init__(**kwargs)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        self._host = host  # set by __init__ only when it connects; TLS checks this name
        sock = socket.create_connection((host, port), min(timeout, self._watchdog.left()),
                                        self.source_address)
        self._watchdog.watch(sock)
        return sock


class _WatchedSMTPSSL(_WatchedSMTP, smtplib.SMTP_SSL):
    """Implicit TLS: the raw socket is watched before the handshake, which can trickle too."""

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return self.context.wrap_socket(_WatchedSMTP._get_socket(self, host, port, timeout),
                                        server_hostname=host)
