"""Threshold, stacker and window count, on training-side held-out data only.

    python -m train.calibrate /work/train-out/model            # prints the constants to ship

The calibration set is three held-out slices that training never saw, so the threshold is not
fitted to one kind of error:

* ``cliff``: the CLIFF half that :func:`train.pairs.cliff_split` keeps out of training
  (model summaries of XSum/CNN-DM articles with annotated error spans);
* ``summedits``: the SummEdits non-news documents :func:`train.pairs.summedits_split` holds out
  (human-labelled minimal edits);
* ``neus``: synthetic claims from the 150 NeuS validation stories (:func:`train.pairs.neus_split`),
  at most ``PER_KIND`` per kind, each judged against its story's three articles.

Every claim is scored as ``digest eval`` scores it (window selection, int8 ONNX); the logits of
its ``MAX_WINDOWS`` best windows are kept so the number of windows can be chosen here too.
Then, with 5-fold out-of-fold predictions grouped by summary / document / story:

* ``windows``: the fewest windows whose plain-model AUC is within ``WINDOW_SLACK`` of the best
  (fewer windows = faster claims);
* the plain model's threshold (best balanced accuracy);
* the stacker: a class-balanced logistic regression on the model's best logit plus the lexical
  judge's raw signals (``digest.judges.features``), its threshold from out-of-fold predictions;
* ``use_stack``: whether the stacker's out-of-fold AUC beats the plain model's *and* a stacker
  fitted on two slices beats the plain model on the third, for each slice (``stack_transfer``).

Per-slice balanced accuracy at the one shipped threshold shows whether it holds across kinds of
data. Writes ``calibration.json`` next to the model and prints the constants for
``digest/judges/trained.py``. QAGS and SummEdits-news are never read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from pathlib import Path

import numpy as np

from digest.judges.bench import Claim, read_claims
from digest.judges.embedded import EmbeddedJudge
from digest.judges.logistic import fit_logistic
from digest.judges.metrics import balanced_accuracy, best_threshold, roc_auc
from digest.judges.trained import LEXICAL, CrossEncoder, TrainedJudge, lexical_signals
from train import pairs as P

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
PER_KIND = 50  # synthetic NeuS claims per kind
MAX_WINDOWS = 3  # window counts tried: 1 .. MAX_WINDOWS
WINDOW_SLACK = 0.005  # AUC a smaller window count may lose and still be chosen
# wrong_evidence pairs are defined by the window they are shown, not by the story's articles.
NEUS_KINDS_SKIPPED = ("wrong_evidence",)


def _claim(cid: str, sentence: str, sources: list[str], label: bool, summary: str) -> Claim:
    return Claim(id=cid, sentence=sentence, sources=sources, supported=label, summary=summary)


def calibration_claims(traindata: Path, evaldata: Path, seed: int) -> list[tuple[str, Claim]]:
    """(slice, claim) for the three held-out slices; the same splits ``train.run`` uses."""
    out: list[tuple[str, Claim]] = []
    path = evaldata / "cliff_goyal21_sentences.jsonl"
    _, calib = P.cliff_split(list(P.read_jsonl(path)), seed)
    keep = {r["id"] for r in calib}
    claims, _ = read_claims(path)
    out += [("cliff", c) for c in claims if c.id in keep]

    _, se_val = P.summedits_split(list(P.read_jsonl(traindata / "summedits_nonnews.jsonl")), seed)
    for i, row in enumerate(se_val):
        if row["label"] in ("supported", "unsupported"):
            doc = row["document"]
            out.append(
                (
                    "summedits",
                    _claim(
                        f"se-{i}", row["summary"], [doc], row["label"] == "supported", doc[:200]
                    ),
                )
            )

    clusters = list(P.read_jsonl(traindata / "neus_train_clusters.jsonl"))
    _, val_clusters = P.neus_split(clusters, seed)
    articles = {
        str(c["id"]): [a["text"] for a in c["articles"] if a.get("text", "").strip()]
        for c in val_clusters
    }
    pairs = [
        p
        for p in P.neus_pairs(val_clusters, random.Random(seed + 2))
        if p.kind not in NEUS_KINDS_SKIPPED
    ]
    rng = random.Random(seed + 5)
    for kind in sorted({p.kind for p in pairs}):
        mine = [p for p in pairs if p.kind == kind]
        for j, p in enumerate(rng.sample(mine, min(PER_KIND, len(mine)))):
            out.append(
                (
                    "neus",
                    _claim(f"neus-{kind}-{j}", p.claim, articles[p.group], bool(p.label), p.group),
                )
            )
    return out


def window_logits(encoder: CrossEncoder, claims: list[Claim], k: int) -> np.ndarray:
    """Per claim, the logits of its ``k`` best windows in select order (-inf where fewer),
    computed by the runtime judge itself (:meth:`TrainedJudge.window_logits`)."""
    judge = TrainedJudge(encoder, stack=None)
    out = np.full((len(claims), k), -np.inf)
    scored = judge.window_logits([(c.sentence, c.sources) for c in claims], k)
    for i, (_, logits) in enumerate(scored):
        out[i, : len(logits)] = logits
    return out


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


def _per_slice(probs: np.ndarray, labels: list[bool], slices: list[str], t: float) -> dict:
    report = {}
    for name in sorted(set(slices)):
        idx = [i for i, s in enumerate(slices) if s == name]
        lab = [labels[i] for i in idx]
        report[name] = {
            "n": len(idx),
            "roc_auc": round(roc_auc(probs[idx].tolist(), lab), 4),
            "balanced_accuracy": round(balanced_accuracy(probs[idx], lab, t), 4),
        }
    return report


def slice_transfer(
    x: np.ndarray, y: np.ndarray, slices: list[str], plain: np.ndarray, l2: float
) -> dict[str, dict[str, float]]:
    """Per slice: the stacker's AUC there when fitted on the *other* slices, and the plain
    model's AUC there. A stacker that only helps where it was fitted does not transfer."""
    out = {}
    names = np.asarray(slices)
    for name in sorted(set(slices)):
        held = names == name
        labels = [bool(v) for v in y[held]]
        model = fit_logistic(x[~held], y[~held], ("x",) * x.shape[1], l2=l2)
        out[name] = {
            "stack": round(roc_auc(model.predict(x[held]).tolist(), labels), 4),
            "plain": round(roc_auc(plain[held].tolist(), labels), 4),
        }
    return out


