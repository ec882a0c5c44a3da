"""The Chroma adapter: the only module that imports chromadb.

Two collections per store: ``<name>_chunks`` (one record per chunk, searched by vector) and
``<name>_articles`` (one record per article: full text, metadata, MinHash signature for
near-duplicate detection, and the mean chunk vector for story clustering).

Consistency without transactions. Each version of an article (its text plus the chunking that
cut it) has a *generation*, part of every chunk id; the article record names the generation
that is live, and a query returns a chunk only when its generation is the one its record names.
An update therefore never touches the live chunks until the record has moved on:

    1. mark the old record ``dirty``          (a crash from here on is swept by the next run)
    2. write the new chunks under new ids     (invisible: the record names the old generation)
    3. upsert the record                      (the flip: the new chunks are live, the old not)
    4. delete the old generation's chunks
    5. clear ``dirty``

A crash between any two writes leaves every article either wholly old or wholly new, never a
mix; :meth:`Store.sweep` (run at the start of each ingest) deletes what a crash left behind.
A new article has no record until step 3, so its chunks are invisible until then.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np

from digest.embed import Embedder
from digest.errors import EmbeddingMismatchError, StoreError
from digest.filters import ArticleFilter, date_where
from digest.models import Chunk, Hit, StoredArticle
from digest.store_chroma import (
    ATTEMPTS,
    PAUSE,
    ArticleWrite,
    busy,
    chroma_errors,
    create_collection,
    open_client,
)
from digest.store_records import article_meta, chunk_from, chunk_meta, stored_article

logger = logging.getLogger(__name__)

__all__ = ["ArticleFilter", "ArticleWrite", "Store", "date_where", "open_client"]
_PAGE = 1000  # Chroma caps get()/upsert batch sizes; page through large stores
# article id -> (published_ts, outlet, chunk count, live generation)
Table = dict[str, tuple[int | None, str | None, int, str]]


def generation(article_id: str, content_hash: str, chunking: str) -> str:
    """The id of one version of an article's chunks (same text and chunking: same id)."""
    return hashlib.sha256(f"{article_id}\n{content_hash}\n{chunking}".encode()).hexdigest()[:12]


def chunk_id(article_id: str, gen: str, position: int) -> str:
    """A stored chunk's id; stores written before generations existed used ``id:position``."""
    return f"{article_id}:{gen}:{position}" if gen else f"{article_id}:{position}"


