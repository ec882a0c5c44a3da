"""The ingest pipeline, top to bottom: sources -> articles -> chunks -> vectors -> store.

    expand(sources)            files, folders, URLs          (readers.expand)
    read each source           -> Article | SourceError      (readers.read_file / read_url)
    classify against store     added / updated / unchanged   (by id and content hash)
    link near-duplicates       MinHash LSH                   (dedupe)
    chunk                      sentence-aligned, offsets     (chunk.chunk_article)
    embed in batches           across articles               (store.embedder)
    write                      new chunks, flip the record   (store.write_articles)

A failure in one source is recorded in the report and the run carries on.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from digest.config import CHUNK_OVERLAP, CHUNK_SIZE, NEAR_DUPLICATE_THRESHOLD
from digest.embed import Embedder
from digest.errors import ConfigError, SourceError
from digest.ingest import dedupe
from digest.ingest.chunk import chunk_article
from digest.ingest.fetch import Fetcher, canonical_url
from digest.ingest.readers import Notice, expand, read_file, read_url
from digest.limits import Limits
from digest.models import Article, Chunk
from digest.store import ArticleWrite, Store

logger = logging.getLogger(__name__)

Status = Literal["added", "updated", "unchanged", "failed"]
CHUNKER_VERSION = "sentences-v1"  # bump when chunk boundaries change for the same settings


@dataclass(frozen=True)
class Outcome:
    """What happened to one article (or one source that yielded none)."""

    source: str
    status: Status
    article_id: str | None = None
    title: str | None = None
    duplicate_of: str | None = None
    similarity: float | None = None
    reason: str | None = None


@dataclass
class IngestReport:
    """Per-article outcomes of a run plus the totals the CLI prints."""

    outcomes: list[Outcome] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    chunks_written: int = 0
    dry_run: bool = False

    @property
    def counts(self) -> Counter[str]:
        counts: Counter[str] = Counter(o.status for o in self.outcomes)
        counts["duplicates"] = sum(
            1 for o in self.outcomes if o.duplicate_of and o.status in ("added", "updated")
        )
        return counts

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def ingested_any(self) -> bool:
        return any(o.status != "failed" for o in self.outcomes)


@dataclass
class _Pending:
    article: Article
    chunks: list[Chunk]
    outcome: Outcome
    minhash: str


@dataclass
class IngestOptions:
    chunk_size: int = CHUNK_SIZE
    chunk_overlap: int = CHUNK_OVERLAP
    near_duplicate_threshold: float = NEAR_DUPLICATE_THRESHOLD
    batch_chunks: int = 64  # embed this many chunks at once, across articles
    limits: Limits | None = None  # None: the fetcher's (built from Settings), else defaults


def chunking_key(options: IngestOptions) -> str:
    """What produced an article's chunks; a change re-chunks articles whose text did not change."""
    return f"{CHUNKER_VERSION}:{options.chunk_size}:{options.chunk_overlap}"


def _read(
    item: str | Path, fetcher: Fetcher | None, limits: Limits
) -> Iterable[Article | SourceError | Notice]:
    if isinstance(item, Path):
        return read_file(item, fetcher, limits)
    if fetcher is None:
        return [SourceError(item, "network fetching is disabled")]
    return read_url(item, fetcher)


