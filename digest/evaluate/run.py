"""``evaluate_digest``: the one library call behind ``digest eval DIGEST``.

Parsing, source resolution and checking are separate modules so each can be tested alone;
this module only wires them in order and totals the metrics.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from digest.briefing import Briefing
from digest.evaluate.check import SentenceChecker
from digest.evaluate.metrics import METRICS
from digest.evaluate.models import CLAIM_KINDS, EvalReport, ParsedDigest
from digest.evaluate.parse import parse_briefing, parse_digest
from digest.evaluate.sources import ResolvedSources, resolve_sources
from digest.judges.base import Judge
from digest.store import Store

logger = logging.getLogger(__name__)


def check_digest(digest: ParsedDigest, sources: ResolvedSources, judge: Judge | None) -> EvalReport:
    """Check every claim sentence of a parsed digest against resolved sources."""
    checker = SentenceChecker(judge=judge, sources=sources, valid=digest.source_numbers)
    claims = [s for s in digest.sentences if s.kind in CLAIM_KINDS]
    # Sentences are independent: an LLM judge checks them `concurrency` at a time (issue 8).
    workers = min(int(getattr(judge, "concurrency", 1) or 1), len(claims))
    if workers > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(checker.check, claims))
    else:
        results = [checker.check(s) for s in claims]
    logger.info("checked %d sentences with %d judge calls", len(results), checker.calls)
    metrics = {metric.name: metric().score(results) for metric in METRICS}
    return EvalReport(
        digest=digest.path,
        judge=getattr(judge, "name", None) if checker.calls else None,
        threshold=judge.threshold if judge is not None and checker.calls else None,
        sidecar=digest.sidecar,
        sentences=results,
        sources=sources.info,
        metrics=metrics,
    )


def evaluate_briefing(
    briefing: Briefing,
    *,
    judge: Judge | None,
    sources: Path | None = None,
    store: Store | None = None,
) -> EvalReport:
    """Check a :class:`Briefing` before (or instead of) reading it back from disk."""
    digest = parse_briefing(briefing, path=briefing.title)
    return check_digest(digest, resolve_sources(digest, sources=sources, store=store), judge)


def evaluate_digest(
    path: Path,
    *,
    judge: Judge | None = None,
    make_judge: Callable[[], Judge] | None = None,
    sources: Path | None = None,
    store: Store | None = None,
) -> EvalReport:
    """Parse ``path``, resolve its sources (folder/map, store, sidecar) and check it.

    ``make_judge`` builds the judge only when some cited source can actually be read, so
    checking a digest whose sources are all unavailable never loads a model.
    """
    digest = parse_digest(path)
    resolved = resolve_sources(digest, sources=sources, store=store)
    if judge is None and make_judge is not None and resolved.texts:
        judge = make_judge()
    return check_digest(digest, resolved, judge)
