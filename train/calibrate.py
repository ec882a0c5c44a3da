"""Choose the shipped threshold on CLIFF's calibration half (never trained on), with the runtime.

    python -m train.calibrate /work/train-out/model

Runs :class:`digest.judges.trained.TrainedJudge` exactly as ``digest eval`` will (window
selection, max over windows, int8 ONNX) on the CLIFF rows that :func:`train.pairs.cliff_split`
put in the calibration half, picks the threshold with the best balanced accuracy there, and
writes it with the calibration figures into the model's ``manifest.json``. QAGS and
SummEdits-news are not read.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from digest.judges.bench import read_claims
from digest.judges.metrics import balanced_accuracy, best_threshold, roc_auc
from digest.judges.trained import CrossEncoder, TrainedJudge
from train import pairs as P

REPO = Path(__file__).resolve().parent.parent


def calibration_claims(evaldata: Path, seed: int):  # noqa: ANN201 - list[Claim]
    path = evaldata / "cliff_goyal21_sentences.jsonl"
    _, calib = P.cliff_split(list(P.read_jsonl(path)), seed)
    keep = {r["id"] for r in calib}
    claims, _ = read_claims(path)
    return [c for c in claims if c.id in keep]


def calibrate(model_dir: Path, evaldata: Path, seed: int = 13) -> dict:
    judge = TrainedJudge(CrossEncoder(model_dir / "model.onnx", model_dir / "tokenizer.json"))
    claims = calibration_claims(evaldata, seed)
    started = time.perf_counter()
    probs = [judge.judge(c.sentence, c.sources).probability for c in claims]
    seconds = time.perf_counter() - started
    labels = [c.supported for c in claims]
    threshold = best_threshold(probs, labels)
    report = {
        "threshold": round(threshold, 4),
        "calibration": {
            "data": f"CLIFF calibration half (cliff_split, seed {seed})",
            "claims": len(claims),
            "roc_auc": round(roc_auc(probs, labels), 4),
            "balanced_accuracy": round(balanced_accuracy(probs, labels, threshold), 4),
            "claims_per_s": round(len(claims) / seconds, 1),
        },
    }
    path = model_dir / "manifest.json"
    manifest = json.loads(path.read_text()) if path.exists() else {}
    manifest.update(report)
    path.write_text(json.dumps(manifest, indent=2) + "\n")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("--evaldata", type=Path, default=REPO.parent / "shared" / "evaldata")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    print(json.dumps(calibrate(args.model_dir, args.evaldata, args.seed), indent=2))  # noqa: T201


if __name__ == "__main__":
    main()
