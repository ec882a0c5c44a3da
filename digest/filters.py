"""Article-level filters (date window, outlet, article ids): the only filter the Store API takes.

Why a class and not a raw Chroma ``where`` dict: callers stay independent of Chroma's query
language, and Chroma's local metadata filtering scans
every chunk's metadata (p95 ~500 ms at 100,000 chunks, evals/README.md). Every filter we use is
about *articles*, which are ~6x fewer than chunks, so the store resolves the filter against its
article table in memory, expands the matching articles to chunk ids and asks Chroma for the
nearest among those ids (p95 ~40 ms). The same filter still renders as a Chroma ``where`` for
calls that list articles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

Where = dict[str, Any]  # Chroma's form, rendered inside the store only


def epoch_seconds(value: datetime | None) -> int | None:
    """Unix seconds, the form Chroma metadata can compare in range filters."""
    return int(value.timestamp()) if value else None


@dataclass(frozen=True)
class ArticleFilter:
    """Published in ``[since_ts, until_ts)``, from ``outlet``, among ``article_ids``."""

    since_ts: int | None = None
    until_ts: int | None = None
    outlet: str | None = None
    article_ids: frozenset[str] | None = None

    def where(self) -> Where | None:
        """The same filter as a Chroma ``where`` over article or chunk metadata."""
        clauses: list[Where] = []
        if self.since_ts is not None:
            clauses.append({"published_ts": {"$gte": self.since_ts}})
        if self.until_ts is not None:
            clauses.append({"published_ts": {"$lt": self.until_ts}})
        if self.outlet:
            clauses.append({"outlet": self.outlet})
        if self.article_ids is not None:
            clauses.append({"article_id": {"$in": sorted(self.article_ids)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def matches(self, article_id: str, published_ts: int | None, outlet: str | None) -> bool:
        """Python twin of :meth:`where` (an undated article never matches a date bound)."""
        if self.article_ids is not None and article_id not in self.article_ids:
            return False
        if self.outlet and outlet != self.outlet:
            return False
        if self.since_ts is not None and (published_ts is None or published_ts < self.since_ts):
            return False
        return not (
            self.until_ts is not None and (published_ts is None or published_ts >= self.until_ts)
        )


def date_where(
    since: datetime | None = None,
    until: datetime | None = None,
    outlet: str | None = None,
    article_ids: Sequence[str] | None = None,
) -> ArticleFilter | None:
    """A filter for a published-date window, an outlet and/or articles (None: no filter)."""
    if since is None and until is None and not outlet and article_ids is None:
        return None
    return ArticleFilter(
        since_ts=epoch_seconds(since),
        until_ts=epoch_seconds(until),
        outlet=outlet or None,
        article_ids=frozenset(article_ids) if article_ids is not None else None,
    )

