"""An update interrupted between any two store writes leaves every article wholly old or new.

Random SIGKILLs (test_ingest_crash.py) land where they land; this test is exhaustive: it counts
the Chroma writes of one update (v1 -> v2 of an article), then for each write replays the
update with a failure injected just before that write, and checks the store after the crash,
after re-ingesting the *original* file (the case that used to keep a mixed state for good),
and after ingesting the new version.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ingest_helpers import article_md, assert_consistent, generated_body

from digest.embed import MiniLMEmbedder
from digest.ingest.pipeline import ingest
from digest.store import Store, open_client

URL = "https://crash-points.example.com/story"
WRITES = ("add", "upsert", "update", "delete", "modify")


class Crash(Exception):
    """The injected failure."""


class Faulty:
    """A Chroma collection whose ``fail_at``-th write (counted across collections) raises."""

    def __init__(self, inner: Any, counter: dict[str, int]) -> None:
        self._inner, self._counter = inner, counter

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if name not in WRITES:
            return attr

        def write(*args: Any, **kwargs: Any) -> Any:
            self._counter["n"] += 1
            if self._counter["n"] == self._counter["fail_at"]:
                raise Crash(f"injected before write {self._counter['n']} ({name})")
            return attr(*args, **kwargs)

        return write


def _inject(store: Store, fail_at: int) -> dict[str, int]:
    counter = {"n": 0, "fail_at": fail_at}
    store._chunks = Faulty(store._chunks, counter)
    store._articles = Faulty(store._articles, counter)
    return counter


def _versions(tmp_path: Path) -> tuple[Path, Path]:
    v1 = tmp_path / "v1" / "story.md"
    v2 = tmp_path / "v2" / "story.md"
    for path, seed, paragraphs in ((v1, 21, 4), (v2, 22, 7)):
        path.parent.mkdir()
        path.write_text(article_md("Story", generated_body(seed, paragraphs=paragraphs), url=URL))
    return v1, v2


def _check(store: Store, expected_text: str | None = None) -> None:
    assert_consistent(store, strict=expected_text is not None)
    (article,) = store.articles()
    text = store.article_text(article.id) or ""
    if expected_text is not None:
        assert text == expected_text
    for hit in store.query("Report said the minister stood at", k=20):
        assert text[hit.chunk.start : hit.chunk.end] == hit.chunk.text, (
            "a cited chunk must be in the text"
        )


def _store(path: Path, embedder: MiniLMEmbedder) -> Store:
    return Store(open_client(path=str(path)), embedder)


@pytest.mark.slow
def test_every_write_of_an_update_is_a_safe_crash_point(tmp_path: Path, embedder) -> None:
    v1, v2 = _versions(tmp_path)
    probe = _store(tmp_path / "probe", embedder)
    ingest([str(v1)], store=probe, fetcher=None)
    counter = _inject(probe, fail_at=0)
    ingest([str(v2)], store=probe, fetcher=None)
    total = counter["n"]
    assert total >= 5, "mark, chunks, flip, touch, delete old: at least five writes"

    for fail_at in range(1, total + 1):
        store = _store(tmp_path / f"s{fail_at}", embedder)
        ingest([str(v1)], store=store, fetcher=None)
        original = store.article_text(store.articles()[0].id)
        _inject(store, fail_at)
        with pytest.raises(Crash):
            ingest([str(v2)], store=store, fetcher=None)
        _check(store)  # wholly v1 or wholly v2, never a mix

        store = _store(tmp_path / f"s{fail_at}", embedder)  # the next process
        ingest([str(v1)], store=store, fetcher=None)
        _check(store, original)
        ingest([str(v2)], store=store, fetcher=None)
        _check(store, v2_text := store.article_text(store.articles()[0].id))
        assert v2_text != original
