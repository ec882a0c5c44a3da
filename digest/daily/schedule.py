"""``digest schedule``: a crontab entry or a systemd user timer that runs ``digest daily``.

Both call the same command with absolute paths only (the Python interpreter, the project
file, the data directory, the log file), because cron and systemd start jobs with a bare
environment and an unrelated working directory.

Secrets (an SMTP password, a Slack webhook URL, ``OPENAI_API_KEY``) are never written into a
crontab or unit, and a bare environment does not have them: the printed cron command failed
under ``env -i`` with "environment variable DIGEST_SLACK_WEBHOOK is not set" (issue 21). So
each job reads an **environment file** (``STATE_DIR/schedule.env``, mode 0600): systemd
through ``EnvironmentFile=``, cron by sourcing it (``set -a; . FILE; set +a``) before the
command. :func:`needed_variables` lists every variable the project needs (its targets'
secrets, the LLM writer's key, the ``DIGEST_*``/``OPENAI_*`` settings of this shell);
:func:`write_env_file` adds the missing ones (from this shell, where set) without touching
lines already there, and :func:`missing_variables` says which the scheduled run will lack.

Where things are installed is injectable (a :class:`Crontab` backend, a unit directory and a
``systemctl`` runner), so tests exercise install/remove on temporary files and never touch
the real user's crontab or systemd.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Protocol

from digest.daily.project import Project
from digest.daily.targets import EmailTarget, WebhookTarget
from digest.errors import ConfigError, DigestError

logger = logging.getLogger(__name__)

_AT = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
Systemctl = Callable[[list[str]], None]


def parse_at(value: str) -> time:
    """``HH:MM`` (24-hour, the machine's local time) -> ``time``."""
    match = _AT.match(value.strip())
    if not match:
        raise ConfigError(f"--at {value!r}: use 24-hour HH:MM, e.g. 07:00")
    return time(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class ScheduleSpec:
    """One project's scheduled job: when, what, where it logs."""

    at: time
    config: Path
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    python: Path = field(default_factory=lambda: Path(sys.executable))
    env_file: Path | None = None  # sourced (cron) / EnvironmentFile= (systemd): the secrets

    def __post_init__(self) -> None:
        for path in (self.config, self.log, self.python, *filter(None, [self.env_file])):
            if not path.is_absolute():
                raise ConfigError(f"schedule paths must be absolute, got {path}")

    @property
    def name(self) -> str:
        """Stable per project file, so re-installing replaces rather than duplicates."""
        return "digest-daily-" + hashlib.sha256(str(self.config).encode()).hexdigest()[:10]

    @property
    def argv(self) -> list[str]:
        return [str(self.python), "-m", "digest", "daily", "--config", str(self.config)]

    @property
    def workdir(self) -> Path:
        return self.config.parent


# --- cron ----------------------------------------------------------------------------------


def cron_line(spec: ScheduleSpec) -> str:
    """``M H * * * cd DIR && set -a && . ENVFILE && set +a && [ENV=…] python -m digest daily …``.

    ``set -a`` exports what the file assigns, so the file is the same ``KEY=value`` lines a
    systemd ``EnvironmentFile=`` reads. A missing file fails the job at once, in its log.
    """
    env = " ".join(f"{k}={shlex.quote(v)}" for k, v in sorted(spec.env.items()))
    command = " ".join(shlex.quote(a) for a in spec.argv)
    source = (f"set -a && . {shlex.quote(str(spec.env_file))} && set +a && "
              if spec.env_file else "")
    line = (f"cd {shlex.quote(str(spec.workdir))} && {source}{env + ' ' if env else ''}{command} "
            f">> {shlex.quote(str(spec.log))} 2>&1")
    return f"{spec.at.minute} {spec.at.hour} * * * " + line.replace("%", r"\%")  # cron: % = newline


def cron_block(spec: ScheduleSpec) -> str:
    return f"# BEGIN {spec.name} ({spec.config})\n{cron_line(spec)}\n# END {spec.name}\n"


class Crontab(Protocol):
    def read(self) -> str: ...
    def write(self, text: str) -> None: ...


class CrontabCommand:
    """The user's real crontab, through the ``crontab`` program."""

    def read(self) -> str:
        try:
            done = subprocess.run(["crontab", "-l"], capture_output=True, text=True, check=False)
        except FileNotFoundError as exc:
            raise DigestError("no `crontab` program here; install cron or use --systemd") from exc
        if done.returncode != 0:
            if "no crontab" in done.stderr.lower():
                return ""
            raise DigestError(f"crontab -l failed: {done.stderr.strip()}")
        return done.stdout

    def write(self, text: str) -> None:
        done = subprocess.run(["crontab", "-"], input=text, capture_output=True, text=True,
                              check=False)
        if done.returncode != 0:
            raise DigestError(f"crontab - failed: {done.stderr.strip()}")


@dataclass
class CrontabFile:
    """A crontab kept in a plain file (tests, or a file you load with ``crontab FILE``)."""

    path: Path

    def read(self) -> str:
        return self.path.read_text(encoding="utf-8") if self.path.is_file() else ""

    def write(self, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(text, encoding="utf-8")


def _without(text: str, name: str) -> tuple[str, bool]:
    pattern = re.compile(rf"^# BEGIN {re.escape(name)}\b.*?^# END {re.escape(name)}\n?",
                         re.MULTILINE | re.DOTALL)
    stripped, count = pattern.subn("", text)
    return stripped, count > 0


def install_cron(spec: ScheduleSpec, crontab: Crontab) -> str:
    """Add (or replace) this project's block, keeping every other line as it was."""
    text, _ = _without(crontab.read(), spec.name)
    if text and not text.endswith("\n"):
        text += "\n"
    text += cron_block(spec)
    crontab.write(text)
    return text


def remove_cron(spec: ScheduleSpec, crontab: Crontab) -> bool:
    text, found = _without(crontab.read(), spec.name)
    if found:
        crontab.write(text)
    return found


# --- systemd -------------------------------------------------------------------------------


def _systemd_path(value: str) -> str:
    """A path setting (WorkingDirectory=, append:): taken verbatim, only ``%`` is special."""
    return value.replace("%", "%%")


def _systemd_quote(value: str) -> str:
    """An ExecStart= word or Environment= assignment: ``%%`` and C-style double quotes."""
    value = _systemd_path(value)
    if re.search(r'[\s"\'\\;]', value):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value


def systemd_units(spec: ScheduleSpec) -> dict[str, str]:
    """``NAME.service`` (a oneshot ``digest daily``) and ``NAME.timer`` (daily at ``--at``)."""
    env = "".join(f"Environment={_systemd_quote(f'{k}={v}')}\n" for k, v in sorted(spec.env.items()))
    log = _systemd_path(str(spec.log))
    service = (
        "[Unit]\n"
        f"Description=digest daily for {spec.config}\n\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"WorkingDirectory={_systemd_path(str(spec.workdir))}\n"
        + (f"EnvironmentFile={_systemd_path(str(spec.env_file))}\n" if spec.env_file else "")
        + f"{env}"
        f"ExecStart={' '.join(_systemd_quote(a) for a in spec.argv)}\n"
        f"StandardOutput=append:{log}\n"
        f"StandardError=append:{log}\n"
    )
    timer = (
        "[Unit]\n"
        f"Description=digest daily for {spec.config}, every day at {spec.at:%H:%M}\n\n"
        "[Timer]\n"
        f"OnCalendar=*-*-* {spec.at:%H:%M}:00\n"
        "Persistent=true\n\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return {f"{spec.name}.service": service, f"{spec.name}.timer": timer}


def install_systemd(spec: ScheduleSpec, unit_dir: Path, systemctl: Systemctl | None) -> list[Path]:
    """Write both units and, with a ``systemctl`` runner, enable and start the timer."""
    unit_dir.mkdir(parents=True, exist_ok=True)
    spec.log.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in systemd_units(spec).items():
        path = unit_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    if systemctl is not None:
        systemctl(["--user", "daemon-reload"])
        systemctl(["--user", "enable", "--now", f"{spec.name}.timer"])
    return written


def remove_systemd(spec: ScheduleSpec, unit_dir: Path, systemctl: Systemctl | None) -> list[Path]:
    """Stop and disable the timer, then delete both units."""
    paths = [unit_dir / name for name in systemd_units(spec)]
    present = [p for p in paths if p.exists()]
    if present and systemctl is not None:
        systemctl(["--user", "disable", "--now", f"{spec.name}.timer"])
    for path in present:
        path.unlink()
    if present and systemctl is not None:
        systemctl(["--user", "daemon-reload"])
    return present


def run_systemctl(args: list[str]) -> None:
    """The real ``systemctl`` (used by the CLI only)."""
    try:
        done = subprocess.run(["systemctl", *args], capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise DigestError("no `systemctl` here; the units were written but not enabled") from exc
    if done.returncode != 0:
        raise DigestError(f"systemctl {' '.join(args)} failed: {done.stderr.strip()}")


# --- the environment file --------------------------------------------------------------------

ENV_FILE = "schedule.env"
_CARRIED = re.compile(r"^(?:DIGEST_|OPENAI_)[A-Z0-9_]+$")
_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=")
# Paths the schedule sets itself, or that only make sense in this shell.
_NOT_CARRIED = {"DIGEST_HOME", "DIGEST_CONFIG"}


def needed_variables(project: Project, env: Mapping[str, str]) -> dict[str, str]:
    """Variable -> why the scheduled ``digest daily`` needs it.

    Every target's secret (``username_env``/``password_env``, ``url_env``), the LLM writer's
    key when the project writes with it (or leaves the choice to ``auto`` and this shell has
    a key), and every ``DIGEST_*``/``OPENAI_*`` setting of this shell: without them the
    scheduled run would behave differently from the one you tried by hand.
    """
    needed: dict[str, str] = {}
    for target in project.deliver:
        if isinstance(target, EmailTarget) and target.username_env and target.password_env:
            needed[target.username_env] = f"SMTP user of email target {target.name!r}"
            needed[target.password_env] = f"SMTP password of email target {target.name!r}"
        elif isinstance(target, WebhookTarget):
            needed[target.url_env] = f"URL of webhook target {target.name!r}"
    has_key = any(k in env for k in ("OPENAI_API_KEY", "DIGEST_OPENAI_API_KEY", "OPENAI_BASE_URL"))
    if project.writer == "llm" or (project.writer in (None, "auto") and has_key):
        key = "DIGEST_OPENAI_API_KEY" if "DIGEST_OPENAI_API_KEY" in env else "OPENAI_API_KEY"
        needed.setdefault(key, "the LLM writer's API key")
        if "OPENAI_BASE_URL" in env:
            needed.setdefault("OPENAI_BASE_URL", "the LLM server")
    for name in sorted(env):
        if _CARRIED.match(name) and name not in _NOT_CARRIED:
            needed.setdefault(name, "set in this shell")
    return needed


def read_env_file(path: Path) -> set[str]:
    """The variables an environment file assigns (comments and blank lines ignored)."""
    if not path.is_file():
        return set()
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _LINE.match(line)
        if match and not line.lstrip().startswith("#"):
            names.add(match.group(1))
    return names


def missing_variables(spec: ScheduleSpec, needed: Mapping[str, str]) -> dict[str, str]:
    """The needed variables the scheduled environment will not have."""
    present = set(spec.env) | (read_env_file(spec.env_file) if spec.env_file else set())
    return {name: why for name, why in needed.items() if name not in present}


def _value(value: str) -> str:
    """A value both ``sh`` and systemd's ``EnvironmentFile=`` read back as written."""
    if re.fullmatch(r"[\w@%+=:,./-]+", value):
        return value
    if "'" not in value and "\n" not in value:
        return f"'{value}'"
    raise ConfigError("a value with a quote or a newline cannot go in an environment file; "
                      "set it there yourself")


def write_env_file(path: Path, needed: Mapping[str, str], env: Mapping[str, str]) -> list[str]:
    """Add each needed variable that ``path`` lacks, from ``env`` where set; returns those added.

    Lines already in the file are kept as they are (a secret you edited stays yours). A
    needed variable this shell does not have is added as a commented placeholder. The file is
    created with mode 0600: it holds secrets.
    """
    present = read_env_file(path)
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    lines = [] if path.is_file() else [
        "# Environment of the scheduled `digest daily` (digest schedule): KEY=value lines,",
        "# read by cron (sourced) and systemd (EnvironmentFile=). Holds secrets: mode 600.",
    ]
    added = []
    for name, why in needed.items():
        if name in present:
            continue
        if name in env:
            lines += [f"# {why}", f"{name}={_value(env[name])}"]
            added.append(name)
        elif f"# {name}=" not in text:
            lines.append(f"# {name}=   # {why}: not set in this shell; fill it in")
    if not lines:
        return added
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    os.chmod(path, 0o600)
    return added
