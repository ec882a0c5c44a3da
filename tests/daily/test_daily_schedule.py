"""`digest schedule`: the cron line and the systemd units are valid, install/remove are exact.

Everything goes to temporary files (``CrontabFile``, a unit directory, no ``systemctl``): the
real user's crontab and systemd are never touched.
"""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
from datetime import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digest.cli import app
from digest.daily.schedule import (
    CrontabFile,
    ScheduleSpec,
    cron_block,
    cron_line,
    install_cron,
    install_systemd,
    parse_at,
    remove_cron,
    remove_systemd,
    systemd_units,
)
from digest.errors import ConfigError


@pytest.fixture
def spec(tmp_path: Path) -> ScheduleSpec:
    project = tmp_path / "my project"  # a space: quoting must hold
    project.mkdir()
    (project / "digest.toml").write_text('sources = ["inbox"]\n')
    return ScheduleSpec(at=time(7, 5), config=project / "digest.toml",
                        log=project / ".digest" / "daily.log",
                        env={"DIGEST_HOME": str(tmp_path / "home 100%")})


def _cron_fields(line: str) -> tuple[list[str], str]:
    fields = line.split(None, 5)
    return fields[:5], fields[5]


def test_cron_line_has_five_valid_fields_and_an_absolute_command(spec: ScheduleSpec) -> None:
    fields, command = _cron_fields(cron_line(spec))
    minute, hour, dom, month, dow = fields
    assert (int(minute), int(hour)) == (5, 7) and 0 <= int(minute) < 60 and 0 <= int(hour) < 24
    assert (dom, month, dow) == ("*", "*", "*")
    assert "%" not in command.replace(r"\%", "")  # a bare % would end the command in cron
    words = shlex.split(command.replace(r"\%", "%"))
    assert words[:3] == ["cd", str(spec.workdir), "&&"]
    assert f"DIGEST_HOME={spec.env['DIGEST_HOME']}" in words
    python = words[words.index(f"DIGEST_HOME={spec.env['DIGEST_HOME']}") + 1]
    assert Path(python).is_absolute() and Path(python).exists()
    assert words[-6:] == ["daily", "--config", str(spec.config), ">>", str(spec.log), "2>&1"]


def test_install_cron_keeps_other_entries_replaces_its_own_and_removes_cleanly(
    spec: ScheduleSpec, tmp_path: Path
) -> None:
    crontab = CrontabFile(tmp_path / "crontab")
    crontab.write("MAILTO=me@example.org\n30 2 * * * /usr/bin/backup\n")
    install_cron(spec, crontab)
    later = ScheduleSpec(at=time(6, 0), config=spec.config, log=spec.log, env=spec.env)
    text = install_cron(later, crontab)  # re-install at another time: replaced, not added
    assert text.count("# BEGIN digest-daily-") == 1 and cron_block(later) in text
    assert text.startswith("MAILTO=me@example.org\n30 2 * * * /usr/bin/backup\n")
    assert remove_cron(spec, crontab)
    assert crontab.read() == "MAILTO=me@example.org\n30 2 * * * /usr/bin/backup\n"
    assert not remove_cron(spec, crontab)


def test_systemd_units_parse_and_call_digest_daily(spec: ScheduleSpec) -> None:
    units = systemd_units(spec)
    service = configparser.ConfigParser(interpolation=None)
    service.optionxform = str  # type: ignore[assignment,method-assign]
    service.read_string(units[f"{spec.name}.service"])
    timer = configparser.ConfigParser(interpolation=None)
    timer.optionxform = str  # type: ignore[assignment,method-assign]
    timer.read_string(units[f"{spec.name}.timer"])

    assert service["Service"]["Type"] == "oneshot"
    argv = shlex.split(service["Service"]["ExecStart"].replace("%%", "%"))
    assert Path(argv[0]).is_absolute() and argv[1:] == ["-m", "digest", "daily", "--config",
                                                         str(spec.config)]
    assert service["Service"]["StandardOutput"] == f"append:{spec.log}"
    assert service["Service"]["WorkingDirectory"] == str(spec.workdir)
    assert service["Service"]["Environment"] == f'"DIGEST_HOME={spec.env["DIGEST_HOME"]}%"'
    assert timer["Timer"]["OnCalendar"] == "*-*-* 07:05:00"
    assert timer["Install"]["WantedBy"] == "timers.target"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_analyze_verifies_the_units(spec: ScheduleSpec, tmp_path: Path) -> None:
    unit_dir = tmp_path / "units"
    written = install_systemd(spec, unit_dir, systemctl=None)
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *map(str, written)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Failed to parse" not in done.stderr and "bad unit file setting" not in done.stderr


def test_install_and_remove_systemd_call_systemctl_in_order(spec: ScheduleSpec, tmp_path: Path) -> None:
    calls: list[list[str]] = []
    unit_dir = tmp_path / "units"
    written = install_systemd(spec, unit_dir, systemctl=calls.append)
    assert sorted(p.name for p in written) == [f"{spec.name}.service", f"{spec.name}.timer"]
    assert calls == [["--user", "daemon-reload"], ["--user", "enable", "--now", f"{spec.name}.timer"]]
    calls.clear()
    assert remove_systemd(spec, unit_dir, systemctl=calls.append) == written
    assert not any(unit_dir.iterdir())
    assert calls[0] == ["--user", "disable", "--now", f"{spec.name}.timer"]


@pytest.mark.parametrize("value", ["7", "24:00", "07:60", "7am", ""])
def test_bad_times_are_refused(value: str) -> None:
    with pytest.raises(ConfigError, match="HH:MM"):
        parse_at(value)


def test_schedule_cli_prints_installs_and_removes(spec: ScheduleSpec, tmp_path: Path) -> None:
    config, crontab = str(spec.config), tmp_path / "crontab"
    printed = CliRunner().invoke(app, ["schedule", "--at", "07:00", "--config", config])
    assert printed.exit_code == 0, printed.output
    assert printed.output.splitlines()[1].startswith("0 7 * * * cd ")
    base = ["schedule", "--at", "07:00", "--config", config, "--crontab-file", str(crontab)]
    assert CliRunner().invoke(app, [*base, "--install"]).exit_code == 0
    installed = crontab.read_text()
    assert installed.count("# BEGIN digest-daily-") == 1 and " -m digest daily --config " in installed
    assert CliRunner().invoke(app, [*base, "--remove"]).exit_code == 0
    assert crontab.read_text() == ""
    units = tmp_path / "units"
    systemd = ["schedule", "--systemd", "--config", config, "--unit-dir", str(units)]
    assert CliRunner().invoke(app, [*systemd, "--install"]).exit_code == 0
    assert len(list(units.iterdir())) == 2
    assert CliRunner().invoke(app, [*systemd, "--remove"]).exit_code == 0
    assert not any(units.iterdir())
