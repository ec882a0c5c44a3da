"""The Chroma adapter: the only module that imports chromadb.

Two collections per store: ``<name>_chunks`` (one record per chunk, searched by vector) and
``<name>_articles`` (one record per article: full text, metadata, MinHash signature for
near-duplicate detection, and the mean chunk vector for story clustering).

Consistency without transactions: an article's chunks are written *before* its article
record, and every write first deletes the article's old chunks. The article record is the
commit marker: a run killed half-way leaves chunks without a record, which the next run
treats as "not ingested yet" and replaces whole.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from digest.errors import EmbeddingMismatchError, StoreError
from digest.filters import ArticleFilter, Where, as_where, date_where, epoch_seconds
from digest.ingest.embed import Embedder
from digest.models import Article, Chunk, Hit, StoredArticle

logger = logging.getLogger(__name__)

Filter = ArticleFilter | Where | None
__all__ = ["ArticleFilter", "ArticleWrite", "Store", "date_where", "open_client"]
_PAGE = 1000  # Chroma caps get()/upsert batch sizes; page through large stores


def open_client(*, path: str | None = None, url: str | None = None) -> Any:
    """An embedded PersistentClient at ``path`` or an HttpClient for a Chroma server at ``url``."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if url:
            from urllib.parse import urlparse

            parts = urlparse(url)
            return chromadb.HttpClient(
                host=parts.hostname or "localhost",
                port=parts.port or (443 if parts.scheme == "https" else 8000),
                ssl=parts.scheme == "https",
                settings=settings,
            )
        return chromadb.PersistentClient(path=path or "./chroma", settings=settings)
    except Exception as exc:  # chromadb raises bare ValueError/ConnectionError types
        raise StoreError(f"cannot open Chroma at {url or path}: {exc}") from exc


def _clean(meta: dict[str, Any]) -> dict[str, Any]:
    """Chroma metadata may not hold None."""
    return {k: v for k, v in meta.items() if v is not None}


def _article_meta(
    article: Article, chunks: int, duplicate_of: str | None, minhash: str, chunking: str
) -> dict:
    return _clean(
        {
            "article_id": article.id,
            "url": article.url,
            "outlet": article.outlet,
            "title": article.title,
            "author": article.author,
            "published": article.published.isoformat() if article.published else None,
            "published_ts": epoch_seconds(article.published),
            "content_hash": article.content_hash,
            "chunks": chunks,
            "duplicate_of": duplicate_of,
            "minhash": minhash,
            "chunking": chunking,
            "source": article.source,
        }
    )


def _stored_article(meta: dict[str, Any]) -> StoredArticle:
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


@dataclass(frozen=True)
class ArticleWrite:
    """One article to (re)write: its chunks, their vectors and its record's extra fields."""

    article: Article
    chunks: Sequence[Chunk]
    vectors: np.ndarray
    duplicate_of: str | None
    minhash: str
    chunking: str = ""


def _chunk_base(article: Article, duplicate_of: str | None) -> dict[str, Any]:
    """Article metadata copied onto each chunk so queries filter without a join."""
    return {
        "article_id": article.id,
        "outlet": article.outlet,
        "url": article.url,
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "published_ts": epoch_seconds(article.published),
        "duplicate_of": duplicate_of,
        "content_hash": article.content_hash,
    }


def _centroid(vectors: np.ndarray) -> np.ndarray:
    """The article's vector: the normalised mean of its chunk vectors (for story clustering)."""
    centroid = vectors.mean(axis=0)
    return centroid / max(float(np.linalg.norm(centroid)), 1e-12)


