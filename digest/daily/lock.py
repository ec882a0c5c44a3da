"""The project lock: one ``digest daily`` or ``digest deliver`` per project at a time.

A second process fails at once with :class:`LockedError` (``busy`` says what it did not do)
instead of waiting: a cron job that finds yesterday's run still going should stop, not queue
up behind it. The lock is a ``filelock`` file in the project's state directory, released by
the operating system if the holder dies.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from filelock import FileLock, Timeout

from digest.daily.project import Project
from digest.errors import LockedError


@contextmanager
def project_lock(project: Project, busy: str) -> Iterator[None]:
    """Hold the project's lock for the block; ``LockedError(busy …)`` at once if it is held."""
    project.state_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(project.lock_file), timeout=0)
    try:
        lock.acquire()
    except Timeout as exc:
        raise LockedError(f"{busy} (lock {project.lock_file})") from exc
    try:
        yield
    finally:
        lock.release()


def is_locked(project: Project) -> bool:
    """Whether a run holds the project's lock right now (so a lone ``start`` is not a crash)."""
    if not project.lock_file.exists():
        return False
    probe = FileLock(str(project.lock_file), timeout=0)
    try:
        probe.acquire()
    except Timeout:
        return True
    probe.release()
    return False
