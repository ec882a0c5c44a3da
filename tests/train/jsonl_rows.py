"""Tiny made-up training and calibration files for the train/ tests (no real data in the repo)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path


def write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    """One JSON object per line, as the shared data files are laid out."""
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