class Store:
    """Articles and chunks in Chroma, embedded with one recorded model."""

    def __init__(self, client: Any, embedder: Embedder, name: str = "digest") -> None:
        self._client = client
        self.embedder = embedder
        self.name = name
        self._chunks = self._collection(f"{name}_chunks")
        self._articles = self._collection(f"{name}_articles")
        # article id -> (published_ts, outlet, chunk count), loaded on the first filtered query
        # and kept current by this Store's own writes.
        self._table: dict[str, tuple[int | None, str | None, int]] | None = None

    def _article_table(self) -> dict[str, tuple[int | None, str | None, int]]:
        if self._table is None:
            self._table = {
                r["id"]: (
                    r["metadatas"].get("published_ts"),
                    r["metadatas"].get("outlet"),
                    int(r["metadatas"].get("chunks", 0)),
                )
                for r in self._iter_articles(None, ["metadatas"])
            }
        return self._table

    def _chunk_ids(self, where: ArticleFilter) -> list[str]:
        """Ids of the chunks of the committed articles that ``where`` matches."""
        return [
            f"{article_id}:{i}"
            for article_id, (ts, outlet, chunks) in self._article_table().items()
            if where.matches(article_id, ts, outlet)
            for i in range(chunks)
        ]

    # -- collections -------------------------------------------------------------------------
    def _collection(self, name: str) -> Any:
        existing = {c.name if hasattr(c, "name") else c for c in self._client.list_collections()}
        if name in existing:
            collection = self._client.get_collection(name, embedding_function=None)
            recorded = (collection.metadata or {}).get("embedding_model")
            if recorded and recorded != self.embedder.name:
                raise EmbeddingMismatchError(
                    f"collection {name!r} was filled with embedding model {recorded!r} but this "
                    f"run uses {self.embedder.name!r}. Query with `--embeddings` matching the store, "
                    f"or re-index it: `digest reindex` (re-embeds every stored chunk with the new model)."
                )
            return collection
        return self._client.create_collection(
            name,
            metadata={"embedding_model": self.embedder.name, "hnsw:space": "cosine"},
            embedding_function=None,
        )

    def sibling(self, name: str, embedder: Embedder) -> Store:
        """Another store on the same client (used to re-index with a new model)."""
        return Store(self._client, embedder, name)

    def drop(self) -> None:
        """Delete this store's collections."""
        for collection in (self._chunks, self._articles):
            self._client.delete_collection(collection.name)

    def replace(self, old: Store) -> Store:
        """Swap this (complete) store in under ``old``'s name, deleting ``old``'s data."""
        old.drop()
        self._chunks.modify(name=f"{old.name}_chunks")
        self._articles.modify(name=f"{old.name}_articles")
        return Store(self._client, self.embedder, old.name)

    # -- writes ------------------------------------------------------------------------------
    def write_article(
        self,
        article: Article,
        chunks: Sequence[Chunk],
        vectors: np.ndarray,
        *,
        duplicate_of: str | None,
        minhash: str,
        chunking: str = "",
    ) -> None:
        """Replace one article's chunks and record (see :meth:`write_articles`)."""
        self.write_articles([ArticleWrite(article, chunks, vectors, duplicate_of, minhash, chunking)])

    def write_articles(self, items: Sequence[ArticleWrite]) -> None:
        """Replace several articles' chunks and records in a few batched Chroma calls.

        Order matters for crash safety: old chunks are deleted, new chunks written, and the
        article records (the commit markers) upserted last. Batching matters for speed: one
        call per article made Chroma writes ~17% of embedding time; batched, ~3%.
        """
        if not items:
            return
        self._chunks.delete(where={"article_id": {"$in": [i.article.id for i in items]}})
        ids: list[str] = []
        documents: list[str] = []
        metadatas: list[dict[str, Any]] = []
        for item in items:
            base = _chunk_base(item.article, item.duplicate_of)
            ids.extend(c.id for c in item.chunks)
            documents.extend(c.text for c in item.chunks)
            metadatas.extend(
                _clean({**base, "start": c.start, "end": c.end, "position": c.position})
                for c in item.chunks
            )
        vectors = np.concatenate([i.vectors for i in items]) if ids else np.zeros((0, 1))
        for b in range(0, len(ids), _PAGE):
            self._chunks.upsert(
                ids=ids[b : b + _PAGE],
                embeddings=vectors[b : b + _PAGE],
                documents=documents[b : b + _PAGE],
                metadatas=metadatas[b : b + _PAGE],
            )
        centroids = np.stack([_centroid(i.vectors) for i in items])
        if self._table is not None:
            for i in items:
                self._table[i.article.id] = (
                    epoch_seconds(i.article.published), i.article.outlet, len(i.chunks)
                )
        self._articles.upsert(
            ids=[i.article.id for i in items],
            embeddings=centroids,
            documents=[i.article.text for i in items],
            metadatas=[
                _article_meta(i.article, len(i.chunks), i.duplicate_of, i.minhash, i.chunking)
                for i in items
            ],
        )

    def delete_article(self, article_id: str) -> bool:
        """Remove an article and all its chunks. Returns whether anything was stored."""
        had = bool(self._articles.get(ids=[article_id], include=[])["ids"])
        self._chunks.delete(where={"article_id": article_id})
        self._articles.delete(ids=[article_id])
        if self._table is not None:
            self._table.pop(article_id, None)
        return had

    def clear_duplicate_links(self, article_id: str) -> None:
        """Articles that pointed at a forgotten article lose that link."""
        got = self._articles.get(where={"duplicate_of": article_id}, include=["metadatas"])
        for other_id in got["ids"]:
            # Chroma merges metadata on update: omitting a key keeps it; None deletes it.
            self._articles.update(ids=[other_id], metadatas=[{"duplicate_of": None}])
            chunk_ids = self._chunks.get(where={"article_id": other_id}, include=[])["ids"]
            if chunk_ids:
                self._chunks.update(
                    ids=chunk_ids, metadatas=[{"duplicate_of": None} for _ in chunk_ids]
                )

    # -- reads -------------------------------------------------------------------------------
    def get_article(self, article_id: str) -> StoredArticle | None:
        got = self._articles.get(ids=[article_id], include=["metadatas"])
        return _stored_article(got["metadatas"][0]) if got["ids"] else None

    def article_text(self, article_id: str) -> str | None:
        got = self._articles.get(ids=[article_id], include=["documents"])
        return got["documents"][0] if got["ids"] else None

    def find_article(self, key: str) -> StoredArticle | None:
        """By id or by URL."""
        found = self.get_article(key)
        if found:
            return found
        got = self._articles.get(where={"url": key}, include=["metadatas"], limit=1)
        return _stored_article(got["metadatas"][0]) if got["ids"] else None

    def _iter_articles(self, where: Filter, include: list[str]) -> Iterable[dict[str, Any]]:
        return _paged(self._articles, as_where(where), include)

    def articles(self, where: Filter = None) -> list[StoredArticle]:
        """Stored articles, newest first (undated last), optionally filtered."""
        found = [_stored_article(r["metadatas"]) for r in self._iter_articles(where, ["metadatas"])]
        epoch = datetime.min.replace(tzinfo=UTC)
        return sorted(found, key=lambda a: (a.published or epoch, a.id), reverse=True)

    def signatures(self, ids: Sequence[str] | None = None) -> dict[str, tuple[str, str | None]]:
        """Article id -> (serialized MinHash, duplicate_of), for near-duplicate detection."""
        if ids is not None:
            got = self._articles.get(ids=list(ids), include=["metadatas"])
            rows = [{"id": i, "metadatas": m} for i, m in zip(got["ids"], got["metadatas"], strict=True)]
        else:
            rows = list(self._iter_articles(None, ["metadatas"]))
        return {
            r["id"]: (r["metadatas"].get("minhash", ""), r["metadatas"].get("duplicate_of"))
            for r in rows
        }

    def article_vectors(self, where: Filter = None) -> tuple[list[StoredArticle], np.ndarray]:
        """Articles with their mean chunk vector (for clustering stories without re-embedding)."""
        rows = list(self._iter_articles(where, ["metadatas", "embeddings"]))
        vectors = np.asarray([r["embeddings"] for r in rows], dtype=np.float32)
        return [_stored_article(r["metadatas"]) for r in rows], vectors

    def chunks_of(self, article_id: str) -> list[Chunk]:
        got = self._chunks.get(where={"article_id": article_id}, include=["documents", "metadatas"])
        chunks = [
            _chunk(cid, doc, meta)
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]
        return sorted(chunks, key=lambda c: c.position)

    def chunk_vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors by chunk id, so later stages (eval, MMR) never recompute them."""
        if not chunk_ids:
            return {}
        got = self._chunks.get(ids=list(chunk_ids), include=["embeddings"])
        return {cid: np.asarray(v, dtype=np.float32) for cid, v in zip(got["ids"], got["embeddings"], strict=True)}

    def count_chunks(self) -> int:
        return int(self._chunks.count())

    def query(self, text: str, k: int = 10, where: Filter = None) -> list[Hit]:
        """Nearest chunks to ``text`` (embedded with the store's model)."""
        return self.query_vector(self.embedder.embed([text])[0], k=k, where=where)

    def query_vector(self, vector: np.ndarray, k: int = 10, where: Filter = None) -> list[Hit]:
        """Nearest chunks; an :class:`ArticleFilter` is resolved to chunk ids (see filters.py)."""
        ids: list[str] | None = None
        if isinstance(where, ArticleFilter):
            ids = self._chunk_ids(where)
            if not ids:
                return []
            where = None
        # Chroma returns fewer hits when k exceeds the collection (and none when it is empty),
        # so no count() round trip is needed (it cost ~8 ms per query at 100,000 chunks).
        got = self._chunks.query(
            query_embeddings=[vector],
            ids=ids,
            n_results=k if ids is None else min(k, len(ids)),
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        rows = list(zip(
            got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0], strict=True
        ))
        # Chunks whose article record is missing belong to a write that was interrupted (the
        # record is the commit marker); they are not part of the store until a re-run completes.
        wanted = sorted({meta["article_id"] for _, _, meta, _ in rows})
        committed = set(self._articles.get(ids=wanted, include=[])["ids"]) if wanted else set()
        return [
            Hit(chunk=_chunk(cid, doc, meta), article=_stored_article(meta), distance=dist)
            for cid, doc, meta, dist in rows
            if meta["article_id"] in committed
        ]

    def all_chunks(self) -> Iterable[tuple[Chunk, dict[str, Any]]]:
        """Every chunk with its metadata (for re-indexing)."""
        for row in _paged(self._chunks, None, ["documents", "metadatas"]):
            yield _chunk(row["id"], row["documents"], row["metadatas"]), row["metadatas"]


def _paged(collection: Any, where: Where | None, include: list[str]) -> Iterable[dict[str, Any]]:
    """Every record of ``collection`` as ``{"id", <include>...}``, a page at a time."""
    offset = 0
    while True:
        got = collection.get(where=where, include=include, limit=_PAGE, offset=offset)
        if not got["ids"]:
            return
        for i, record_id in enumerate(got["ids"]):
            yield {"id": record_id, **{key: got[key][i] for key in include}}
        offset += len(got["ids"])


def _chunk(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    return Chunk(
        id=chunk_id,
        article_id=meta["article_id"],
        text=text,
        start=int(meta["start"]),
        end=int(meta["end"]),
        position=int(meta["position"]),
    )
