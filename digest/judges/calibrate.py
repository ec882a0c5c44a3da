"""Per-model decision thresholds for the LLM judges: fitted on labelled cases, stored, reused.

Why: a yes/no judge's probabilities are only comparable within one model. A small local model
may rank claims well (ROC AUC 0.7) yet never say P(Yes) > 0.5, so the fixed 0.5 calls every
claim unsupported (issue 14). ``digest eval calibrate --judge llm --model M`` judges the
shipped labelled cases (``evals/cases/claims.jsonl``), picks the threshold that maximises
balanced accuracy, and stores it under ``DIGEST_HOME/calibration.json`` keyed by judge and
model (``llm:M``); :func:`digest.app.build_judge` applies it automatically next time.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from digest.errors import ConfigError
from digest.judges.base import Judge
from digest.judges.bench import read_claims
from digest.judges.metrics import balanced_accuracy, best_threshold, roc_auc

logger = logging.getLogger(__name__)

FILE_NAME = "calibration.json"


class Calibration(BaseModel):
    """A fitted threshold and what it was fitted on."""

    model_config = ConfigDict(extra="forbid")

    judge: str  # "llm:MODEL"
    threshold: float
    claims: int
    roc_auc: float
    balanced_accuracy: float  # at the fitted threshold (in-sample)
    balanced_accuracy_at_0_5: float
    cases: str
    fitted_at: datetime


def packaged_cases() -> Path:
    """The shipped labelled cases (``evals/cases/claims.jsonl``, package data ``digest.cases``),
    found through ``importlib.resources`` so a plain ``pip install`` has them too."""
    import importlib.resources

    return Path(str(importlib.resources.files("digest.cases").joinpath("claims.jsonl")))


def calibration_path(home: Path) -> Path:
    return Path(home) / FILE_NAME


def _read(home: Path) -> dict[str, Any]:
    path = calibration_path(home)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path} is unreadable ({exc}); delete it and calibrate again") from exc
    return data if isinstance(data, dict) else {}


def stored_threshold(home: Path, judge: str) -> float | None:
    """The threshold fitted for ``judge`` (``llm:MODEL``), or None when never calibrated."""
    entry = _read(home).get(judge)
    if not isinstance(entry, dict) or "threshold" not in entry:
        return None
    logger.info("judge %s: calibrated threshold %.3f", judge, entry["threshold"])
    return float(entry["threshold"])


def calibrate(judge: Judge, cases: Path, *, now: datetime | None = None) -> Calibration:
    """Judge every labelled case (concurrently where the judge can) and fit the threshold."""
    from digest.judges import judge_all

    claims, _ = read_claims(Path(cases))
    if not claims:
        raise ConfigError(f"{cases}: no supported/unsupported cases to calibrate on")
    labels = [c.supported for c in claims]
    if all(labels) or not any(labels):
        raise ConfigError(f"{cases}: calibration needs both supported and unsupported cases")
    scores = [j.probability for j in judge_all(judge, [(c.sentence, c.sources) for c in claims])]
    threshold = best_threshold(scores, labels)
    return Calibration(
        judge=judge.name, threshold=round(threshold, 6), claims=len(claims),
        roc_auc=roc_auc(scores, labels),
        balanced_accuracy=balanced_accuracy(scores, labels, threshold),
        balanced_accuracy_at_0_5=balanced_accuracy(scores, labels, 0.5),
        cases=str(cases), fitted_at=now or datetime.now(UTC),
    )


def store_calibration(home: Path, calibration: Calibration) -> Path:
    """Write (or replace) this judge's entry, keeping the other models' entries."""
    path = calibration_path(home)
    data = _read(home)
    data[calibration.judge] = calibration.model_dump(mode="json")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path