class Store:
    """Articles and chunks in Chroma, embedded with one recorded model."""

    def __init__(self, client: Any, embedder: Embedder, name: str = "digest") -> None:
        self._client = client
        self.embedder = embedder
        self.name = name
        with chroma_errors():
            self._chunks = self._collection(f"{name}_chunks")
            self._articles = self._collection(f"{name}_articles")
        # The article table answers filtered queries without a metadata scan. It is tagged with
        # the articles collection's ``state`` token, which every writer (in any process sharing
        # the store) changes after it writes, so a stale table is reloaded, never trusted.
        self._table: Table | None = None
        self._table_state: str | None = None

    # -- collections -------------------------------------------------------------------------
    def _collection(self, name: str) -> Any:
        collection = create_collection(self._client, name, self.embedder.name)
        recorded = (collection.metadata or {}).get("embedding_model")
        if recorded and recorded != self.embedder.name:
            raise EmbeddingMismatchError(
                f"collection {name!r} was filled with embedding model {recorded!r} but this "
                f"run uses {self.embedder.name!r}. Query with `--embeddings` matching the store, "
                "or re-index it: `digest reindex` (re-embeds every stored chunk with the new "
                "model)."
            )
        return collection

    def _state(self) -> str:
        metadata = self._client.get_collection(self._articles.name).metadata or {}
        return str(metadata.get("state", ""))

    def _touch(self) -> None:
        """Tell every reader of this store (here or in another process) that articles changed."""
        self._articles.modify(
            metadata={"embedding_model": self.embedder.name, "state": uuid.uuid4().hex}
        )

    def _article_table(self) -> Table:
        state = self._state()
        if self._table is None or state != self._table_state:
            self._table = {
                r["id"]: (
                    r["metadatas"].get("published_ts"),
                    r["metadatas"].get("outlet"),
                    int(r["metadatas"].get("chunks", 0)),
                    str(r["metadatas"].get("generation", "")),
                )
                for r in _paged(self._articles, None, ["metadatas"])
            }
            self._table_state = state
        return self._table

    def sibling(self, name: str, embedder: Embedder) -> Store:
        """Another store on the same client (used to re-index with a new model)."""
        return Store(self._client, embedder, name)

    def drop(self) -> None:
        """Delete this store's collections."""
        with chroma_errors():
            for collection in (self._chunks, self._articles):
                self._client.delete_collection(collection.name)

    def replace(self, old: Store) -> Store:
        """Swap this (complete) store in under ``old``'s name, deleting ``old``'s data."""
        old.drop()
        with chroma_errors():
            self._chunks.modify(name=f"{old.name}_chunks")
            self._articles.modify(name=f"{old.name}_articles")
        return Store(self._client, self.embedder, old.name)

    # -- writes ------------------------------------------------------------------------------
    def write_articles(self, items: Sequence[ArticleWrite]) -> None:
        """Replace several articles' chunks and records in a few batched Chroma calls.

        The write order is the crash protocol of the module docstring. Batching matters for
        speed: one call per article made Chroma writes ~17% of embedding time; batched, ~3%.
        """
        if not items:
            return
        for attempt in range(ATTEMPTS):  # the protocol is idempotent: a retry redoes it whole
            try:
                with chroma_errors():
                    self._write(items)
                return
            except StoreError as exc:
                if attempt + 1 == ATTEMPTS or exc.__cause__ is None or not busy(exc.__cause__):
                    raise
                time.sleep(PAUSE)  # another process holds SQLite's write lock

    def _write(self, items: Sequence[ArticleWrite]) -> None:
        ids = [i.article.id for i in items]
        gens = {
            i.article.id: generation(i.article.id, i.article.content_hash, i.chunking)
            for i in items
        }
        old = self._articles.get(ids=ids, include=["metadatas"])
        moving = [
            a
            for a, m in zip(old["ids"], old["metadatas"], strict=True)
            if m.get("generation", "") != gens[a]
        ]
        if moving:  # 1
            self._articles.update(ids=moving, metadatas=[{"dirty": True} for _ in moving])
        chunk_ids: list[str] = []
        documents: list[str] = []
        metadatas: list[dict[str, Any]] = []
        for item in items:
            gen = gens[item.article.id]
            chunk_ids.extend(chunk_id(item.article.id, gen, c.position) for c in item.chunks)
            documents.extend(c.text for c in item.chunks)
            metadatas.extend(chunk_meta(item, c, gen) for c in item.chunks)
        vectors = np.concatenate([i.vectors for i in items]) if chunk_ids else np.zeros((0, 1))
        for b in range(0, len(chunk_ids), _PAGE):  # 2
            self._chunks.upsert(
                ids=chunk_ids[b : b + _PAGE],
                embeddings=vectors[b : b + _PAGE],
                documents=documents[b : b + _PAGE],
                metadatas=metadatas[b : b + _PAGE],
            )
        stale = self._stale_chunks(gens)
        dirty = {cid.split(":", 1)[0] for cid in stale}
        self._articles.upsert(  # 3
            ids=ids,
            embeddings=np.stack([_centroid(i.vectors) for i in items]),
            documents=[i.article.text for i in items],
            metadatas=[article_meta(i, gens[i.article.id], i.article.id in dirty) for i in items],
        )
        self._touch()
        self._delete_chunks(stale)  # 4
        if dirty:  # 5
            self._articles.update(ids=sorted(dirty), metadatas=[{"dirty": None} for _ in dirty])

    def _stale_chunks(self, live: dict[str, str]) -> list[str]:
        """Chunks of these articles whose generation is not the one named in ``live``."""
        got = self._chunks.get(where={"article_id": {"$in": sorted(live)}}, include=["metadatas"])
        return [
            cid
            for cid, meta in zip(got["ids"], got["metadatas"], strict=True)
            if meta.get("generation", "") != live[meta["article_id"]]
        ]

    def _delete_chunks(self, ids: Sequence[str]) -> None:
        for b in range(0, len(ids), _PAGE):
            self._chunks.delete(ids=list(ids[b : b + _PAGE]))

    def sweep(self) -> int:
        """Delete chunks a crashed update left behind; returns how many. Cheap when clean."""
        with chroma_errors():
            got = self._articles.get(where={"dirty": True}, include=["metadatas"])
            if not got["ids"]:
                return 0
            live = {
                a: str(m.get("generation", ""))
                for a, m in zip(got["ids"], got["metadatas"], strict=True)
            }
            stale = self._stale_chunks(live)
            self._delete_chunks(stale)
            self._articles.update(ids=got["ids"], metadatas=[{"dirty": None} for _ in got["ids"]])
        if stale:
            logger.info("removed %d chunks left by an interrupted update", len(stale))
        return len(stale)

    def delete_article(self, article_id: str) -> bool:
        """Remove an article and all its chunks. Returns whether anything was stored.

        The record goes first: from then on its chunks are invisible, whatever happens next.
        """
        with chroma_errors():
            had = bool(self._articles.get(ids=[article_id], include=[])["ids"])
            self._articles.delete(ids=[article_id])
            self._touch()
            self._chunks.delete(where={"article_id": article_id})
        return had

    def clear_duplicate_links(self, article_id: str) -> None:
        """Articles that pointed at a forgotten article lose that link."""
        with chroma_errors():
            got = self._articles.get(where={"duplicate_of": article_id}, include=[])
            for other_id in got["ids"]:
                # Chroma merges metadata on update: omitting a key keeps it; None deletes it.
                self._articles.update(ids=[other_id], metadatas=[{"duplicate_of": None}])
                chunk_ids = self._chunks.get(where={"article_id": other_id}, include=[])["ids"]
                if chunk_ids:
                    self._chunks.update(
                        ids=chunk_ids, metadatas=[{"duplicate_of": None} for _ in chunk_ids]
                    )
            if got["ids"]:
                self._touch()

    # -- reads -------------------------------------------------------------------------------
    def get_article(self, article_id: str) -> StoredArticle | None:
        with chroma_errors():
            got = self._articles.get(ids=[article_id], include=["metadatas"])
        return stored_article(got["metadatas"][0]) if got["ids"] else None

    def article_text(self, article_id: str) -> str | None:
        with chroma_errors():
            got = self._articles.get(ids=[article_id], include=["documents"])
        return got["documents"][0] if got["ids"] else None

    def find_article(self, key: str) -> StoredArticle | None:
        """By id or by URL."""
        found = self.get_article(key)
        if found:
            return found
        with chroma_errors():
            got = self._articles.get(where={"url": key}, include=["metadatas"], limit=1)
        return stored_article(got["metadatas"][0]) if got["ids"] else None

    def articles(self, where: ArticleFilter | None = None) -> list[StoredArticle]:
        """Stored articles, newest first (undated last), optionally filtered."""
        with chroma_errors():
            found = [
                stored_article(r["metadatas"]) for r in _paged(self._articles, where, ["metadatas"])
            ]
        epoch = datetime.min.replace(tzinfo=UTC)
        return sorted(found, key=lambda a: (a.published or epoch, a.id), reverse=True)

    def signatures(self, ids: Sequence[str] | None = None) -> dict[str, tuple[str, str | None]]:
        """Article id -> (serialized MinHash, duplicate_of), for near-duplicate detection."""
        with chroma_errors():
            if ids is not None:
                got = self._articles.get(ids=list(ids), include=["metadatas"])
                rows = [
                    {"id": i, "metadatas": m}
                    for i, m in zip(got["ids"], got["metadatas"], strict=True)
                ]
            else:
                rows = list(_paged(self._articles, None, ["metadatas"]))
        return {
            r["id"]: (r["metadatas"].get("minhash", ""), r["metadatas"].get("duplicate_of"))
            for r in rows
        }

    def article_vectors(
        self, where: ArticleFilter | None = None
    ) -> tuple[list[StoredArticle], np.ndarray]:
        """Articles with their mean chunk vector (for clustering stories without re-embedding)."""
        with chroma_errors():
            rows = list(_paged(self._articles, where, ["metadatas", "embeddings"]))
        vectors = np.asarray([r["embeddings"] for r in rows], dtype=np.float32)
        return [stored_article(r["metadatas"]) for r in rows], vectors

    def chunks_of(self, article_id: str) -> list[Chunk]:
        """The live chunks of a stored article, in order (none if it has no record)."""
        with chroma_errors():
            record = self._articles.get(ids=[article_id], include=["metadatas"])
            if not record["ids"]:
                return []
            gen = str(record["metadatas"][0].get("generation", ""))
            got = self._chunks.get(
                where={"article_id": article_id}, include=["documents", "metadatas"]
            )
        chunks = [
            chunk_from(cid, doc, meta)
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
            if meta.get("generation", "") == gen
        ]
        return sorted(chunks, key=lambda c: c.position)

    def chunk_vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors by chunk id, so later stages (eval, MMR) never recompute them."""
        if not chunk_ids:
            return {}
        with chroma_errors():
            got = self._chunks.get(ids=list(chunk_ids), include=["embeddings"])
        return {
            cid: np.asarray(v, dtype=np.float32)
            for cid, v in zip(got["ids"], got["embeddings"], strict=True)
        }

    def count_chunks(self) -> int:
        with chroma_errors():
            return int(self._chunks.count())

    def query(self, text: str, k: int = 10, where: ArticleFilter | None = None) -> list[Hit]:
        """Nearest chunks to ``text`` (embedded with the store's model)."""
        return self.query_vector(self.embedder.embed([text])[0], k=k, where=where)

    def query_vector(
        self, vector: np.ndarray, k: int = 10, where: ArticleFilter | None = None
    ) -> list[Hit]:
        """Nearest live chunks; a filter is resolved to chunk ids (see filters.py)."""
        with chroma_errors():
            return self._query(vector, k, where)

    def _query(self, vector: np.ndarray, k: int, where: ArticleFilter | None) -> list[Hit]:
        ids: list[str] | None = None
        if where is not None:
            ids = [
                chunk_id(article_id, gen, i)
                for article_id, (ts, outlet, chunks, gen) in self._article_table().items()
                if where.matches(article_id, ts, outlet)
                for i in range(chunks)
            ]
            if not ids:
                return []
        # Chroma returns fewer hits when k exceeds the collection (and none when it is empty),
        # so no count() round trip is needed (it cost ~8 ms per query at 100,000 chunks).
        got = self._chunks.query(
            query_embeddings=[vector],
            ids=ids,
            n_results=k if ids is None else min(k, len(ids)),
            include=["documents", "metadatas", "distances"],
        )
        rows = list(
            zip(
                got["ids"][0],
                got["documents"][0],
                got["metadatas"][0],
                got["distances"][0],
                strict=True,
            )
        )
        # A chunk is live only if its article's record names its generation: chunks of a write
        # that was interrupted, or of an old version, are not part of the store.
        wanted = sorted({meta["article_id"] for _, _, meta, _ in rows})
        records = self._articles.get(ids=wanted, include=["metadatas"]) if wanted else {"ids": []}
        live = {
            a: str(m.get("generation", ""))
            for a, m in zip(records["ids"], records.get("metadatas") or [], strict=True)
        }
        return [
            Hit(chunk=chunk_from(cid, doc, meta), article=stored_article(meta), distance=dist)
            for cid, doc, meta, dist in rows
            if live.get(meta["article_id"]) == meta.get("generation", "")
        ]


def _centroid(vectors: np.ndarray) -> np.ndarray:
    """The article's vector: the normalised mean of its chunk vectors (for story clustering)."""
    centroid = vectors.mean(axis=0)
    return centroid / max(float(np.linalg.norm(centroid)), 1e-12)


def _paged(
    collection: Any, where: ArticleFilter | None, include: list[str]
) -> Iterable[dict[str, Any]]:
    """Every record of ``collection`` as ``{"id", <include>...}``, a page at a time."""
    offset = 0
    chroma_where = where.where() if where is not None else None
    while True:
        got = collection.get(where=chroma_where, include=include, limit=_PAGE, offset=offset)
        if not got["ids"]:
            return
        for i, record_id in enumerate(got["ids"]):
            yield {"id": record_id, **{key: got[key][i] for key in include}}
        offset += len(got["ids"])
