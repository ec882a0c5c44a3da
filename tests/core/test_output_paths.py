"""Output paths (``-o``): regular files only, symlinks written through, errors as one line."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digest.cli import app
from digest.errors import OutputError
from digest.render.output import write_atomic, write_files


def test_a_symlink_is_written_through_not_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real" / "digest.md"
    real.parent.mkdir()
    real.write_text("old\n")
    os.chmod(real, 0o640)
    link = tmp_path / "link.md"
    link.symlink_to(real)
    write_atomic(link, "new\n")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640, "an existing file keeps its mode"
    assert sorted(p.name for p in real.parent.iterdir()) == ["digest.md"], "no temp left"


def test_a_directory_is_refused_before_the_sidecar_is_written(tmp_path: Path) -> None:
    (tmp_path / "out.md").mkdir()
    with pytest.raises(OutputError, match="is a directory"):
        write_files({tmp_path / "out.json": "{}", tmp_path / "out.md": "# x"})
    assert not (tmp_path / "out.json").exists()


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_a_device_is_refused_and_left_alone(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="not a regular file"):
        write_atomic(Path("/dev/null"), "x")
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode), "still the device"


def test_a_read_only_folder_is_a_message(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: permissions are not enforced")
        with pytest.raises(OutputError, match="permission denied"):
            write_atomic(folder / "d.md", "x")
    finally:
        folder.chmod(0o700)


def test_proc_is_a_message() -> None:
    if not Path("/proc/self").exists():
        pytest.skip("no /proc")
    with pytest.raises(OutputError, match="cannot write /proc/x.md"):
        write_atomic(Path("/proc/x.md"), "x")


def test_a_missing_folder_is_created(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a" / "b" / "d.md", "x")
    assert (tmp_path / "a" / "b" / "d.md").read_text() == "x"


def test_brief_onto_a_directory_is_one_line_and_writes_nothing(
    corpus_store_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "digest.md"
    target.mkdir()
    result = CliRunner().invoke(app, ["--store", str(corpus_store_path), "brief", "Putin",
                                      "-o", str(target), "--now", "2026-05-21T06:00:00+00:00"])
    assert result.exit_code == 2
    said = " ".join(result.output.split())  # the console wraps at the test terminal's width
    assert "it is a directory" in said and "Traceback" not in said
    assert not target.with_suffix(".json").exists()
