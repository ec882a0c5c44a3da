"""``[[deliver]]`` tables: parsed into typed targets; mistakes are errors when the file loads."""

from __future__ import annotations

from pathlib import Path

import pytest
from daily_helpers import write_project
from deliver_helpers import add_targets

from digest.daily.project import load_project
from digest.daily.targets import ArchiveTarget, EmailTarget, WebhookTarget
from digest.errors import ConfigError

EMAIL = """
[[deliver]]
name = "inbox"
type = "email"
host = "smtp.example.org"
security = "tls"
username_env = "SMTP_USER"
password_env = "SMTP_PASSWORD"
ca_file = "certs/ca.pem"
from = "digest@example.org"
to = ["ana@example.org"]
"""
HOOK = """
[[deliver]]
name = "chat"
type = "webhook"
url_env = "CHAT_HOOK"
"""
ARCHIVE = """
[[deliver]]
name = "site"
type = "archive"
base_url = "https://news.example.org/digests/"
"""


def _load(tmp_path: Path, tables: str):  # type: ignore[no-untyped-def]
    root = tmp_path / "project"
    write_project(root)
    add_targets(root, tables)
    return load_project(root / "digest.toml")


def test_every_kind_of_target_is_parsed_with_its_defaults(tmp_path: Path) -> None:
    project = _load(tmp_path, EMAIL + HOOK + ARCHIVE)
    email, hook, archive = project.deliver
    assert isinstance(email, EmailTarget) and email.effective_port == 465
    assert email.sender == "digest@example.org" and email.on_update is False
    assert email.ca_file == tmp_path / "project" / "certs" / "ca.pem"  # relative to the file
    assert isinstance(hook, WebhookTarget) and hook.format == "slack" and hook.attempts == 3
    assert isinstance(archive, ArchiveTarget) and archive.on_update is True
    assert archive.entries == 20


@pytest.mark.parametrize(("tables", "message"), [
    (EMAIL.replace('security = "tls"', 'security = "none"'), "clear text"),
    (EMAIL.replace('password_env = "SMTP_PASSWORD"\n', ""), "both username_env"),
    (EMAIL.replace('"ana@example.org"', ""), "to"),
    (EMAIL + 'subject = "{date} {weather}"\n', "unknown field"),
    (HOOK + HOOK, "two [[deliver]] targets are named 'chat'"),
    (HOOK.replace("CHAT_HOOK", "https://hooks.example.org/T0KEN"), "url_env"),
    (HOOK + "retries = 3\n", "retries"),
    (ARCHIVE.replace("digests/", "digests"), "base_url"),
    (HOOK.replace('"webhook"', '"pager"'), "deliver"),
])
def test_mistakes_are_errors_that_name_the_setting(
    tmp_path: Path, tables: str, message: str
) -> None:
    with pytest.raises(ConfigError, match="digest.toml") as error:
        _load(tmp_path, tables)
    assert message in str(error.value)
    assert "T0KEN" not in str(error.value)  # a secret pasted in by mistake is not echoed
