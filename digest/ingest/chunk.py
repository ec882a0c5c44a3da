"""Article -> sentence-aligned chunks with exact character offsets. Pure; no I/O.

Sentences come from :mod:`digest.sentences`; packing them into chunks of at most
``chunk_size`` characters with ``chunk_overlap`` characters of trailing sentences repeated is
LangChain's ``TextSplitter._merge_splits``. Each split is the exact slice of the article from
one sentence start to the next, so every chunk is a contiguous slice and its offsets can be
recovered exactly: ``article.text[chunk.start:chunk.end] == chunk.text`` always holds.

Size: no chunk is longer than ``chunk_size`` characters, without exception. A single sentence
longer than that is the one case where a chunk ends mid-sentence: it is cut at the last space
before the limit (or at the limit itself when a run of text has no space at all).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from langchain_text_splitters import TextSplitter

from digest.config import CHUNK_OVERLAP, CHUNK_SIZE
from digest.errors import ConfigError
from digest.models import Article, Chunk
from digest.sentences import split_sentences

logger = logging.getLogger(__name__)


class SentenceSplitter(TextSplitter):
    """LangChain's packing policy (size limit, trailing overlap) applied to sentence slices.

    ``_merge_splits`` only sees strings, so it is handed one opaque token per slice (its index)
    and a length function that returns the slice's real length. The packed tokens come back as
    index runs, and each chunk's offsets are computed from the slices themselves: exact even for
    text that repeats itself, where searching for the chunk text would find the wrong copy.
    """

    def __init__(self, chunk_size: int, chunk_overlap: int) -> None:
        self._lengths: dict[str, int] = {"": 0}
        super().__init__(
            chunk_size=chunk_size,
            chunk_overlap=chunk_overlap,
            length_function=self._token_length,
            strip_whitespace=False,
        )

    def _token_length(self, token: str) -> int:
        return self._lengths[token]

    def pack(self, slices: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Runs of consecutive slices as (start of first, end of last)."""
        tokens = [f"{i}," for i in range(len(slices))]
        self._lengths = {"": 0, **{t: b - a for t, (a, b) in zip(tokens, slices, strict=True)}}
        runs = self._merge_splits(tokens, separator="")
        spans = []
        for run in runs:
            indices = [int(i) for i in run.rstrip(",").split(",")]
            spans.append((slices[indices[0]][0], slices[indices[-1]][1]))
        return spans

    def split_text(self, text: str) -> list[str]:
        slices = list(_sentence_slices(text, self._chunk_size))
        return [text[a:b].strip() for a, b in self.pack(slices)]


def _sentence_slices(text: str, max_len: int) -> Iterator[tuple[int, int]]:
    """Slices from each sentence start to the next one, so they concatenate back to the text.

    A "sentence" longer than ``max_len`` (a table, a run-on without punctuation) is cut at
    whitespace so that no chunk outgrows the embedding model's window.
    """
    spans = split_sentences(text)
    for i, span in enumerate(spans):
        end = spans[i + 1].start if i + 1 < len(spans) else len(text)
        piece_start = span.start
        while end - piece_start > max_len:
            cut = text.rfind(" ", piece_start + 1, piece_start + max_len)
            cut = cut if cut > piece_start else piece_start + max_len
            yield piece_start, cut
            piece_start = cut
        yield piece_start, end


def _effective_overlap(chunk_size: int, chunk_overlap: int) -> int:
    """The overlap actually used: LangChain rejects overlap >= size, so scale it down instead.

    ``--chunk-size 200`` with the default 160-character overlap is a reasonable request; it
    gets the default ratio (one fifth) rather than a traceback.
    """
    if chunk_size <= 0:
        raise ConfigError(f"chunk size must be positive, got {chunk_size}")
    if chunk_overlap < 0:
        raise ConfigError(f"chunk overlap must not be negative, got {chunk_overlap}")
    if chunk_overlap >= chunk_size:
        reduced = chunk_size // 5
        logger.warning(
            "chunk overlap %d >= chunk size %d; using %d", chunk_overlap, chunk_size, reduced
        )
        return reduced
    return chunk_overlap


def chunk_article(
    article: Article, *, chunk_size: int = CHUNK_SIZE, chunk_overlap: int = CHUNK_OVERLAP
) -> list[Chunk]:
    """Split an article into chunks; ids are ``article_id:position`` so re-ingest is idempotent."""
    splitter = SentenceSplitter(chunk_size, _effective_overlap(chunk_size, chunk_overlap))
    text = article.text
    chunks: list[Chunk] = []
    for run_start, run_end in splitter.pack(list(_sentence_slices(text, chunk_size))):
        piece = text[run_start:run_end]
        start = run_start + len(piece) - len(piece.lstrip())
        end = run_end - (len(piece) - len(piece.rstrip()))
        if end <= start:
            continue
        chunks.append(
            Chunk(
                id=f"{article.id}:{len(chunks)}",
                article_id=article.id,
                text=text[start:end],
                start=start,
                end=end,
                position=len(chunks),
            )
        )
    return chunks


# LangChain warns on every over-long single sentence; we cut those ourselves.
logging.getLogger("langchain_text_splitters.base").setLevel(logging.ERROR)
