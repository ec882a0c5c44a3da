"""The cross-stage data model: one place for an article and a chunk.

Stages exchange these objects, never raw dicts or LangChain ``Document`` s, so a newcomer can
read a stage's signature and know what flows through it. No I/O happens here.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator


def content_hash(text: str) -> str:
    """sha256 of the article text, the basis of idempotent re-ingestion."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_id_for(url: str | None, text: str) -> str:
    """Stable article key: canonical URL when there is one, else the content hash.

    Keying by URL means an edited story (same URL, new text) *replaces* its old version instead
    of piling up beside it; keying by hash makes URL-less files idempotent too.
    """
    basis = f"url:{url}" if url else f"sha256:{content_hash(text)}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


class ArticleMeta(BaseModel):
    """What we know about an article besides its text; shared by Article and StoredArticle."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    content_hash: str
    source: str = Field(default="", description="where it was read from (path or URL)")

    @field_validator("published")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        # Naive datetimes cannot be compared across outlets in different zones; assume UTC.
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Article(ArticleMeta):
    """A news article as ingested: metadata plus the exact text that chunks point into."""

    text: str

    @classmethod
    def build(
        cls,
        *,
        text: str,
        url: str | None = None,
        outlet: str | None = None,
        title: str | None = None,
        author: str | None = None,
        published: datetime | None = None,
        source: str = "",
    ) -> Article:
        """Create an article, deriving its id and content hash so no caller computes them."""
        return cls(
            id=article_id_for(url, text),
            url=url,
            outlet=outlet,
            title=title,
            author=author,
            published=published,
            text=text,
            content_hash=content_hash(text),
            source=source,
        )


class Chunk(BaseModel):
    """A sentence-aligned passage of an article.

    Invariant: ``article.text[start:end] == text``. Citations and eval evidence point at these
    offsets, so they must be exact, not approximate.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    article_id: str
    text: str
    start: int
    end: int
    position: int


class StoredArticle(ArticleMeta):
    """An article's record in the store: metadata plus duplicate link, without re-reading text."""

    chunks: int = 0
    duplicate_of: str | None = None
    chunking: str | None = Field(default=None, description="chunker version and sizes used")


class Hit(BaseModel):
    """A chunk returned by a store query, with its article's metadata and its distance."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    chunk: Chunk
    article: StoredArticle
    distance: float
