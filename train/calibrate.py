"""Threshold and lexical stacker, on CLIFF's calibration half only, with the runtime judge.

    python -m train.calibrate /work/train-out/model            # prints the constants to ship

Runs :class:`digest.judges.trained.TrainedJudge` exactly as ``digest eval`` will (window
selection, max over windows, int8 ONNX) on the CLIFF rows that :func:`train.pairs.cliff_split`
put in the calibration half (never trained on), and

* picks the plain model's threshold (best balanced accuracy there);
* fits the stacker: a class-balanced logistic regression on the model's logit plus the lexical
  judge's raw signals (``digest.judges.features``; not its fitted probability, which saw all of
  CLIFF). Its figures and its threshold come from 5-fold out-of-fold predictions grouped by
  summary, so they are not in-sample; the shipped coefficients are refitted on the whole half.

Writes ``calibration.json`` next to the model and prints the Python constants for
``digest/judges/trained.py``. QAGS and SummEdits-news are not read.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from digest.judges import features as ft
from digest.judges.bench import Claim, read_claims
from digest.judges.embedded import EmbeddedJudge
from digest.judges.logistic import fit_logistic
from digest.judges.metrics import balanced_accuracy, best_threshold, roc_auc
from digest.judges.trained import LEXICAL, CrossEncoder, TrainedJudge
from train import pairs as P

REPO = Path(__file__).resolve().parent.parent


def calibration_claims(evaldata: Path, seed: int) -> list[Claim]:
    path = evaldata / "cliff_goyal21_sentences.jsonl"
    _, calib = P.cliff_split(list(P.read_jsonl(path)), seed)
    keep = {r["id"] for r in calib}
    claims, _ = read_claims(path)
    return [c for c in claims if c.id in keep]


def signals(model_dir: Path, claims: list[Claim]) -> tuple[np.ndarray, np.ndarray, float]:
    """Per claim: the model's best-window logit, the lexical signals; and claims/s."""
    judge = TrainedJudge(CrossEncoder(model_dir / "model.onnx", model_dir / "tokenizer.json"))
    lexical = EmbeddedJudge(None)
    started = time.perf_counter()
    logits = np.asarray(
        [(judge.judge(c.sentence, c.sources).details or {}).get("logit", -10.0) for c in claims]
    )
    speed = len(claims) / (time.perf_counter() - started)
    rows = [
        ft.vectorize(lexical.features(c.sentence, c.sources)[0].values, LEXICAL) for c in claims
    ]
    return logits, np.asarray(rows), speed


def out_of_fold(x: np.ndarray, y: np.ndarray, groups: list[str], l2: float, folds: int = 5):
    order = sorted(set(groups))
    np.random.default_rng(0).shuffle(order)
    fold_of = {g: i % folds for i, g in enumerate(order)}
    fold = np.asarray([fold_of[g] for g in groups])
    out = np.zeros(len(y))
    for k in range(folds):
        m = fit_logistic(x[fold != k], y[fold != k], ("x",) * x.shape[1], l2=l2)
        out[fold == k] = m.predict(x[fold == k])
    return out


def calibrate(model_dir: Path, evaldata: Path, seed: int = 13, l2: float = 10.0) -> dict:
    claims = calibration_claims(evaldata, seed)
    logits, lex, speed = signals(model_dir, claims)
    y = np.asarray([c.supported for c in claims], dtype=np.float64)
    labels = [c.supported for c in claims]
    plain = 1.0 / (1.0 + np.exp(-logits))
    plain_t = best_threshold(plain.tolist(), labels)
    x = np.hstack([logits[:, None], lex])
    names = ("logit", *LEXICAL)
    groups = [c.summary for c in claims]
    oof = out_of_fold(x, y, groups, l2)
    stack_t = best_threshold(oof.tolist(), labels)
    stack = fit_logistic(x, y, names, l2=l2)
    lex_oof = out_of_fold(lex, y, groups, l2)
    report = {
        "data": f"CLIFF calibration half (train.pairs.cliff_split, seed {seed}), "
        f"{len(claims)} sentences",
        "claims_per_s": round(speed, 1),
        "plain": {
            "threshold": round(plain_t, 4),
            "roc_auc": round(roc_auc(plain, labels), 4),
            "balanced_accuracy": round(balanced_accuracy(plain, labels, plain_t), 4),
        },
        "stack_out_of_fold": {
            "threshold": round(stack_t, 4),
            "l2": l2,
            "roc_auc": round(roc_auc(oof.tolist(), labels), 4),
            "balanced_accuracy": round(balanced_accuracy(oof, labels, stack_t), 4),
        },
        "lexical_only_out_of_fold_auc": round(roc_auc(lex_oof.tolist(), labels), 4),
        "stack": {
            "names": list(names),
            "mean": list(stack.mean),
            "scale": list(stack.scale),
            "coef": list(stack.coef),
            "intercept": stack.intercept,
        },
    }
    (model_dir / "calibration.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("--evaldata", type=Path, default=REPO.parent / "shared" / "evaldata")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--l2", type=float, default=10.0)
    args = parser.parse_args()
    report = calibrate(args.model_dir, args.evaldata, args.seed, args.l2)
    print(json.dumps({k: v for k, v in report.items() if k != "stack"}, indent=2))  # noqa: T201
    s = report["stack"]
    print(f"THRESHOLD = {report['plain']['threshold']}")  # noqa: T201
    stack = (
        f"STACK = Logistic(\n    names={tuple(s['names'])!r},\n"
        f"    mean={tuple(s['mean'])!r},\n    scale={tuple(s['scale'])!r},\n"
        f"    coef={tuple(s['coef'])!r},\n    intercept={s['intercept']!r},\n)"
    )
    print(stack)  # noqa: T201
    print(f"STACK_THRESHOLD = {report['stack_out_of_fold']['threshold']}")  # noqa: T201


if __name__ == "__main__":
    main()
