"""Judge benchmark: `run_bench` over the human-labelled sets in ../shared/evaldata.

Not a test (the data is not in the repository and never may be). For each judge and file it
prints ROC AUC, balanced accuracy at the judge's fixed threshold, summary-level ROC AUC (a
summary is consistent iff all its sentences are; its score is the minimum over its sentences)
and claims/s, next to the published figures for the same data. The embedded judge's weights
and threshold were fitted on CLIFF (``digest/judges/weights.py``), so its CLIFF row is a
training-set figure, marked as such; every other row is held out.

    python evals/bench_judges.py                            # embedded judge, all files
    python evals/bench_judges.py --judge embedded --judge llm --limit 200
    python evals/bench_judges.py --data ../shared/evaldata --json /tmp/bench.json

Throughput depends on what else runs on the machine: the 1-minute load average is printed
with the table.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from digest.app import Services  # noqa: E402
from digest.config import Settings  # noqa: E402
from digest.judges.bench import BenchResult, run_bench  # noqa: E402

logger = logging.getLogger("bench_judges")

FILES = (
    "qags_cnndm_sentences.jsonl",
    "qags_xsum_sentences.jsonl",
    "summedits_news_claims.jsonl",
    "cliff_goyal21_sentences.jsonl",
)
# Published figures: summary-level ROC AUC (TRUE benchmark / AlignScore / SummaC papers) and
# SummEdits news balanced accuracy (Laban et al. 2023).
PUBLISHED = {
    "qags_cnndm_sentences.jsonl": "T5-11B NLI 82.1 / AlignScore-L 89.5 / SummaC-ZS 76.0 (summary AUC)",  # noqa: E501
    "qags_xsum_sentences.jsonl": "T5-11B NLI 83.8 / AlignScore-L 83.5 / SummaC-ZS 75.3 (summary AUC)",  # noqa: E501
    "summedits_news_claims.jsonl": "GPT-4 83.3 / QAFactEval 74.4 / SummaC-Conv 61.9 / human 90.0 (bal. acc.)",  # noqa: E501
    "cliff_goyal21_sentences.jsonl": "(training set of the embedded judge's weights)",
    "claims.jsonl": "(this project's own cases, evals/cases)",
}


def pct(value: float | None) -> str:
    return "-" if value is None or value != value else f"{100 * value:.1f}"


def row(result: BenchResult) -> str:
    name = Path(result.file).name
    return (
        f"| {name} | {result.judge} | {result.claims} ({result.supported}/{result.unsupported}) "
        f"| {pct(result.roc_auc)} | {pct(result.summary_roc_auc)} "
        f"| {pct(result.balanced_accuracy)} "
        f"| {pct(result.summary_balanced_accuracy)} | {result.claims_per_s:.1f} "
        f"| {PUBLISHED.get(name, '')} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "evaldata")
    parser.add_argument(
        "--judge", action="append", help="judge name (repeatable); default embedded"
    )
    parser.add_argument("--limit", type=int, default=None, help="first N claims of each file")
    parser.add_argument("--files", nargs="*", default=list(FILES))
    parser.add_argument("--json", type=Path, help="also write every result as JSON here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    services = Services(Settings())
    paths = [args.data / f for f in args.files] + [REPO / "evals" / "cases" / "claims.jsonl"]
    results: list[BenchResult] = []
    lines = [
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, limit {args.limit or 'none'}, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        "",
        "| file | judge | claims (S/U) | ROC AUC | summary AUC | bal. acc. | summary bal. acc. "
        "| claims/s | published |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for judge in args.judge or ["embedded"]:
        for path in paths:
            if not path.exists():
                logger.warning("skipping %s: not found", path)
                continue
            result = run_bench(path, judge=services.judge(judge), limit=args.limit)
            results.append(result)
            lines.append(row(result))
            logger.info("%s", lines[-1])
    logger.info("\n%s", "\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps([r.to_dict() for r in results], indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
