"""Delivery targets: the ``[[deliver]]`` tables of ``digest.toml``.

Each table names a target and its ``type``: ``email`` (SMTP), ``webhook`` (an HTTP POST, Slack
or generic JSON) or ``archive`` (an Atom feed plus a static, browsable archive next to the
digests). Secrets never live in the file: a target names the *environment variables* that hold
the SMTP login or the webhook URL, and they are read when the target is used. Like the rest of
the project file, unknown keys are errors, and so are subject templates with unknown fields.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
SUBJECT_FIELDS = ("date", "title", "top_story", "stories")
ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
DEADLINE = 60.0
DEADLINE_HELP = ("seconds for the whole delivery to this target: connect, TLS, greeting, "
                 "sending and retries together (a trickling server cannot hold the run)")


class _Target(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str = Field(pattern=NAME, description="how `--to`, the records and `digest runs` call it")
    on_update: bool = Field(
        default=False, description="re-send a day's digest when a later run rewrote it")

    def resolved(self, root: Path) -> _Target:
        """A copy with paths made absolute against the project directory (none by default)."""
        return self


class EmailTarget(_Target):
    """SMTP with STARTTLS (port 587), implicit TLS (465) or, for a local relay only, plain."""

    type: Literal["email"]
    host: str
    port: int | None = Field(default=None, ge=1, le=65535, description="default by security")
    security: Literal["starttls", "tls", "none"] = "starttls"
    username_env: str | None = Field(default=None, pattern=ENV_NAME)
    password_env: str | None = Field(default=None, pattern=ENV_NAME)
    ca_file: Path | None = Field(default=None, description="trust this CA (a private relay)")
    sender: str = Field(alias="from", min_length=3)
    to: list[str] = Field(min_length=1)
    subject: str = "{title}: {top_story}"
    timeout: float = Field(default=30.0, gt=0, le=600, description="seconds per socket operation")
    deadline: float = Field(default=DEADLINE, gt=0, le=3600, description=DEADLINE_HELP)

    @field_validator("subject")
    @classmethod
    def _known_fields(cls, value: str) -> str:
        try:
            used = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as exc:
            raise ValueError(f"subject {value!r}: {exc}") from exc
        unknown = sorted(used - set(SUBJECT_FIELDS))
        if unknown:
            raise ValueError(f"subject uses unknown field(s) {unknown}; "
                             f"available: {', '.join('{' + f + '}' for f in SUBJECT_FIELDS)}")
        return value

    @model_validator(mode="after")
    def _login_is_safe(self) -> EmailTarget:
        if (self.username_env is None) != (self.password_env is None):
            raise ValueError("give both username_env and password_env, or neither")
        if self.username_env and self.security == "none":
            raise ValueError("a login over security = \"none\" would send the password in "
                             "clear text; use \"starttls\" or \"tls\"")
        return self

    @property
    def effective_port(self) -> int:
        return self.port or {"starttls": 587, "tls": 465, "none": 25}[self.security]

    def resolved(self, root: Path) -> EmailTarget:
        if self.ca_file is None or self.ca_file.is_absolute():
            return self
        return self.model_copy(update={"ca_file": root / self.ca_file.expanduser()})


class WebhookTarget(_Target):
    """A JSON POST: ``slack`` (``text`` + ``blocks``) or ``json`` (the full sidecar)."""

    type: Literal["webhook"]
    url_env: str = Field(pattern=ENV_NAME, description="variable holding the URL (a secret)")
    format: Literal["slack", "json"] = "slack"
    timeout: float = Field(default=10.0, gt=0, le=300, description="seconds per attempt")
    attempts: int = Field(default=3, ge=1, le=10, description="tries on 429/5xx/timeouts")
    backoff: float = Field(default=1.0, ge=0, le=60, description="first wait between tries, s")
    deadline: float = Field(default=DEADLINE, gt=0, le=3600, description=DEADLINE_HELP)


class ArchiveTarget(_Target):
    """``feed.xml`` (Atom, last ``entries`` days) and ``index.html`` + ``archive/DAY.html``."""

    type: Literal["archive"]
    on_update: bool = True  # an archive should always show the latest version of a day
    title: str = Field(default="Daily digest", min_length=1)
    entries: int = Field(default=20, ge=1, le=1000)
    base_url: str | None = Field(
        default=None, pattern=r"^https?://.+/$",
        description="where OUTPUT_DIR is served (ends in /); makes feed links absolute")


Target = Annotated[EmailTarget | WebhookTarget | ArchiveTarget, Field(discriminator="type")]


def unique_names(targets: list[Target]) -> list[Target]:
    """Targets are addressed by name (``--to``, records), so two may not share one."""
    seen: set[str] = set()
    for target in targets:
        if target.name in seen:
            raise ValueError(f"two [[deliver]] targets are named {target.name!r}")
        seen.add(target.name)
    return targets
