"""Running an ``evals/`` script the way a person does, for the smoke tests in this folder.

Each script runs in its own process with an isolated ``DIGEST_HOME`` and no ``DIGEST_*`` or
``OPENAI_*`` settings from the caller, at its smallest size; a non-zero exit fails the test
with the script's output.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EVALS = Path(__file__).resolve().parents[2] / "evals"


def run_script(name: str, *args: str, home: Path, timeout: int = 600) -> str:
    """``python evals/NAME ARGS``; returns stdout + stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGEST_", "OPENAI_"))}
    env["DIGEST_HOME"] = str(home)
    done = subprocess.run([sys.executable, str(EVALS / name), *args], env=env, cwd=EVALS.parent,
                          capture_output=True, text=True, timeout=timeout)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{name} exited {done.returncode}:\n{output[-3000:]}"
    return output
