"""Fit the embedded judge's weights on ONE labelled file; report them on the others.

    python -m train.fit --train TRAIN.jsonl [--eval A.jsonl B.jsonl] [--limit N]

Prints the fitted :class:`~digest.judges.logistic.Logistic` as Python to paste into
``weights.py``, the threshold that maximises balanced accuracy on the training file, and a
per-signal table (each signal alone, and the full model without it) on every eval file, so the
weights are never tuned on the data that is reported. Feature values are cached as ``.npz``
next to ``--cache`` because embedding the sources is the slow part.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import numpy as np

from digest.judges.bench import Claim, Scored, read_claims, summary_scores
from digest.judges.features import FEATURES, vectorize
from digest.judges.logistic import Logistic, fit_logistic
from digest.judges.metrics import balanced_accuracy, best_threshold, roc_auc

logger = logging.getLogger(__name__)

L2_GRID = (1.0, 10.0, 100.0, 1000.0)


def _emb_column(
    path: Path, claims: list[Claim], cache: Path | None, limit: int | None
) -> np.ndarray:
    """The embedding signal alone, cached: it is the slow one, the lexical ones take seconds."""
    target = cache / f"{path.stem}-{limit or 'all'}-emb.npy" if cache else None
    if target is not None and target.exists():
        return np.load(target)
    from digest.embed import MiniLMEmbedder
    from digest.judges.embedded import EmbeddedJudge

    judge = EmbeddedJudge(MiniLMEmbedder(threads=1))
    column = np.zeros(len(claims))
    for i, claim in enumerate(claims):
        column[i] = judge.features(claim.sentence, claim.sources)[0].values["emb_win"]
        if (i + 1) % 100 == 0:
            logger.info("%s: embedded %d/%d", path.name, i + 1, len(claims))
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        np.save(target, column)
    return column


def feature_matrix(
    path: Path, cache: Path | None, limit: int | None, embed: bool = True
) -> tuple[list[Claim], np.ndarray]:
    """Claims of ``path`` and their signal values (columns in ``FEATURES`` order)."""
    from digest.judges.embedded import EmbeddedJudge

    claims, _ = read_claims(path, limit)
    lexical = EmbeddedJudge(None)
    x = np.vstack([vectorize(lexical.features(c.sentence, c.sources)[0].values) for c in claims])
    if embed:
        x[:, FEATURES.index("emb_win")] = _emb_column(path, claims, cache, limit)
    return claims, x


def _scores(model: Logistic, x: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    cols = [FEATURES.index(n) for n in names]
    return model.predict(x[:, cols])


def evaluate(claims: list[Claim], probs: np.ndarray, threshold: float) -> dict[str, float]:
    labels = [c.supported for c in claims]
    scored = [Scored(c, float(p)) for c, p in zip(claims, probs, strict=True)]
    s_probs, s_labels = summary_scores(scored)
    multi = any(c.summary != c.id for c in claims)
    return {
        "auc": roc_auc(probs.tolist(), labels),
        "bacc": balanced_accuracy(probs.tolist(), labels, threshold),
        "summary_auc": roc_auc(s_probs, s_labels) if multi else float("nan"),
        "summary_bacc": balanced_accuracy(s_probs, s_labels, threshold) if multi else float("nan"),
    }


def cross_validated_auc(
    claims: list[Claim], x: np.ndarray, names: tuple[str, ...], l2: float, folds: int = 5
) -> float:
    """ROC AUC of out-of-fold predictions, folds grouped by summary (one article never sits on
    both sides), on the training file only: how ``--l2 auto`` picks regularisation."""
    cols = [FEATURES.index(n) for n in names]
    y = np.asarray([c.supported for c in claims], dtype=np.float64)
    groups = sorted({c.summary for c in claims})
    np.random.default_rng(0).shuffle(groups)
    fold_of = {g: i % folds for i, g in enumerate(groups)}
    fold = np.asarray([fold_of[c.summary] for c in claims])
    out = np.zeros(len(y))
    for k in range(folds):
        model = fit_logistic(x[fold != k][:, cols], y[fold != k], names, l2=l2)
        out[fold == k] = model.predict(x[fold == k][:, cols])
    return roc_auc(out.tolist(), [c.supported for c in claims])


def fit(
    claims: list[Claim], x: np.ndarray, names: tuple[str, ...], l2: float
) -> tuple[Logistic, float]:
    cols = [FEATURES.index(n) for n in names]
    y = np.asarray([c.supported for c in claims], dtype=np.float64)
    model = fit_logistic(x[:, cols], y, names, l2=l2)
    threshold = best_threshold(model.predict(x[:, cols]).tolist(), [c.supported for c in claims])
    return model, threshold


def weights_module(model: Logistic, threshold: float, args: argparse.Namespace) -> str:
    """The fitted model as a Python module of constants (what ``weights.py`` holds)."""

    def floats(values: tuple[float, ...]) -> str:
        return "(\n" + "".join(f"        {v!r},\n" for v in values) + "    )"

    lexical = " --lexical" if args.lexical else ""
    names = "(\n" + "".join(f"        {n!r},\n" for n in model.names) + "    )"
    return f'''"""Frozen coefficients of the embedded judge. Generated; do not edit by hand.

