"""Writing output files: atomically, only to regular files, every failure a one-line message.

``-o`` is a user-given path, and the usual ways it goes wrong must not become a traceback or,
worse, damage: ``-o /dev/full`` used to *replace the device node* with a regular file (as
root), ``-o link.md`` replaced the symlink instead of writing the file it points to, and ``-o``
onto a directory failed only after the ``.json`` sidecar was written. So:

* every target is checked before anything is written (:func:`write_files`);
* a symlink is resolved and its *target* is replaced atomically, in the target's directory;
* an existing target must be a regular file (not a directory, device, pipe or socket);
* OS errors (read-only folder, no space, ``/proc``) become :class:`OutputError` with the reason.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

from digest.errors import OutputError

__all__ = ["check_target", "is_stdout", "write_atomic", "write_files"]

STDOUT_NAMES = frozenset({"-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"})


def is_stdout(path: Path | str) -> bool:
    """``-o -`` or ``-o /dev/stdout``: the caller prints instead of writing a file.

    Written as a file, ``/dev/stdout`` got a sidecar ``/dev/stdout.json`` (a regular file in
    ``/dev``); printed, there is no sidecar, as with no ``-o`` at all.
    """
    return str(path) in STDOUT_NAMES


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "read-only file system"
    return exc.strerror or str(exc)


def check_target(path: Path) -> Path:
    """The file that writing ``path`` will replace (symlinks resolved), or OutputError."""
    if not str(path).strip() or path.name in ("", ".", ".."):  # `-o ""` arrives as Path(".")
        raise OutputError(f"cannot write {str(path)!r}: give a file name (or - for stdout)")
    try:
        target = path.resolve(strict=False)  # follows every symlink, even a dangling one's path
        info = target.stat() if target.exists() else None
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop
        raise OutputError(f"cannot write {path}: {exc}") from exc
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(f"cannot write {path}: it is a directory; give a file name")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise OutputError(f"cannot write {path}: not a regular file (a device, pipe or socket)")
    parent = target.parent
    if parent.exists() and not parent.is_dir():
        raise OutputError(f"cannot write {path}: {parent} is not a directory")
    return target


def _mode(target: Path) -> int:
    """An existing file keeps its mode; a new one gets the usual umask mode (not mkstemp's 0600)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        current = os.umask(0)
        os.umask(current)
        return 0o666 & ~current


def write_atomic(path: Path, text: str) -> Path:
    """Write via a temp file beside the (resolved) target and ``os.replace``: never a half file."""
    target = check_target(path)
    tmp: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _mode(target))
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {_reason(exc)}") from exc
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
    return target


def write_files(files: Mapping[Path, str]) -> list[Path]:
    """Write several files (e.g. a digest and its sidecar) after checking every target first."""
    for path in files:
        check_target(path)
    for path, text in files.items():
        write_atomic(path, text)
    return list(files)
