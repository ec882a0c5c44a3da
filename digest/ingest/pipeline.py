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
from collections.abc import Callable, Iterable, Iterator
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


def _articles(
    sources: Iterable[str], fetcher: Fetcher | None, limits: Limits, report: IngestReport,
    on_source: Callable[[str], None] | None,
) -> Iterator[Article]:
    """Read step: every article of every source, one at a time; failures go to ``report``."""
    for item in expand(sources):
        if isinstance(item, SourceError):
            report.outcomes.append(Outcome(item.source, "failed", reason=item.reason))
            continue
        if on_source:
            on_source(str(item))
        for result in _read(item, fetcher, limits):
            if isinstance(result, Notice):
                logger.info("warning %s: %s", result.source, result.message)
                report.warnings.append(result)
            elif isinstance(result, SourceError):
                logger.info("skipped %s: %s", result.source, result.reason)
                report.outcomes.append(Outcome(result.source, "failed", reason=result.reason))
            else:
                yield result


class _Classifier:
    """Classify step: added / updated / unchanged against the store, near-duplicate links.

    Holds what must outlive one article: the ids seen in this run and the MinHash index of the
    store (one signature per stored article, not its text).
    """

    def __init__(self, store: Store, options: IngestOptions) -> None:
        self._store = store
        self._chunking = chunking_key(options)
        self._index = dedupe.DuplicateIndex(options.near_duplicate_threshold)
        for article_id, (encoded, duplicate_of) in store.signatures().items():
            mh = dedupe.decode(encoded)
            if mh is not None:
                self._index.add(article_id, mh, duplicate_of)
        self._seen: set[str] = set()

    def classify(self, article: Article) -> tuple[Outcome, str | None]:
        """The article's outcome and, when it must be written, its encoded MinHash."""
        if article.id in self._seen:
            return Outcome(article.source, "unchanged", article.id, article.title,
                           reason="same article seen earlier in this run"), None
        self._seen.add(article.id)
        stored = self._store.get_article(article.id)
        same_text = stored is not None and stored.content_hash == article.content_hash
        if same_text and stored is not None and stored.chunking == self._chunking:
            return Outcome(article.source, "unchanged", article.id, article.title,
                           duplicate_of=stored.duplicate_of), None
        mh = dedupe.signature(article.text)
        match = self._index.find(article.id, mh)
        duplicate_of, similarity = match if match else (None, None)
        self._index.add(article.id, mh, duplicate_of)
        reason = None
        if same_text and stored is not None:
            reason = f"re-chunked ({stored.chunking or 'unknown'} -> {self._chunking})"
        status: Status = "updated" if stored is not None else "added"
        return Outcome(article.source, status, article.id, article.title, duplicate_of=duplicate_of,
                       similarity=similarity, reason=reason), dedupe.encode(mh)


def _pending(
    articles: Iterable[Article], classifier: _Classifier, options: IngestOptions,
    report: IngestReport, *, dry_run: bool,
) -> Iterator[_Pending]:
    """Classify and chunk each article; yields those that must be written."""
    for article in articles:
        outcome, minhash = classifier.classify(article)
        report.outcomes.append(outcome)
        if minhash is None or dry_run:
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
        yield _Pending(article, chunks, outcome, minhash)


def _batches(items: Iterable[_Pending], max_chunks: int) -> Iterator[list[_Pending]]:
    """Batch step: consecutive articles holding at least ``max_chunks`` chunks (the last
    batch may hold fewer), so memory is bounded by the batch, not by the run."""
    batch: list[_Pending] = []
    size = 0
    for item in items:
        batch.append(item)
        size += len(item.chunks)
        if size >= max_chunks:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


class _Writer:
    """Embed-and-write step, one batch in flight on a worker thread.

    Embedding and writing a batch run on one worker thread while the caller reads, splits and
    chunks the next batch: onnxruntime and Chroma release the GIL, so the pure-Python stages
    use the core the model leaves idle between its kernels. At most one batch is in flight
    (so at most two exist: that one and the one being filled), and batches are written in
    order, so crash safety is unchanged.
    """

    def __init__(self, store: Store, chunking: str) -> None:
        self._store = store
        self._chunking = chunking
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="digest-embed")
        self._in_flight: Future[int] | None = None
        self.chunks_written = 0

    def _embed_and_write(self, batch: list[_Pending]) -> int:
        vectors = self._store.embedder.embed([c.text for p in batch for c in p.chunks])
        writes, offset = [], 0
        for p in batch:
            n = len(p.chunks)
            writes.append(ArticleWrite(
                p.article, p.chunks, vectors[offset : offset + n],
                duplicate_of=p.outcome.duplicate_of, minhash=p.minhash, chunking=self._chunking,
            ))
            offset += n
        self._store.write_articles(writes)
        return offset

    def _wait(self) -> None:
        if self._in_flight is not None:
            future, self._in_flight = self._in_flight, None
            self.chunks_written += future.result()  # re-raises the worker's error here

    def submit(self, batch: list[_Pending]) -> None:
        self._wait()
        self._in_flight = self._worker.submit(self._embed_and_write, batch)

    def finish(self) -> None:
        """Wait for the last batch (raising its error, if any)."""
        self._wait()

    def close(self) -> None:
        """Stop the worker thread; after an error, the batch in flight is not reported."""
        self._worker.shutdown(wait=True)


def ingest(
    sources: Iterable[str],
    *,
    store: Store,
    fetcher: Fetcher | None,
    options: IngestOptions | None = None,
    dry_run: bool = False,
    on_source: Callable[[str], None] | None = None,
) -> IngestReport:
    """Ingest ``sources`` into ``store``; idempotent, and safe to re-run after a crash.

    Streams: read -> classify + chunk -> batches of ``options.batch_chunks`` chunks -> embed
    and write, so at most two batches of text, chunks and vectors exist at any time whatever
    the number of articles (the report keeps one small outcome per article).
    """
    options = options or IngestOptions()
    report = IngestReport(dry_run=dry_run)
    if not dry_run:
        store.sweep()  # chunks an earlier, crashed update left behind
    limits = options.limits or (fetcher.limits if fetcher is not None else Limits())
    classifier = _Classifier(store, options)
    pending = _pending(_articles(sources, fetcher, limits, report, on_source), classifier,
                       options, report, dry_run=dry_run)
    writer = _Writer(store, chunking_key(options))
    try:
        for batch in _batches(pending, options.batch_chunks):
            writer.submit(batch)
        writer.finish()
    finally:
        writer.close()
    report.chunks_written = writer.chunks_written
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