Fitted by ``python -m train.fit --train {args.train.name} --l2 {args.l2}{lexical}``
(L2-regularised, class-balanced logistic regression on standardised signals). The threshold
maximises balanced accuracy on that same training file; every other dataset is reported with
these numbers unchanged (evals/RESULTS.md).
"""

from digest.judges.logistic import Logistic

{args.constant}_MODEL = Logistic(
    names={names},
    mean={floats(model.mean)},
    scale={floats(model.scale)},
    coef={floats(model.coef)},
    intercept={model.intercept!r},
)
{args.constant}_THRESHOLD = {threshold:.4f}
{args.constant}_TRAINED_ON = {args.train.name!r}
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--eval", type=Path, nargs="*", default=[])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/digest-judge-features"))
    parser.add_argument(
        "--l2", default="auto", help="L2 strength, or 'auto': best CV AUC on --train"
    )
    parser.add_argument("--features", default=",".join(FEATURES))
    parser.add_argument("--lexical", action="store_true", help="no embedding signal")
    parser.add_argument("--write", type=Path, help="write the fitted weights module here")
    parser.add_argument("--constant", default="EMBEDDED", help="name prefix of the constants")
    parser.add_argument("--precompute", action="store_true", help="only cache the embedding signal")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.precompute:
        for path in [args.train, *args.eval]:
            _emb_column(path, read_claims(path, args.limit)[0], args.cache, args.limit)
        return

    names = tuple(n for n in args.features.split(",") if n)
    if args.lexical:
        names = tuple(n for n in names if n != "emb_win")
    train_claims, train_x = feature_matrix(args.train, args.cache, args.limit, not args.lexical)
    sets = [(p, *feature_matrix(p, args.cache, args.limit, not args.lexical)) for p in args.eval]
    if args.l2 == "auto":
        grid = {l2: cross_validated_auc(train_claims, train_x, names, l2) for l2 in L2_GRID}
        logger.info(
            "CV AUC on %s by L2: %s", args.train.name, {k: round(v, 4) for k, v in grid.items()}
        )
        args.l2 = max(grid, key=lambda k: grid[k])
    args.l2 = float(args.l2)
    model, threshold = fit(train_claims, train_x, names, args.l2)
    logger.info("MODEL = %r\nTHRESHOLD = %.4f", model, threshold)
    if args.write:
        args.write.write_text(weights_module(model, threshold, args), encoding="utf-8")
        logger.info("wrote %s", args.write)

    header = (
        "| signals | "
        + " | ".join(f"{p.stem} AUC / sum. AUC / bal.acc." for p, _, _ in sets)
        + " |"
    )
    lines = [header, "|" + "---|" * (len(sets) + 1)]

    def row(label: str, m: Logistic, t: float, used: tuple[str, ...]) -> str:
        cells = []
        for _, claims, x in sets:
            r = evaluate(claims, _scores(m, x, used), t)
            cells.append(
                f"{100 * r['auc']:.1f} / {100 * r['summary_auc']:.1f} / {100 * r['bacc']:.1f}"
            )
        return f"| {label} | " + " | ".join(cells) + " |"

    lines.append(row("all", model, threshold, names))
    for name in names:
        single, t1 = fit(train_claims, train_x, (name,), args.l2)
        lines.append(row(f"only {name}", single, t1, (name,)))
    for name in names:
        rest = tuple(n for n in names if n != name)
        without, t2 = fit(train_claims, train_x, rest, args.l2)
        lines.append(row(f"all - {name}", without, t2, rest))
    logger.info("\n".join(lines))


if __name__ == "__main__":
    main()
