"""``digest brief`` as one library call: retrieve -> write -> number citations -> Briefing.

The writer arrives built (:func:`digest.app.build_writer`); every writer returns the same
:class:`WriterResult` (drafts citing passage ids), so numbering, the Sources list and the
"dropped" record are one code path for ``brief`` and ``daily``.
Nothing is written here; rendering and files are :mod:`digest.render`'s job.

Failure is explicit: no passage for the topic/window raises :class:`NothingToBriefError`, a
writer that ships no cited sentence raises :class:`CitationError`. Either way there is no
digest, never an invented one.
"""

from __future__ import annotations

import logging
from datetime import datetime

from digest.briefing import Briefing, describe_window
from digest.errors import CitationError, NothingToBriefError
from digest.store import Store
from digest.write.cite import number_citations
from digest.write.retrieve import StoreRetriever
from digest.write.verify import VerifyOptions, require_supported, verify_result
from digest.write.writer import Writer

logger = logging.getLogger(__name__)

def build_briefing(
    store: Store,
    *,
    topic: str | None,
    since: datetime | None = None,
    until: datetime | None = None,
    outlet: str | None = None,
    k: int = 12,
    writer: Writer,
    now: datetime,
    per_outlet: int | None = None,
    verify: VerifyOptions | None = None,
) -> Briefing:
    """A finished briefing for ``topic`` (None: the window's most covered stories).

    With ``verify`` every sentence is checked against its cited passages before numbering
    (:mod:`digest.write.verify`): repaired, cut or flagged; below ``verify.min_supported``
    :class:`~digest.write.verify.UnderSupportedError` is raised and nothing is written.
    """
    topic = topic.strip() if topic and topic.strip() else None
    retriever = StoreRetriever(
        store=store, k=k, since=since, until=until, outlet=outlet, per_outlet=per_outlet
    )
    passages = retriever.retrieve(topic)
    if not passages:
        what = f"the topic {topic!r}" if topic else "any story"
        where = f" from {outlet}" if outlet else ""
        raise NothingToBriefError(
            f"no stored passage matches {what}{where} ({describe_window(since, until)}); "
            "nothing to brief, so no digest was written. Widen --since/--from/--to, drop "
            "--outlet, or ingest more articles."
        )
    logger.info("%d passages from %d articles", len(passages),
                len({p.article.id for p in passages}))
    result = writer.write(passages, topic)
    result, verification = verify_result(result, passages, verify, writer, topic)
    sentences, sources, dropped = number_citations(result.drafts, passages)
    dropped = [*result.dropped, *dropped]
    if verification is not None and verify is not None:
        require_supported(verification, verify.min_supported)
    if not sentences:
        stage = "verification" if verification is not None and verification.cut else \
            "citation checks"
        raise CitationError(
            f"the {writer.name} writer produced no sentence that survived {stage} "
            f"({len(dropped)} dropped); no digest was written"
        )
    if dropped and not any(s.section == "summary" for s in sentences):
        logger.warning("no headline summary survived citation checks")
    return Briefing(
        title=topic or "Most covered stories",
        topic=topic,
        window_start=since,
        window_end=until,
        generated_at=now,
        writer=writer.name,
        model=result.model or writer.model,
        prompts=writer.prompts,
        sentences=sentences,
        sources=sources,
        passages=passages,
        dropped=dropped,
        usage=result.usage,
        verification=verification,
    )
