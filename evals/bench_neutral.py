"""Does the neutrality measure agree with human editors? The NeuS roundup-versus-source contrast.

NeuS (Lee et al. 2022) pairs three outlets' leads on one story with a roundup that an AllSides
editor wrote to be neutral. No sentence-level media-bias set (BABE, MBIC) can be installed from
a package registry here, so this contrast is the human judgement we check the measure against:
a measure of loaded wording must give source-lead sentences more flags than roundup sentences.
The figure is the ROC AUC of flags per sentence (source = positive; ties count half), with a
95 % bootstrap interval over clusters, plus each rule's firing rate on both sides, and examples
of what the measure catches, what it flags in the editors' own sentences, and what it leaves
unflagged in the sources.

Tune on the training clusters, report on the validation ones:

    python evals/bench_neutral.py ../shared/traindata/neus_train_clusters.jsonl --by-rule
    python evals/bench_neutral.py ../shared/evaldata/neus_val_clusters.jsonl --limit 30
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digest.evaluate.neutral import neutrality_flags
from digest.sentences import split_sentences


@dataclass(frozen=True)
class Scored:
    """One sentence: its cluster, side (source lead or roundup), flags and their rules."""

    cluster: int
    source: bool
    text: str
    flags: tuple[str, ...]  # "rule: trigger"
    rules: frozenset[str]


def read_clusters(path: Path, limit: int | None) -> list[dict]:
    """The first ``limit`` clusters of a NeuS JSONL file (one line per cluster)."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                rows.append(json.loads(line))
            if limit is not None and len(rows) >= limit:
                break
    return rows


def score(rows: list[dict]) -> list[Scored]:
    """Every roundup sentence and every source-lead sentence, with its flags (cited, as ours)."""
    out = []
    for c, row in enumerate(rows):
        sides = [(False, row["reference_summary"])] + [(True, a["text"]) for a in row["articles"]]
        for source, text in sides:
            for span in split_sentences(text):
                flags = neutrality_flags(span.text, cited=True)
                out.append(Scored(c, source, span.text,
                                  tuple(f"{f.rule.split(':')[0]}: {f.trigger}" for f in flags),
                                  frozenset(f.rule.split(":")[0] for f in flags)))
    return out


def auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """Mann-Whitney ROC AUC, ties counted half; NaN when a side is empty."""
    if not len(positive) or not len(negative):
        return float("nan")
    values = np.concatenate([positive, negative])
    order = values.argsort(kind="mergesort")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(1, len(values) + 1)
    for v in np.unique(values):  # average ranks over ties
        same = values == v
        ranks[same] = ranks[same].mean()
    u = ranks[: len(positive)].sum() - len(positive) * (len(positive) + 1) / 2
    return float(u / (len(positive) * len(negative)))


def _auc_of(scored: list[Scored]) -> float:
    pos = np.array([len(s.flags) for s in scored if s.source], dtype=float)
    neg = np.array([len(s.flags) for s in scored if not s.source], dtype=float)
    return auc(pos, neg)


def bootstrap(scored: list[Scored], *, rounds: int, seed: int = 0) -> tuple[float, float]:
    """95 % interval of the AUC, resampling whole clusters."""
    by_cluster: dict[int, list[Scored]] = {}
    for s in scored:
        by_cluster.setdefault(s.cluster, []).append(s)
    clusters = list(by_cluster)
    rng = random.Random(seed)
    values = []
    for _ in range(rounds):
        sample = [s for c in rng.choices(clusters, k=len(clusters)) for s in by_cluster[c]]
        value = _auc_of(sample)
        if value == value:
            values.append(value)
    if not values:
        return float("nan"), float("nan")
    return float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))


def report(scored: list[Scored], *, rounds: int, examples: int, by_rule: bool) -> dict:
    """The figures as a dict (printed as JSON) and the examples as text lines."""
    sources = [s for s in scored if s.source]
    roundup = [s for s in scored if not s.source]
    low, high = bootstrap(scored, rounds=rounds)
    figures: dict = {
        "clusters": len({s.cluster for s in scored}),
        "source_sentences": len(sources),
        "roundup_sentences": len(roundup),
        "auc": round(_auc_of(scored), 3),
        "auc_95": [round(low, 3), round(high, 3)],
        "source_flags_per_sentence": round(sum(len(s.flags) for s in sources)
                                           / max(len(sources), 1), 3),
        "roundup_flags_per_sentence": round(sum(len(s.flags) for s in roundup)
                                            / max(len(roundup), 1), 3),
        "source_flagged_share": round(sum(bool(s.flags) for s in sources)
                                      / max(len(sources), 1), 3),
        "roundup_flagged_share": round(sum(bool(s.flags) for s in roundup)
                                       / max(len(roundup), 1), 3),
    }
    if by_rule:
        fired_src = Counter(r for s in sources for r in s.rules)
        fired_ref = Counter(r for s in roundup for r in s.rules)
        figures["rules"] = {
            rule: {"source": round(fired_src[rule] / len(sources), 4),
                   "roundup": round(fired_ref[rule] / len(roundup), 4),
                   "ratio": round((fired_src[rule] / len(sources))
                                  / ((fired_ref[rule] + 0.5) / len(roundup)), 2)}
            for rule in sorted(fired_src.keys() | fired_ref.keys())
        }
    rng = random.Random(1)
    caught = [s for s in sources if s.flags]
    false_alarms = [s for s in roundup if s.flags]
    unflagged = [s for s in sources if not s.flags]
    figures["examples"] = {
        name: [f"{s.text}  <- {'; '.join(s.flags) or 'no flag'}"
               for s in rng.sample(pool, min(examples, len(pool)))]
        for name, pool in (("caught in sources", caught),
                           ("flagged in roundups", false_alarms),
                           ("unflagged in sources", unflagged))
    }
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clusters", type=Path, help="NeuS clusters JSONL")
    parser.add_argument("--limit", type=int, default=None, help="first N clusters only")
    parser.add_argument("--rounds", type=int, default=1000, help="bootstrap rounds")
    parser.add_argument("--examples", type=int, default=5, help="examples of each kind")
    parser.add_argument("--by-rule", action="store_true", help="each rule's firing rates")
    args = parser.parse_args(argv)
    try:
        rows = read_clusters(args.clusters, args.limit)
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"bench_neutral: cannot read {args.clusters}: {exc}\n")
        return 2
    try:
        scored = score(rows)
    except (KeyError, TypeError) as exc:
        sys.stderr.write(f"bench_neutral: {args.clusters} is not a NeuS clusters file "
                         f"(missing {exc})\n")
        return 2
    figures = report(scored, rounds=args.rounds, examples=args.examples, by_rule=args.by_rule)
    sys.stdout.write(json.dumps(figures, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
