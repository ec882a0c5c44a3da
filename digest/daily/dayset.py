"""A day's digest files published as one unit: a generation folder and one pointer flip.

``digest daily`` writes three files per day (Markdown, JSON sidecar, HTML). Replaced one by
one, a kill between two renames left a new ``.json`` beside an old ``.md`` (issue 24), and
delivery would have mailed the mix. So a day's set is written whole into its own generation
folder first, and one atomic write of a small pointer file makes it current:

    OUTPUT_DIR/.days/DAY/GEN/DAY.md|.json|.html   immutable, complete sets
    OUTPUT_DIR/.days/DAY/current                   the name of the current GEN (one rename)
    OUTPUT_DIR/DAY.md|.json|.html                  copies for people, refreshed after the flip

Readers (delivery, the archive) read the set the pointer names (:func:`current_set`), so a
kill at any point leaves them the whole previous set or the whole new one. The top-level
copies are rewritten after the flip; a kill among those rewrites is noticed by the next run
(their hashes no longer match its record) and repaired. A day written before generation
folders existed has no pointer and is read from the top-level files, as before.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from pathlib import Path

from digest.render.output import write_atomic

__all__ = ["SETS", "current_set", "publish_day", "set_days"]

logger = logging.getLogger(__name__)
SETS = ".days"
POINTER = "current"


def _day_folder(directory: Path, day: str) -> Path:
    return directory / SETS / day


def current_set(directory: Path, day: str) -> Path:
    """The folder holding ``day``'s complete current set (``directory`` for an older day)."""
    folder = _day_folder(directory, day)
    try:
        generation = (folder / POINTER).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return directory
    if not generation or "/" in generation or generation.startswith("."):
        return directory
    return folder / generation


def set_days(directory: Path) -> list[str]:
    """Every day (``YYYY-MM-DD``) that has a published set."""
    root = directory / SETS
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / POINTER).is_file())


def publish_day(files: dict[Path, bytes]) -> list[Path]:
    """Publish one day's files (all in one folder, one stem) as a unit; returns the copies.

    Writing the same bytes again changes nothing (same generation, same copies, same mtimes).
    """
    paths = sorted(files, key=lambda p: p.suffix == ".md")  # the Markdown copy last
    directory, day = paths[0].parent, paths[0].stem
    if any(p.parent != directory or p.stem != day for p in paths):
        raise ValueError("publish_day takes one day's files from one folder")
    folder = _day_folder(directory, day)
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.name.encode() + b"\0" + files[path] + b"\0")
    generation = f"g{digest.hexdigest()[:16]}"
    target = folder / generation
    if not target.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=folder, prefix=".tmp-"))
        for path in paths:
            (staging / path.name).write_bytes(files[path])
            with (staging / path.name).open("rb") as handle:
                os.fsync(handle.fileno())
        os.rename(staging, target)  # a complete set appears at once, or not at all
    write_atomic(folder / POINTER, generation + "\n")  # the flip: readers now see this set
    for path in paths:
        if not (path.is_file() and path.read_bytes() == files[path]):
            write_atomic(path, files[path].decode("utf-8"))
    _prune(folder, keep=generation)
    return paths


def _prune(folder: Path, keep: str) -> None:
    """Older generations and staging folders a killed run left (the caller holds the lock)."""
    for entry in folder.iterdir():
        if entry.is_dir() and entry.name != keep:
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.name.startswith(f".{POINTER}.") and entry.name.endswith(".tmp"):
            entry.unlink(missing_ok=True)
