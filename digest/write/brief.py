"""``digest brief`` as one library call: retrieve -> the sections pipeline -> Briefing.

The writer arrives built (:func:`digest.app.build_writer`). A topic brief is one section; a
brief without a topic is one section per most covered story, like a daily digest. Both go
through :func:`digest.write.sections.write_parts` (write, settle contested facts, stand alone,
verify, number), the same code as ``daily``. Nothing is written here; rendering and files are
:mod:`digest.render`'s job.

Failure is explicit: no passage for the topic/window raises :class:`NothingToBriefError`, a
writer that ships no cited sentence raises :class:`CitationError`. Either way there is no
digest, never an invented one.
"""

from __future__ import annotations

import logging
from datetime import datetime

from digest.briefing import Briefing, describe_window
from digest.errors import NothingToBriefError
from digest.store import Store
from digest.write.retrieve import StoreRetriever
from digest.write.sections import Part, require_sentences, story_parts, write_parts
from digest.write.verify import VerifyOptions
from digest.write.writer import Writer

logger = logging.getLogger(__name__)

MOST_COVERED = "Most covered stories"


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
    :class:`~digest.errors.UnderSupportedError` is raised and nothing is written.
    """
    topic = topic.strip() if topic and topic.strip() else None
    retriever = StoreRetriever(
        store=store, k=k, since=since, until=until, outlet=outlet, per_outlet=per_outlet
    )
    if topic:
        passages = retriever.retrieve(topic)
        parts = [Part(None, passages)]
    else:
        stories, passages = retriever.top_stories()
        parts = [p for p in story_parts(stories, passages) if p.passages]
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
    empty = Briefing(
        title=topic or MOST_COVERED, topic=topic, window_start=since, window_end=until,
        generated_at=now, writer=writer.name, model=writer.model, prompts=writer.prompts,
        sentences=[], sources=[],
    )
    briefing = write_parts(writer, parts, empty, topic=topic, store=store, verify=verify)
    briefing = require_sentences(briefing, writer)
    if briefing.dropped and not any(s.section == "summary" for s in briefing.sentences):
        logger.warning("no headline summary survived citation checks")
    return briefing
