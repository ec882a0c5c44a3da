"""`digest eval bench`: a judge measured on labelled claims against human labels.

Reads JSONL rows ``{id, sentence, sources, label}`` (label ``supported`` / ``unsupported``;
``ambiguous`` rows are dropped and counted), judges each, and reports ROC AUC, balanced accuracy
at the judge's *fixed* threshold (never re-tuned on the data reported), throughput, and the
summary-level ROC AUC used by the TRUE/SummaC papers when rows belong to multi-sentence
summaries: a summary is consistent iff all its sentences are, and scores the minimum of its
sentences' probabilities.
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from digest.errors import ConfigError
from digest.judges.base import Judge
from digest.judges.metrics import balanced_accuracy, roc_auc

logger = logging.getLogger(__name__)

_SENTENCE_OF = re.compile(r"^(?P<summary>.+-\d+)-(?P<sentence>\d+)$")


@dataclass(frozen=True)
class Claim:
    """One labelled row of a bench file."""

    id: str
    sentence: str
    sources: list[str]
    supported: bool
    summary: str


@dataclass(frozen=True)
class Scored:
    claim: Claim
    probability: float


def summary_id(row: dict[str, Any]) -> str:
    """The summary a row's sentence belongs to.

    Explicit ``summary_id`` (or ``detail.summary``) wins. Otherwise the evaldata convention:
    QAGS and CLIFF ids are ``<dataset>-<doc>-<sentence>`` (``qags-cnndm-12-2``, ``CLIFF-3-0``),
    so the summary is the id without its last ``-<n>``. SummEdits ids (``..._og``, ``..._7``)
    are one summary per row.
    """
    explicit = row.get("summary_id") or (row.get("detail") or {}).get("summary")
    if explicit:
        return str(explicit)
    rid = str(row.get("id", ""))
    match = _SENTENCE_OF.match(rid)
    return match.group("summary") if match else rid


def read_claims(path: Path, limit: int | None = None) -> tuple[list[Claim], int]:
    """Labelled claims of ``path`` and the number of ``ambiguous`` rows dropped."""
    claims: list[Claim] = []
    dropped = 0
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read bench file {path}: {exc}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            label = row["label"]
            sentence, sources = row["sentence"], row["sources"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ConfigError(
                f"{path}:{number}: not a bench row {{sentence, sources, label}}: {exc}"
            ) from exc
        if label == "ambiguous":
            dropped += 1
            continue
        if label not in ("supported", "unsupported"):
            raise ConfigError(
                f"{path}:{number}: label must be supported/unsupported/ambiguous, got {label!r}"
            )
        if isinstance(sources, str):
            sources = [sources]
        claims.append(
            Claim(
                str(row.get("id", number)),
                sentence,
                list(sources),
                label == "supported",
                summary_id(row),
            )
        )
        if limit is not None and len(claims) >= limit:
            break
    return claims, dropped


def _nan_to_none(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 4)


@dataclass
class BenchResult:
    """What ``digest eval bench`` reports for one file and one judge."""

    file: str
    judge: str
    threshold: float
    claims: int
    supported: int
    unsupported: int
    ambiguous_dropped: int
    roc_auc: float
    balanced_accuracy: float
    seconds: float
    summaries: int
    summary_roc_auc: float | None
    summary_balanced_accuracy: float | None
    scored: list[Scored] = field(default_factory=list, repr=False)

    @property
    def claims_per_s(self) -> float:
        return self.claims / self.seconds if self.seconds > 0 else math.inf

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("scored")
        for key in ("roc_auc", "balanced_accuracy", "summary_roc_auc", "summary_balanced_accuracy"):
            if data[key] is not None:
                data[key] = _nan_to_none(data[key])
        data["seconds"] = round(self.seconds, 2)
        data["claims_per_s"] = round(self.claims_per_s, 2)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def to_table(self) -> Any:
        from rich.table import Table

        def pct(value: float | None) -> str:
            return "-" if value is None or math.isnan(value) else f"{100 * value:.1f}"

        table = Table(title=f"{Path(self.file).name}: judge {self.judge}")
        table.add_column("metric")
        table.add_column("value", justify="right")
        summary = self.summary_roc_auc is not None
        rows = [
            (
                "claims (supported / unsupported)",
                f"{self.claims} ({self.supported} / {self.unsupported})",
            ),
            ("ambiguous rows dropped", str(self.ambiguous_dropped)),
            ("ROC AUC", pct(self.roc_auc)),
            (f"balanced accuracy at {self.threshold:.3f}", pct(self.balanced_accuracy)),
            ("summaries", str(self.summaries) if summary else "-"),
            ("summary ROC AUC", pct(self.summary_roc_auc)),
            ("summary balanced accuracy", pct(self.summary_balanced_accuracy)),
            ("claims/s", f"{self.claims_per_s:.1f}"),
        ]
        for name, value in rows:
            table.add_row(name, value)
        return table


def summary_scores(scored: Iterable[Scored]) -> tuple[list[float], list[bool]]:
    """Per summary: min sentence probability, and whether every sentence is supported."""
    grouped: dict[str, tuple[float, bool]] = {}
    for item in scored:
        prob, ok = grouped.get(item.claim.summary, (math.inf, True))
        grouped[item.claim.summary] = (min(prob, item.probability), ok and item.claim.supported)
    return [p for p, _ in grouped.values()], [y for _, y in grouped.values()]


def bench_judge(
    claims: list[Claim],
    judge: Judge,
    *,
    file: str = "",
    dropped: int = 0,
    progress: Callable[[int], None] | None = None,
) -> BenchResult:
    """Judge every claim with an already-built judge and compute the metrics."""
    scored: list[Scored] = []
    started = time.perf_counter()
    many = getattr(judge, "judge_many", None)
    if many is not None:  # LLM judges: DIGEST_LLM_CONCURRENCY questions in flight (issue 14)
        judged = many([(c.sentence, c.sources) for c in claims])
        scored = [Scored(c, j.probability) for c, j in zip(claims, judged, strict=True)]
        if progress is not None:
            progress(len(claims))
    for i, claim in enumerate(claims if many is None else []):
        scored.append(Scored(claim, judge.judge(claim.sentence, claim.sources).probability))
        if progress is not None:
            progress(i + 1)
    seconds = time.perf_counter() - started
    probs = [s.probability for s in scored]
    labels = [s.claim.supported for s in scored]
    s_probs, s_labels = summary_scores(scored)
    multi = any(s.claim.summary != s.claim.id for s in scored)  # rows name their summary
    return BenchResult(
        file=file,
        judge=judge.name,
        threshold=judge.threshold,
        claims=len(scored),
        supported=sum(labels),
        unsupported=len(labels) - sum(labels),
        ambiguous_dropped=dropped,
        roc_auc=roc_auc(probs, labels),
        balanced_accuracy=balanced_accuracy(probs, labels, judge.threshold),
        seconds=seconds,
        summaries=len(s_probs),
        summary_roc_auc=roc_auc(s_probs, s_labels) if multi else None,
        summary_balanced_accuracy=balanced_accuracy(s_probs, s_labels, judge.threshold)
        if multi
        else None,
        scored=scored,
    )


def run_bench(
    path: Path, *, judge: Judge, limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BenchResult:
    """Read ``path`` and measure ``judge`` (built by the caller: :class:`digest.app.Services`);
    ``progress(done, total)`` after each claim (the CLI's progress bar)."""
    claims, dropped = read_claims(Path(path), limit)
    if not claims:
        raise ConfigError(f"{path}: no supported/unsupported rows to bench")
    logger.info(
        "benching %s on %d claims of %s (%d ambiguous dropped)", judge.name, len(claims), path,
        dropped,
    )
    return bench_judge(claims, judge, file=str(path), dropped=dropped,
                       progress=None if progress is None else lambda n: progress(n, len(claims)))
