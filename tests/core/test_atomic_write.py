"""Digests are written atomically and with ordinary file permissions."""

from __future__ import annotations

import os
import stat

from digest.render.output import write_atomic


def test_written_digests_are_readable_by_others(tmp_path) -> None:
    old = os.umask(0o022)
    try:
        target = tmp_path / "d.md"
        write_atomic(target, "text\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert target.read_text() == "text\n"
