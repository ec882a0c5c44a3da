"""Helpers shared by the ingest tests (imported by name; pytest puts this folder on sys.path).

The fake embedder stands in only for "some other embedding model" in the mismatch tests.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from click.testing import Result
from typer.testing import CliRunner

from digest.cli import app

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"


@dataclass
class Route:
    """One canned response: body, status, content type and an optional delay before replying."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    declare_length: bool = True  # False: no Content-Length, so only the streamed cap can stop it
    trickle: float = 0.0  # seconds between single bytes: a server that never quite stops
    headers: dict[str, str] = field(default_factory=dict)
    fail_first: int = 0  # answer 503 to this many requests before the real response


@dataclass
class LocalServer:
    """A threaded HTTP server on loopback whose routes tests add; it records request headers."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    base: str = ""

    def add(self, path: str, body: bytes | str, **kwargs: object) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(data, **kwargs)  # type: ignore[arg-type]
        return self.base + path


def run_cli(runner: CliRunner, *args: str) -> Result:
    """Invoke ``digest ARGS`` in-process, as a user would from a shell."""
    return runner.invoke(app, list(args), catch_exceptions=False)


def ingest_json(runner: CliRunner, *args: str) -> tuple[int, dict[str, Any]]:
    """``digest ingest --json ARGS``: exit code and the parsed report."""
    result = run_cli(runner, "ingest", "--json", *args)
    return result.exit_code, json.loads(result.stdout)


def squash(text: str) -> str:
    """Text without any whitespace, so checks survive the terminal's line wrapping."""
    return "".join(text.split())


class HashEmbedder:
    """A deterministic bag-of-words embedder: the 'other model' of the mismatch tests."""

    name = "test-hash-embedder"
    dim = 64

    def __init__(self) -> None:
        self.seconds = 0.0

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                bucket = int(hashlib.md5(word.encode()).hexdigest()[:8], 16) % self.dim
                out[row, bucket] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.clip(norms, 1e-12, None)


def article_md(title: str, body: str, *, url: str | None = None, outlet: str = "Test Outlet",
               published: str = "2026-05-18T10:00:00+00:00") -> str:
    """A Markdown article with YAML front matter, as users drop them into a folder."""
    lines = ["---", f"title: {title}", f"outlet: {outlet}", f"published: {published}"]
    if url:
        lines.append(f"url: {url}")
    return "\n".join([*lines, "---", "", body, ""])


def generated_body(seed: int, paragraphs: int = 4, sentences: int = 4) -> str:
    """Distinct, news-like prose (no two seeds near-duplicate each other)."""
    rng = np.random.default_rng(seed)
    words = ("minister port tariff summit pipeline delegation harbour council treaty grain "
             "railway budget election court festival drought vaccine satellite museum bridge "
             "strike refinery orchestra census glacier").split()
    out = []
    for p in range(paragraphs):
        said = []
        for s in range(sentences):
            picked = " ".join(rng.choice(words, size=9))
            said.append(f"Report {seed}.{p}.{s} said the {picked} stood at {rng.integers(1, 999)}.")
        out.append(" ".join(said))
    return "\n\n".join(out)


def stored_chunk_ids(store: Any) -> dict[str, set[str]]:
    """Every chunk id in Chroma by article, live or not (reads the collection directly)."""
    found: dict[str, set[str]] = {}
    got = store._chunks.get(include=["metadatas"])
    for chunk_id, meta in zip(got["ids"], got["metadatas"], strict=True):
        found.setdefault(meta["article_id"], set()).add(chunk_id)
    return found


def assert_consistent(store: Any, *, strict: bool = True) -> dict[str, set[str]]:
    """Each recorded article's live chunks are exactly positions 0..n-1 and slice its text.

    ``strict``: no chunk exists besides the live ones (no orphans, no stale generation). A run
    killed mid-write may leave invisible leftovers, so crash checks pass ``strict=False``.
    """
    live: dict[str, set[str]] = {}
    for article in store.articles():
        chunks = store.chunks_of(article.id)
        assert article.chunks > 0
        assert [c.position for c in chunks] == list(range(article.chunks)), article.id
        text = store.article_text(article.id) or ""
        assert all(text[c.start : c.end] == c.text for c in chunks), article.id
        live[article.id] = {c.id for c in chunks}
    if strict:
        assert stored_chunk_ids(store) == live, "orphan or stale chunks left behind"
    return live
