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


# --- secrets: the environment file (issue 21) ------------------------------------------------

TARGETS = """sources = ["inbox"]
writer = "llm"

[[deliver]]
name = "team"
type = "webhook"
url_env = "DIGEST_SLACK_WEBHOOK"

[[deliver]]
name = "inbox"
type = "email"
host = "smtp.example.org"
username_env = "DIGEST_SMTP_USER"
password_env = "DIGEST_SMTP_PASSWORD"
from = "digest@example.org"
to = ["me@example.org"]
"""


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "digest.toml").write_text(TARGETS)
    return root / "digest.toml"


def test_every_variable_the_targets_and_the_writer_need_is_listed(tmp_path: Path) -> None:
    from digest.daily.project import load_project
    from digest.daily.schedule import needed_variables

    project = load_project(_project(tmp_path))
    needed = needed_variables(project, {"DIGEST_JUDGE": "embedded", "PATH": "/usr/bin"})
    assert set(needed) == {"DIGEST_SLACK_WEBHOOK", "DIGEST_SMTP_USER", "DIGEST_SMTP_PASSWORD",
                           "OPENAI_API_KEY", "DIGEST_JUDGE"}
    assert "webhook target 'team'" in needed["DIGEST_SLACK_WEBHOOK"]


def test_the_cron_line_runs_under_env_i_with_the_environment_file(tmp_path: Path) -> None:
    """The printed command, run by a bare ``sh`` as cron runs it, sees the secrets."""
    from digest.daily.schedule import write_env_file

    probe = tmp_path / "bin" / "python"  # stands in for the interpreter: records what it got
    probe.parent.mkdir()
    seen = tmp_path / "seen"
    probe.write_text(f'#!/bin/sh\nprintf "%s|%s|%s|%s" "$DIGEST_SLACK_WEBHOOK" '
                     f'"$DIGEST_SMTP_PASSWORD" "$DIGEST_HOME" "$*" > {shlex.quote(str(seen))}\n')
    probe.chmod(0o755)
    config = _project(tmp_path)
    env_file = tmp_path / "state dir" / "schedule.env"
    secrets = {"DIGEST_SLACK_WEBHOOK": "https://hooks.example.org/T0/B0/xyz",
               "DIGEST_SMTP_PASSWORD": "pa ss$word"}
    added = write_env_file(env_file, {k: "test" for k in secrets}, secrets)
    assert added == list(secrets) and (env_file.stat().st_mode & 0o777) == 0o600
    spec = ScheduleSpec(at=time(7, 0), config=config, log=tmp_path / "daily.log",
                        env={"DIGEST_HOME": str(tmp_path / "home")}, python=probe,
                        env_file=env_file)
    _, command = _cron_fields(cron_line(spec))
    done = subprocess.run(["env", "-i", "/bin/sh", "-c", command.replace(r"\%", "%")],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, (done.stderr, (tmp_path / "daily.log").read_text())
    webhook, password, home, args = seen.read_text().split("|")
    assert (webhook, password) == (secrets["DIGEST_SLACK_WEBHOOK"], "pa ss$word")
    assert home == str(tmp_path / "home") and args == f"-m digest daily --config {config}"
    # without the file, the job fails at once and says so in its log
    env_file.unlink()
    failed = subprocess.run(["env", "-i", "/bin/sh", "-c", command.replace(r"\%", "%")],
                            capture_output=True, text=True, timeout=30)
    assert failed.returncode != 0


def test_systemd_reads_the_same_environment_file(spec: ScheduleSpec, tmp_path: Path) -> None:
    with_file = ScheduleSpec(at=spec.at, config=spec.config, log=spec.log, env=spec.env,
                             env_file=tmp_path / "schedule.env")
    service = systemd_units(with_file)[f"{spec.name}.service"]
    assert f"EnvironmentFile={tmp_path / 'schedule.env'}\n" in service


def test_schedule_warns_about_each_missing_variable_and_install_copies_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _project(tmp_path)
    monkeypatch.setenv("DIGEST_SLACK_WEBHOOK", "https://hooks.example.org/T0/B0/xyz")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    for name in ("DIGEST_SMTP_USER", "DIGEST_SMTP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    printed = CliRunner().invoke(app, ["schedule", "--config", str(config)])
    assert printed.exit_code == 0, printed.output
    said = " ".join(printed.stderr.split())
    for name in ("DIGEST_SLACK_WEBHOOK", "DIGEST_SMTP_USER", "DIGEST_SMTP_PASSWORD",
                 "OPENAI_API_KEY"):
        assert f"warning: {name} (" in said, name
    env_file = config.parent / ".digest" / "schedule.env"
    assert f"set -a && . {env_file} && set +a" in printed.stdout.replace("'", "")
    assert not env_file.exists()  # printing writes nothing
    installed = CliRunner().invoke(app, ["schedule", "--config", str(config), "--install",
                                         "--crontab-file", str(tmp_path / "crontab")])
    assert installed.exit_code == 0, installed.output
    text = env_file.read_text()
    assert "DIGEST_SLACK_WEBHOOK=https://hooks.example.org/T0/B0/xyz" in text
    assert "OPENAI_API_KEY=sk-test" in text and "# DIGEST_SMTP_USER=" in text
    said = " ".join(installed.stderr.split())
    assert "warning: DIGEST_SLACK_WEBHOOK" not in said  # now in the file
    assert "warning: DIGEST_SMTP_USER" in said  # still missing: this shell had none
    again = CliRunner().invoke(app, ["schedule", "--config", str(config), "--install",
                                     "--crontab-file", str(tmp_path / "crontab")])
    assert again.exit_code == 0 and env_file.read_text() == text  # nothing duplicated