def ingest(
    sources: Iterable[str],
    *,
    store: Store,
    fetcher: Fetcher | None,
    options: IngestOptions | None = None,
    dry_run: bool = False,
    on_source: Callable[[str], None] | None = None,
) -> IngestReport:
    """Ingest ``sources`` into ``store``; idempotent, and safe to re-run after a crash."""
    options = options or IngestOptions()
    report = IngestReport(dry_run=dry_run)
    if not dry_run:
        store.sweep()  # chunks an earlier, crashed update left behind
    index = dedupe.DuplicateIndex(options.near_duplicate_threshold)
    for article_id, (encoded, duplicate_of) in store.signatures().items():
        mh = dedupe.decode(encoded)
        if mh is not None:
            index.add(article_id, mh, duplicate_of)
    limits = options.limits or (fetcher.limits if fetcher is not None else Limits())
    seen: set[str] = set()
    pending: list[_Pending] = []
    chunking = chunking_key(options)

    # Embedding and writing a batch run on one worker thread while this thread reads, splits
    # and chunks the next batch: onnxruntime and Chroma release the GIL, so the pure-Python
    # stages use the core the model leaves idle between its kernels. At most one batch is in
    # flight, and batches are written in order, so crash safety and memory are unchanged.
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="digest-embed")
    in_flight: Future[int] | None = None

    def embed_and_write(batch: list[_Pending]) -> int:
        vectors = store.embedder.embed([c.text for p in batch for c in p.chunks])
        writes, offset = [], 0
        for p in batch:
            n = len(p.chunks)
            writes.append(ArticleWrite(
                p.article, p.chunks, vectors[offset : offset + n],
                duplicate_of=p.outcome.duplicate_of, minhash=p.minhash, chunking=chunking,
            ))
            offset += n
        store.write_articles(writes)
        return offset

    def flush(*, wait: bool = False) -> None:
        nonlocal in_flight
        if in_flight is not None:
            report.chunks_written += in_flight.result()  # re-raises the worker's error here
            in_flight = None
        if pending:
            in_flight = worker.submit(embed_and_write, list(pending))
            pending.clear()
        if wait and in_flight is not None:
            report.chunks_written += in_flight.result()
            in_flight = None

    try:
        for item in expand(sources):
            if isinstance(item, SourceError):
                report.outcomes.append(Outcome(item.source, "failed", reason=item.reason))
                continue
            label = str(item)
            if on_source:
                on_source(label)
            for result in _read(item, fetcher, limits):
                if isinstance(result, Notice):
                    logger.info("warning %s: %s", result.source, result.message)
                    report.warnings.append(result)
                    continue
                if isinstance(result, SourceError):
                    logger.info("skipped %s: %s", result.source, result.reason)
                    report.outcomes.append(Outcome(result.source, "failed", reason=result.reason))
                    continue
                article = result
                if article.id in seen:
                    report.outcomes.append(
                        Outcome(article.source, "unchanged", article.id, article.title,
                                reason="same article seen earlier in this run")
                    )
                    continue
                seen.add(article.id)
                stored = store.get_article(article.id)
                if stored is not None and stored.content_hash == article.content_hash:
                    if stored.chunking == chunking:
                        report.outcomes.append(
                            Outcome(article.source, "unchanged", article.id, article.title,
                                    duplicate_of=stored.duplicate_of)
                        )
                        continue
                status: Status = "updated" if stored is not None else "added"
                mh = dedupe.signature(article.text)
                match = index.find(article.id, mh)
                duplicate_of, similarity = match if match else (None, None)
                index.add(article.id, mh, duplicate_of)
                outcome = Outcome(
                    article.source, status, article.id, article.title,
                    duplicate_of=duplicate_of, similarity=similarity,
                    reason=(
                        f"re-chunked ({stored.chunking or 'unknown'} -> {chunking})"
                        if stored is not None and stored.content_hash == article.content_hash
                        else None
                    ),
                )
                report.outcomes.append(outcome)
                if dry_run:
                    continue
                try:
                    chunks = chunk_article(
                        article, chunk_size=options.chunk_size, chunk_overlap=options.chunk_overlap
                    )
                except ConfigError:
                    raise
                except Exception as exc:  # noqa: BLE001 -- isolation: this article fails alone
                    report.outcomes[-1] = Outcome(
                        article.source, "failed", article.id, article.title,
                        reason=f"could not be chunked ({type(exc).__name__}: {exc})"[:300],
                    )
                    continue
                pending.append(_Pending(article, chunks, outcome, dedupe.encode(mh)))
                if sum(len(p.chunks) for p in pending) >= options.batch_chunks:
                    flush()
        flush(wait=True)
    finally:
        worker.shutdown(wait=True)
    return report


def forget(store: Store, key: str) -> str | None:
    """Remove an article (by id or URL) and its chunks; returns the removed id."""
    article = store.find_article(key)
    if article is None and key.startswith(("http://", "https://")):
        article = store.find_article(canonical_url(key))  # stored URLs are canonical
    if article is None:
        return None
    store.delete_article(article.id)
    store.clear_duplicate_links(article.id)
    return article.id


def reindex(store: Store, embedder: Embedder) -> Store:
    """Re-embed every stored chunk with ``embedder``; returns the store bound to the new model.

    Builds the new collections beside the old ones and swaps them in only when complete, so an
    interrupted re-index leaves the old store usable.
    """
    staging = store.sibling(f"{store.name}__reindex", embedder)
    staging.drop()
    staging = store.sibling(f"{store.name}__reindex", embedder)
    for article in store.articles():
        chunks = store.chunks_of(article.id)
        if not chunks:
            continue
        restored = Article(
            id=article.id, url=article.url, outlet=article.outlet, title=article.title,
            author=article.author, published=article.published,
            text=store.article_text(article.id) or "", content_hash=article.content_hash,
            source=article.source,
        )
        encoded, _ = store.signatures([article.id])[article.id]
        staging.write_articles([ArticleWrite(
            restored, chunks, embedder.embed([c.text for c in chunks]),
            duplicate_of=article.duplicate_of, minhash=encoded, chunking=article.chunking or "",
        )])
    return staging.replace(store)
