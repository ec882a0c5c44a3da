"""``digest eval calibrate``'s default cases resolve from the package, not the working directory.

The installed-wheel run is ``test_wheel_install.py``; this is the fast check of the same path.
"""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path

from digest.judges.calibrate import packaged_cases

ROOT = Path(__file__).resolve().parents[2]


def test_the_default_cases_are_package_data_of_digest_cases(tmp_path: Path) -> None:
    here = os.getcwd()
    os.chdir(tmp_path)  # no evals/ folder here
    try:
        path = packaged_cases()
    finally:
        os.chdir(here)
    assert path.is_absolute() and path.is_file()
    assert path == Path(str(importlib.resources.files("digest.cases") / "claims.jsonl"))
    assert path.read_bytes() == (ROOT / "evals" / "cases" / "claims.jsonl").read_bytes()
