"""Ingest streams: articles are read, chunked, embedded and written in bounded batches, so
memory does not grow with the number of articles in a run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from ingest_helpers import HashEmbedder

import digest.ingest.pipeline as pipeline
from digest.ingest.pipeline import IngestOptions, ingest
from digest.store import Store, open_client

ARTICLES = 60


class _Recording(HashEmbedder):
    """Notes, at each embedding call, its size and how many files had been read by then."""

    def __init__(self, reads: list[str]) -> None:
        super().__init__()
        self.reads = reads
        self.calls: list[tuple[int, int]] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls.append((len(texts), len(self.reads)))
        return super().embed(texts)


def _corpus(folder: Path) -> Path:
    folder.mkdir()
    for i in range(ARTICLES):  # one short article per file: one chunk each
        (folder / f"{i:03d}.md").write_text(
            f"---\ntitle: Story {i}\nurl: https://example.com/{i}\n---\n"
            f"Officials in city {i} said the bridge number {i} reopened on Monday after "
            f"{i + 3} weeks of repairs.\n", encoding="utf-8")
    return folder


def test_ingest_reads_lazily_and_embeds_in_bounded_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    real_read = pipeline.read_file

    def counting_read(path: Path, *args: object) -> object:
        reads.append(str(path))
        return real_read(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "read_file", counting_read)
    embedder = _Recording(reads)
    store = Store(open_client(path=str(tmp_path / "chroma")), embedder)
    report = ingest([str(_corpus(tmp_path / "corpus"))], store=store, fetcher=None,
                    options=IngestOptions(batch_chunks=8))

    assert report.counts["added"] == ARTICLES and report.chunks_written == ARTICLES
    assert store.count_chunks() == ARTICLES
    sizes = [size for size, _ in embedder.calls]
    assert max(sizes) == 8 and sum(sizes) == ARTICLES  # batches of 8 chunks, nothing twice
    # When the first batch is embedded, the reader is at most one more batch ahead: a
    # pipeline that read every source first would have read all 60 files by then.
    assert embedder.calls[0][1] <= 2 * 8 + 1
    # And it keeps pace: batch n is embedded before the reader gets two batches past it.
    for n, (_, read_by_then) in enumerate(embedder.calls):
        assert read_by_then <= 8 * (n + 2) + 1


def test_a_failed_batch_write_stops_the_run_with_its_error(tmp_path: Path) -> None:
    class Failing(HashEmbedder):
        def embed(self, texts: list[str]) -> np.ndarray:
            raise RuntimeError("model crashed")

    store = Store(open_client(path=str(tmp_path / "chroma")), Failing())
    with pytest.raises(RuntimeError, match="model crashed"):
        ingest([str(_corpus(tmp_path / "corpus"))], store=store, fetcher=None,
               options=IngestOptions(batch_chunks=8))
    assert store.count_chunks() == 0
