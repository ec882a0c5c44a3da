"""What the store keeps in Chroma metadata, and how it is read back into our models.

Chroma ``upsert`` *merges* metadata into an existing record, so every optional key is written
explicitly, ``None`` included (``None`` deletes the key): an updated article that lost its
author or its duplicate link must not keep the old one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from digest.filters import epoch_seconds
from digest.models import Article, Chunk, StoredArticle


@dataclass(frozen=True)
class ArticleWrite:
    """One article to (re)write: its chunks, their vectors and its record's extra fields."""

    article: Article
    chunks: list[Chunk] | tuple[Chunk, ...]
    vectors: np.ndarray
    duplicate_of: str | None
    minhash: str
    chunking: str = ""


def _shared(item: ArticleWrite) -> dict[str, Any]:
    """Article metadata copied onto each chunk so queries filter without a join."""
    article = item.article
    return {
        "article_id": article.id,
        "outlet": article.outlet,
        "url": article.url,
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "published_ts": epoch_seconds(article.published),
        "duplicate_of": item.duplicate_of,
        "content_hash": article.content_hash,
    }


def article_meta(item: ArticleWrite, generation: str, dirty: bool) -> dict[str, Any]:
    """The article record: the commit marker naming the live ``generation`` of its chunks."""
    return {
        **_shared(item),
        "author": item.article.author,
        "chunks": len(item.chunks),
        "minhash": item.minhash,
        "chunking": item.chunking,
        "source": item.article.source,
        "generation": generation,
        "dirty": True if dirty else None,
    }


def chunk_meta(item: ArticleWrite, chunk: Chunk, generation: str) -> dict[str, Any]:
    """A new chunk's metadata (new ids only, so absent keys can simply be left out)."""
    meta = {
        **_shared(item),
        "start": chunk.start,
        "end": chunk.end,
        "position": chunk.position,
        "generation": generation,
    }
    return {k: v for k, v in meta.items() if v is not None}


def stored_article(meta: dict[str, Any]) -> StoredArticle:
    published = meta.get("published")
    return StoredArticle(
        id=meta["article_id"],
        url=meta.get("url"),
        outlet=meta.get("outlet"),
        title=meta.get("title"),
        author=meta.get("author"),
        published=datetime.fromisoformat(published) if published else None,
        content_hash=meta.get("content_hash", ""),
        chunks=int(meta.get("chunks", 0)),  # 0 on chunk hits: chunk metadata has no count
        duplicate_of=meta.get("duplicate_of") or None,
        chunking=meta.get("chunking"),
        source=meta.get("source", ""),
    )


def chunk_from(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    return Chunk(
        id=chunk_id,
        article_id=meta["article_id"],
        text=text,
        start=int(meta["start"]),
        end=int(meta["end"]),
        position=int(meta["position"]),
    )
