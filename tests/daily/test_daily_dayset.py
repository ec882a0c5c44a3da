"""Issue 24 item 7: a kill between the renames of `digest daily` never leaves readers a mix.

The run is stopped at every file-system rename it makes (``os.replace``/``os.rename`` raise,
as a SIGKILL there would end it), and after each stop delivery's reader (``load_day``) and the
archive must see the whole previous digest or the whole new one, Markdown and sidecar alike.
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from daily_helpers import Daily, article, evening, write_project

from digest.daily.outbox import digest_days, load_day

DAY_ISO = "2026-05-20T{}:00:00+00:00"


class Killed(BaseException):
    """Stands in for SIGKILL: nothing after it runs, no ``except Exception`` catches it."""


class _Killer:
    """Counts the renames into the project's output and stops the run at the n-th."""

    def __init__(self, root: Path, stop_at: int) -> None:
        self.root, self.stop_at, self.calls = str(root), stop_at, 0

    def wrap(self, real):  # type: ignore[no-untyped-def]
        def move(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
            if self.root in str(dst) and "chroma" not in str(dst):
                self.calls += 1
                if self.calls == self.stop_at:
                    raise Killed(f"killed before rename {self.stop_at}")
            return real(src, dst, *args, **kwargs)
        return move


def _state(daily: Daily, day) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    loaded = load_day(daily.project.output_dir, day)
    return loaded.markdown, loaded.sidecar


@pytest.fixture
def first_run(tmp_path: Path, embedder) -> tuple[Path, object]:  # type: ignore[no-untyped-def]
    root = tmp_path / "base" / "project"
    write_project(root, more="html = true")
    article(root, "port-terminal", published=DAY_ISO.format("09"))
    article(root, "grain-deal", published=DAY_ISO.format("10"), outlet="Other Wire",
            text="Grain traders in Odesa agreed a new export deal on Wednesday, the ministry "
                 "said. The deal covers wheat and barley shipments through the summer.")

    from daily_helpers import evening

    day = date(2026, 5, 20)
    result = Daily(root, embedder).run(evening(day, 21))
    assert result.record.outcome == "written"
    return root, day


def _second(root: Path) -> None:
    article(root, "bridge-opens", published=DAY_ISO.format("15"), outlet="City Desk",
            text="A new bridge over the river opened in Skopje on Wednesday, the mayor said. "
                 "It carries two tram lines and a cycle path, the city said.")


def test_a_kill_at_any_rename_leaves_the_old_or_the_new_set(
    first_run, tmp_path: Path, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, day = first_run
    old = _state(Daily(base, embedder), day)
    done = tmp_path / "done" / "project"
    shutil.copytree(base, done)
    _second(done)
    full = Daily(done, embedder).run(evening(day, 22))
    assert full.record.outcome == "written"
    new = _state(Daily(done, embedder), day)
    assert new != old

    real_replace, real_rename = os.replace, os.rename
    for stop_at in range(1, 12):
        root = tmp_path / f"kill{stop_at}" / "project"
        shutil.copytree(base, root)
        _second(root)
        killer = _Killer(root, stop_at)
        monkeypatch.setattr(os, "replace", killer.wrap(real_replace))
        monkeypatch.setattr(os, "rename", killer.wrap(real_rename))
        daily = Daily(root, embedder)
        try:
            daily.run(evening(day, 22))
            finished = True
        except Killed:
            finished = False
        monkeypatch.setattr(os, "replace", real_replace)
        monkeypatch.setattr(os, "rename", real_rename)
        seen = _state(daily, day)
        assert seen in (old, new), f"mixed set after a kill at rename {stop_at}"
        assert digest_days(daily.project.output_dir) == [day]
        if finished:
            assert seen == new
            break
        # the next run completes the job and the copies people open match the set
        daily.run(evening(day, 22))
        assert _state(daily, day) == new
        out = daily.project.output_dir
        assert (out / f"{day}.md").read_text(encoding="utf-8") == new[0]
        assert (out / f"{day}.json").read_text(encoding="utf-8") == new[1]
    else:
        pytest.fail("the run never finished within the kill points tried")
