"""Held-out figures of a trained model, plain and stacked, from one scoring pass per file.

    python -m train.report score /work/train-out/model ../shared/evaldata/qags_xsum_sentences.jsonl
    python -m train.report metrics /work/train-out/model

``score`` runs the runtime's window selection and model on every claim of a bench file and
keeps, per claim, the logits of its best windows and the lexical signals, in
``<model_dir>/scores/<file>.json``. ``metrics`` turns them into the figures ``digest eval bench``
reports — sentence and summary ROC AUC, balanced accuracy at the *fixed* thresholds and with the
window count of ``calibration.json`` (chosen on training-side held-out data by
:mod:`train.calibrate`) — for the plain model and the stacker, without scoring twice. The shipped
judge is checked against these with ``python evals/bench_judges.py --judge trained``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from digest.judges.bench import Claim, Scored, read_claims, summary_scores
from digest.judges.embedded import EmbeddedJudge
from digest.judges.logistic import Logistic
from digest.judges.metrics import balanced_accuracy, roc_auc
from digest.judges.trained import CrossEncoder, lexical_signals
from train.calibrate import MAX_WINDOWS, window_logits


def score(model_dir: Path, path: Path) -> Path:
    """Per claim of ``path``: the logits of its best windows and the lexical signals."""
    claims, _ = read_claims(path)
    encoder = CrossEncoder(model_dir / "model.onnx", model_dir / "tokenizer.json")
    started = time.perf_counter()
    per_window = window_logits(encoder, claims, MAX_WINDOWS)
    seconds = time.perf_counter() - started
    lexical = EmbeddedJudge(None)
    rows = [lexical_signals(lexical, c.sentence, c.sources).tolist() for c in claims]
    out = model_dir / "scores" / f"{path.stem}.json"
    out.parent.mkdir(exist_ok=True)
    windows = np.where(np.isfinite(per_window), per_window, -10.0).tolist()
    out.write_text(
        json.dumps({"file": str(path), "seconds": seconds, "windows": windows, "lexical": rows})
    )
    return out


def _figures(claims: list[Claim], probs: list[float], threshold: float) -> dict:
    scored = [Scored(c, p) for c, p in zip(claims, probs, strict=True)]
    labels = [c.supported for c in claims]
    s_probs, s_labels = summary_scores(scored)
    multi = any(c.summary != c.id for c in claims)
    return {
        "roc_auc": round(100 * roc_auc(probs, labels), 1),
        "summary_roc_auc": round(100 * roc_auc(s_probs, s_labels), 1) if multi else None,
        "balanced_accuracy": round(100 * balanced_accuracy(probs, labels, threshold), 1),
        "summary_balanced_accuracy": round(100 * balanced_accuracy(s_probs, s_labels, threshold), 1)
        if multi
        else None,
    }


def metrics(model_dir: Path) -> dict:
    calibration = json.loads((model_dir / "calibration.json").read_text())
    s = calibration["stack"]
    stack = Logistic(
        tuple(s["names"]), tuple(s["mean"]), tuple(s["scale"]), tuple(s["coef"]), s["intercept"]
    )
    report = {}
    for path in sorted((model_dir / "scores").glob("*.json")):
        data = json.loads(path.read_text())
        claims, _ = read_claims(Path(data["file"]))
        logits = np.max(np.asarray(data["windows"])[:, : calibration["windows"]], axis=1)
        plain = (1.0 / (1.0 + np.exp(-logits))).tolist()
        stacked = stack.predict(np.hstack([logits[:, None], np.asarray(data["lexical"])]))
        report[path.stem] = {
            "claims": len(claims),
            "claims_per_s": round(len(claims) / data["seconds"], 2),
            "plain": _figures(claims, plain, calibration["plain"]["threshold"]),
            "windows": calibration["windows"],
            "stack": _figures(
                claims, stacked.tolist(), calibration["stack_out_of_fold"]["threshold"]
            ),
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("score")
    p.add_argument("model_dir", type=Path)
    p.add_argument("file", type=Path)
    m = sub.add_parser("metrics")
    m.add_argument("model_dir", type=Path)
    args = parser.parse_args()
    if args.command == "score":
        print(score(args.model_dir, args.file))  # noqa: T201
    else:
        print(json.dumps(metrics(args.model_dir), indent=2))  # noqa: T201


if __name__ == "__main__":
    main()
