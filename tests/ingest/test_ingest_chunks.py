"""Chunking: exact offsets for every chunk of every fixture, size limits, stable ids."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest.errors import ConfigError
from digest.ingest.chunk import chunk_article
from digest.ingest.readers import read_file
from digest.models import Article

REPO = Path(__file__).resolve().parents[2]
FILES = sorted(
    [*(REPO / "seeds" / "corpus").iterdir(), *(REPO / "seeds" / "digests").iterdir(),
     *(REPO / "tests" / "fixtures" / "ingest").iterdir()]
)
SIZES = [120, 300, 800, 2000]


def _articles(path: Path) -> list[Article]:
    return [r for r in read_file(path, None) if isinstance(r, Article)]


def _check(article: Article, size: int, overlap: int) -> None:
    chunks = chunk_article(article, chunk_size=size, chunk_overlap=overlap)
    assert chunks, "an article with text yields at least one chunk"
    text = article.text
    for i, chunk in enumerate(chunks):
        assert text[chunk.start : chunk.end] == chunk.text
        assert chunk.position == i and chunk.id == f"{article.id}:{i}"
        assert chunk.article_id == article.id
        assert len(chunk.text) <= size
        assert chunk.text == chunk.text.strip() and chunk.text
    starts = [c.start for c in chunks]
    assert starts == sorted(set(starts)), "chunks advance through the article"
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    missing = [i for i, ch in enumerate(text) if not ch.isspace() and i not in covered]
    assert not missing, f"characters not in any chunk: {missing[:5]}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_chunk_of_every_file_is_an_exact_slice(path: Path) -> None:
    articles = _articles(path)
    if path.parent.name != "ingest":  # the bad-input fixtures legitimately yield nothing
        assert articles, f"{path} should read"
    for article in articles:
        for size in SIZES:
            _check(article, size, size // 5)


def test_corpus_default_chunking_is_sentence_aligned_and_stable() -> None:
    article = _articles(REPO / "seeds" / "corpus" / "09-putin-flies-into-beijing.md")[0]
    first = chunk_article(article)
    assert first == chunk_article(article), "same input, same chunks and ids"
    for chunk in first:
        # sentence-aligned: a chunk starts where a sentence starts, never mid-word
        assert chunk.start == 0 or article.text[chunk.start - 1].isspace()
        assert chunk.text[-1] in '.!?"\u201d\u2019' or chunk.end == len(article.text)


def test_overlap_repeats_trailing_sentences() -> None:
    text = " ".join(f"Sentence number {i} reports a fact." for i in range(30))
    chunks = chunk_article(Article.build(text=text), chunk_size=200, chunk_overlap=80)
    assert len(chunks) > 2
    for prev, nxt in zip(chunks, chunks[1:], strict=False):
        assert nxt.start < prev.end, "consecutive chunks share their overlap"


def test_overlong_sentence_is_cut_at_whitespace_within_the_size() -> None:
    text = "word " * 400 + "end."
    chunks = chunk_article(Article.build(text=text), chunk_size=100, chunk_overlap=0)
    assert all(len(c.text) <= 100 for c in chunks)
    assert all(c.text.startswith("word") or c.text == "end." for c in chunks)


def test_repeated_text_gets_the_offsets_of_its_own_copy() -> None:
    text = ("The council met. The vote was close. " * 6).strip()
    chunks = chunk_article(Article.build(text=text), chunk_size=40, chunk_overlap=0)
    assert [c.start for c in chunks] == [i * 37 for i in range(6)]


def test_overlap_not_smaller_than_size_is_scaled_down_not_a_crash() -> None:
    article = Article.build(text="One fact here. " * 40)
    chunks = chunk_article(article, chunk_size=100, chunk_overlap=160)
    assert chunks and all(len(c.text) <= 100 for c in chunks)
    with pytest.raises(ConfigError):
        chunk_article(article, chunk_size=0)


_WORDS = st.sampled_from(
    ["Mr.", "U.S.", "3.2", "percent", "said", "the", "talks", '"Yes."', "\u201cNo,\u201d", "$4.5",
     "billion.", "Beijing", "Tianjin?", "\u2014", "- item", "# Heading", "\n", "\n\n", "e.g.",
     "a.m."]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    words=st.lists(_WORDS, min_size=1, max_size=120),
    size=st.integers(min_value=20, max_value=600),
    overlap_share=st.floats(min_value=0, max_value=0.9),
)
def test_property_offsets_exact_for_arbitrary_news_like_text(
    words: list[str], size: int, overlap_share: float
) -> None:
    text = " ".join(words).strip()
    if not text:
        return
    _check(Article.build(text=text), size, int(size * overlap_share))
