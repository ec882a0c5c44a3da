"""``digest schedule``: a crontab entry or a systemd user timer that runs ``digest daily``.

Both call the same command with absolute paths only (the Python interpreter, the project
file, the data directory, the log file), because cron and systemd start jobs with a bare
environment and an unrelated working directory. Secrets (``OPENAI_API_KEY``) are never
written into a crontab or unit: see the README for an ``EnvironmentFile``.

Where things are installed is injectable (a :class:`Crontab` backend, a unit directory and a
``systemctl`` runner), so tests exercise install/remove on temporary files and never touch
the real user's crontab or systemd.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Protocol

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

    def __post_init__(self) -> None:
        for path in (self.config, self.log, self.python):
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
    """``M H * * * cd DIR && [ENV=…] python -m digest daily --config F >> LOG 2>&1``."""
    env = " ".join(f"{k}={shlex.quote(v)}" for k, v in sorted(spec.env.items()))
    command = " ".join(shlex.quote(a) for a in spec.argv)
    line = (f"cd {shlex.quote(str(spec.workdir))} && {env + ' ' if env else ''}{command} "
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
        f"{env}"
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
