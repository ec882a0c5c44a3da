"""Fixtures for the eval harness: a deterministic judge and small articles with known content.

The harness's logic (ALCE recall/precision, unavailable/out-of-range handling, offsets) is
tested with a transparent lexical-containment judge, so every expected verdict can be worked
out by hand; the real engines are measured in ``tests/judges``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from digest.judges.base import Judgement

_WORD = re.compile(r"[a-z0-9]+")
_STOP = {"the", "and", "for", "with", "that", "this", "from", "was", "were", "has", "have", "its"}


def content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _STOP}


class ContainmentJudge:
    """p = share of the claim's content words found in the sources; evidence = best sentence."""

    name = "containment"
    threshold = 0.8

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def judge(self, claim: str, sources: list[str]) -> Judgement:
        self.calls.append((claim, len(sources)))
        words = content_words(claim)
        pool = set().union(*(content_words(s) for s in sources)) if sources else set()
        probability = len(words & pool) / len(words) if words else 0.0
        best = (-1, -1, -1, -1)
        for i, source in enumerate(sources):
            for m in re.finditer(r"[^.!?]+[.!?]?", source):
                overlap = len(words & content_words(m.group(0)))
                if overlap > best[0]:
                    start = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
                    best = (overlap, i, start, m.end())
        return Judgement(probability=probability, source=best[1], start=best[2], end=best[3])


@pytest.fixture
def judge() -> ContainmentJudge:
    return ContainmentJudge()


ARTICLES = {
    1: "Putin arrived in Tianjin on Wednesday. He was greeted with a red carpet at the port.",
    2: "Trade between Russia and China reached 245 billion dollars last year. "
    "Energy talks stalled.",
    3: "Xi Jinping hosted the summit. Putin arrived in Tianjin on Wednesday for the summit.",
}


@pytest.fixture
def articles() -> dict[int, str]:
    return dict(ARTICLES)


@pytest.fixture
def sources_dir(tmp_path: Path) -> Path:
    """A folder mapping ``n -> article``: 1.md, 2.txt, 3-summit.md."""
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "1.md").write_text(f"---\ntitle: Arrival\n---\n{ARTICLES[1]}\n", encoding="utf-8")
    (folder / "2.txt").write_text(ARTICLES[2], encoding="utf-8")
    (folder / "3-summit.md").write_text(ARTICLES[3], encoding="utf-8")
    (folder / "notes.md").write_text("not a numbered source", encoding="utf-8")
    return folder


@pytest.fixture
def make_digest(tmp_path: Path):  # noqa: ANN201 - a factory
    """Write Markdown to ``tmp_path/name`` and return its path."""

    def write(text: str, name: str = "digest.md") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