def calibrate(
    model_dir: Path, traindata: Path, evaldata: Path, seed: int = 13, l2: float = 10.0
) -> dict:
    tagged = calibration_claims(traindata, evaldata, seed)
    slices = [s for s, _ in tagged]
    claims = [c for _, c in tagged]
    # Scoring is the slow part: kept for reruns, and only for the model it was computed with.
    cache = model_dir / "calibration_signals.npz"
    model_sha = hashlib.sha256((model_dir / "model.onnx").read_bytes()).hexdigest()
    saved = np.load(cache) if cache.exists() else None
    if saved is not None and str(saved["model_sha256"]) == model_sha:
        per_window, lex, seconds = saved["per_window"], saved["lexical"], float(saved["seconds"])
    else:
        encoder = CrossEncoder(model_dir / "model.onnx", model_dir / "tokenizer.json")
        started = time.perf_counter()
        per_window = window_logits(encoder, claims, MAX_WINDOWS)
        seconds = time.perf_counter() - started
        lexical = EmbeddedJudge(None)
        lex = np.asarray([lexical_signals(lexical, c.sentence, c.sources) for c in claims])
        np.savez(cache, per_window=per_window, lexical=lex, seconds=seconds, model_sha256=model_sha)
    labels = [c.supported for c in claims]
    y = np.asarray(labels, dtype=np.float64)
    groups = [f"{s}:{c.summary}" for s, c in tagged]

    aucs = {}
    for k in range(1, MAX_WINDOWS + 1):
        best = np.max(per_window[:, :k], axis=1)
        best[~np.isfinite(best)] = -10.0
        aucs[k] = roc_auc((1.0 / (1.0 + np.exp(-best))).tolist(), labels)
    windows = min(k for k in aucs if aucs[k] >= max(aucs.values()) - WINDOW_SLACK)
    logits = np.max(per_window[:, :windows], axis=1)
    logits[~np.isfinite(logits)] = -10.0

    plain = 1.0 / (1.0 + np.exp(-logits))
    plain_t = best_threshold(plain.tolist(), labels)
    x = np.hstack([logits[:, None], lex])
    names = ("logit", *LEXICAL)
    oof = out_of_fold(x, y, groups, l2)
    stack_t = best_threshold(oof.tolist(), labels)
    stack = fit_logistic(x, y, names, l2=l2)
    lex_oof = out_of_fold(lex, y, groups, l2)
    transfer = slice_transfer(x, y, slices, plain, l2)
    plain_auc = roc_auc(plain.tolist(), labels)
    stack_auc = roc_auc(oof.tolist(), labels)
    report = {
        "data": {name: slices.count(name) for name in sorted(set(slices))},
        "seed": seed,
        "pairs_per_s": round(int(np.isfinite(per_window).sum()) / seconds, 1),
        "window_auc": {str(k): round(v, 4) for k, v in aucs.items()},
        "windows": windows,
        "plain": {
            "threshold": round(plain_t, 4),
            "roc_auc": round(plain_auc, 4),
            "balanced_accuracy": round(balanced_accuracy(plain, labels, plain_t), 4),
            "per_slice": _per_slice(plain, labels, slices, plain_t),
        },
        "stack_out_of_fold": {
            "threshold": round(stack_t, 4),
            "l2": l2,
            "roc_auc": round(stack_auc, 4),
            "balanced_accuracy": round(balanced_accuracy(oof, labels, stack_t), 4),
            "per_slice": _per_slice(oof, labels, slices, stack_t),
        },
        "lexical_only_out_of_fold_auc": round(roc_auc(lex_oof.tolist(), labels), 4),
        "stack_transfer": transfer,
        # Stack only if it helps out of fold *and* on every slice it was not fitted on: a
        # stacker that learns one slice's quirks (synthetic near-copies are negatives, so copying
        # signals look bad) must not be shipped to data shaped like another.
        "use_stack": bool(
            stack_auc > plain_auc and all(t["stack"] >= t["plain"] for t in transfer.values())
        ),
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
    parser.add_argument("--traindata", type=Path, default=SHARED / "traindata")
    parser.add_argument("--evaldata", type=Path, default=SHARED / "evaldata")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--l2", type=float, default=10.0)
    args = parser.parse_args()
    report = calibrate(args.model_dir, args.traindata, args.evaldata, args.seed, args.l2)
    print(json.dumps({k: v for k, v in report.items() if k != "stack"}, indent=2))  # noqa: T201
    s = report["stack"]
    print(f"THRESHOLD = {report['plain']['threshold']}")  # noqa: T201
    print(f"TOP_WINDOWS = {report['windows']}")  # noqa: T201
    stack = (
        f"STACK = Logistic(\n    names={tuple(s['names'])!r},\n"
        f"    mean={tuple(s['mean'])!r},\n    scale={tuple(s['scale'])!r},\n"
        f"    coef={tuple(s['coef'])!r},\n    intercept={s['intercept']!r},\n)"
        if report["use_stack"]
        else "STACK = None"
    )
    print(stack)  # noqa: T201
    print(f"STACK_THRESHOLD = {report['stack_out_of_fold']['threshold']}")  # noqa: T201


if __name__ == "__main__":
    main()
