"""Article -> sentence-aligned chunks with exact character offsets. Pure; no I/O.

Sentences come from :mod:`digest.sentences`; packing them into chunks of at most
``chunk_size`` characters with ``chunk_overlap`` characters of trailing sentences repeated is
LangChain's ``TextSplitter._merge_splits``. Each split is the exact slice of the article from
one sentence start to the next, so every chunk is a contiguous slice and its offsets can be
recovered exactly: ``article.text[chunk.start:chunk.end] == chunk.text`` always holds.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from langchain_text_splitters import TextSplitter

from digest.models import Article, Chunk
from digest.sentences import split_sentences

logger = logging.getLogger(__name__)


class SentenceSplitter(TextSplitter):
    """LangChain splitter whose atoms are sentences (never cut mid-sentence unless too long)."""

    def split_text(self, text: str) -> list[str]:
        return self._merge_splits(_sentence_slices(text, self._chunk_size), separator="")


def _sentence_slices(text: str, max_len: int) -> Iterable[str]:
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
            yield text[piece_start:cut]
            piece_start = cut
        yield text[piece_start:end]


def chunk_article(article: Article, *, chunk_size: int = 800, chunk_overlap: int = 160) -> list[Chunk]:
    """Split an article into chunks; ids are ``article_id:position`` so re-ingest is idempotent."""
    splitter = SentenceSplitter(
        chunk_size=chunk_size, chunk_overlap=chunk_overlap, strip_whitespace=True
    )
    text = article.text
    chunks: list[Chunk] = []
    cursor = 0
    previous_start = -1
    for piece in splitter.split_text(text):
        start = text.find(piece, previous_start + 1 if chunks else cursor)
        if start < 0:  # cannot happen for contiguous slices; fail loudly rather than lie
            raise AssertionError(f"chunk not found in article {article.id}")
        end = start + len(piece)
        chunks.append(
            Chunk(
                id=f"{article.id}:{len(chunks)}",
                article_id=article.id,
                text=piece,
                start=start,
                end=end,
                position=len(chunks),
            )
        )
        previous_start = start
    return chunks


# LangChain warns on every over-long single sentence; we cut those ourselves.
logging.getLogger("langchain_text_splitters.base").setLevel(logging.ERROR)
