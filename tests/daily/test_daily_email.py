"""Email delivery to a real SMTP server on loopback (aiosmtpd), over STARTTLS and implicit TLS.

The server requires TLS and a login; the client trusts the test's own self-signed CA through
``ca_file``, reads the login from the (injected) environment, and the message that arrives is
parsed: its parts, subject, links, and an HTML part with no script.
"""

from __future__ import annotations

import json
import shutil
from email import message_from_bytes, policy
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from daily_helpers import DAYS, Daily, evening
from deliver_helpers import PASSWORD, USER, add_targets, file_hashes, self_signed, smtp_server

from digest.daily.deliver import deliver, undelivered

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl to make a test cert"),
    # the implicit-TLS server: TLS is the socket itself, which aiosmtpd's check does not see
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),
]
DAY3 = DAYS[2]
ENV = {"SMTP_USER": USER, "SMTP_PASSWORD": PASSWORD}
TARGET = """
[[deliver]]
name = "inbox"
type = "email"
host = "127.0.0.1"
port = {port}
security = "{security}"
ca_file = "{ca}"
username_env = "SMTP_USER"
password_env = "SMTP_PASSWORD"
from = "Digest <digest@example.org>"
to = ["ana@example.org", "ben@example.org"]
subject = "Digest {{date}}: {{top_story}}"
timeout = 10
"""


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]
        assert not any(k.startswith("on") for k, _ in attrs), attrs  # no event handlers


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("tls"))


def _deliver(daily: Daily, env: dict[str, str]) -> list:
    with httpx.Client() as http:
        return deliver(daily.project, [DAY3], now=evening(DAY3), env=env, http=http)


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_the_digest_arrives_as_a_parseable_multipart_email(
    three_days: Daily, tls: tuple[Path, Path], security: str
) -> None:
    before = file_hashes(three_days.project.output_dir)
    with smtp_server(tls, implicit=security == "tls") as (port, inbox):
        add_targets(three_days.root, TARGET.format(port=port, security=security, ca=tls[0]))
        results = _deliver(three_days, ENV)
    assert [r.status for r in results] == ["sent"], results
    assert len(inbox.envelopes) == 1
    envelope = inbox.envelopes[0]
    assert envelope.rcpt_tos == ["ana@example.org", "ben@example.org"]
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert message.get_content_type() == "multipart/alternative"
    briefing_md = three_days.digest(DAY3).read_text(encoding="utf-8")
    top = briefing_md.split("\n## 1. ", 1)[1].split("\n", 1)[0]
    assert message["Subject"] == f"Digest 2026-05-20: {top.replace(chr(92), '')}"
    assert message["To"] == "ana@example.org, ben@example.org"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    assert text.get_content().replace("\r\n", "\n") == briefing_md  # the Markdown as written
    page = html.get_content()
    assert "<script" not in page.lower() and "javascript:" not in page.lower()
    links = _Links()
    links.feed(page)
    sidecar = json.loads(three_days.digest(DAY3, ".json").read_text(encoding="utf-8"))
    urls = {s["article"]["url"] for s in sidecar["sources"]}
    cited = sum(len(s["citations"]) for s in sidecar["sentences"])
    article_links = [h for h in links.hrefs if h in urls]
    assert len(article_links) >= cited  # every [n] is a link to its article
    assert set(article_links) == urls  # and every source is reachable
    assert file_hashes(three_days.project.output_dir) == before


def test_a_refused_login_is_a_clear_recorded_failure(
    three_days: Daily, tls: tuple[Path, Path]
) -> None:
    with smtp_server(tls, implicit=False) as (port, inbox):
        add_targets(three_days.root, TARGET.format(port=port, security="starttls", ca=tls[0]))
        results = _deliver(three_days, {**ENV, "SMTP_PASSWORD": "wrong"})
    assert [r.status for r in results] == ["failed"] and inbox.envelopes == []
    assert results[0].detail.startswith("email inbox (127.0.0.1:")
    assert "535" in results[0].detail  # the server's own answer, in one line
    assert [d.target for d in undelivered(three_days.project)] == ["inbox"]


def test_an_untrusted_certificate_is_refused(three_days: Daily, tls: tuple[Path, Path]) -> None:
    with smtp_server(tls, implicit=True) as (port, inbox):
        add_targets(three_days.root, TARGET.format(port=port, security="tls", ca=tls[0])
                    .replace(f'ca_file = "{tls[0]}"\n', ""))
        results = _deliver(three_days, ENV)
    assert results[0].status == "failed" and inbox.envelopes == []
    assert "CERTIFICATE_VERIFY_FAILED" in results[0].detail

