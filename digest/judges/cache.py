"""Judge results kept on disk, so a re-run or a ``--date`` rebuild does not judge again.

A judgement depends on the claim, the evidence texts, the judge (its name and threshold), the
prompts an LLM judge renders (by sha256) and the code that computes it, so the key is the
sha256 of exactly those, plus this package's version and the module's ``KEY_VERSION``: an
edited prompt, another judge or threshold, or an upgraded ``digest`` misses the cache instead
of reading a stale verdict. Values are the judgement's fields as JSON in one SQLite table
(stdlib ``sqlite3``: atomic writes, safe if a run is killed mid-way).

:class:`CachedJudge` wraps any judge and is itself a judge: ``judge_many`` looks every item
up, sends only the misses to the wrapped judge (in one batch when it batches), and stores
what comes back. ``calls`` counts the items the wrapped judge was asked about.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from digest import __version__
from digest.judges.base import Judge, Judgement, JudgeWrapper

KEY_VERSION = 1  # bump when what a judgement means changes without a version bump
_FIELDS = frozenset(f.name for f in fields(Judgement))


def judge_identity(judge: Judge) -> dict[str, Any]:
    """What, besides claim and evidence, decides a judge's verdict (part of every key)."""
    return {
        "name": judge.name,
        "threshold": judge.threshold,
        "prompts": dict(sorted((getattr(judge, "prompts", None) or {}).items())),
        "digest": __version__,
        "key_version": KEY_VERSION,
    }


class JudgeCache:
    """A SQLite file of judgements by key; created on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path)
            self._db.execute("CREATE TABLE IF NOT EXISTS judgements "
                             "(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        return self._db

    def get_many(self, keys: list[str]) -> dict[str, Judgement]:
        found: dict[str, Judgement] = {}
        for b in range(0, len(keys), 500):  # SQLite's bound-variable limit
            part = keys[b : b + 500]
            rows = self._conn().execute(
                f"SELECT key, value FROM judgements WHERE key IN ({','.join('?' * len(part))})",
                part).fetchall()
            for key, value in rows:
                judged = _decode(value)
                if judged is not None:
                    found[key] = judged
        return found

    def put_many(self, items: dict[str, Judgement]) -> None:
        with self._conn() as db:  # one transaction
            db.executemany("INSERT OR REPLACE INTO judgements VALUES (?, ?)",
                           [(k, json.dumps(asdict(j))) for k, j in items.items()])

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _decode(value: str) -> Judgement | None:
    """A stored judgement, or None when it was written by an incompatible version."""
    try:
        data = json.loads(value)
        return Judgement(**{k: v for k, v in data.items() if k in _FIELDS})
    except (ValueError, TypeError):
        return None


class CachedJudge(JudgeWrapper):
    """``inner`` with its results kept in ``cache`` (a :class:`JudgeCache` or a file path).

    ``name`` and ``threshold`` are the wrapped judge's; other attributes are read from it.
    """

    # declared on the class, so they are set on the wrapper, not on the wrapped judge
    cache: JudgeCache = None  # type: ignore[assignment]
    calls: int = 0

    def __init__(self, inner: Judge, cache: JudgeCache | Path) -> None:
        super().__init__(inner)
        self.cache = cache if isinstance(cache, JudgeCache) else JudgeCache(cache)
        self.calls = 0  # items the wrapped judge was asked about (cache misses)

    def key(self, claim: str, sources: list[str]) -> str:
        basis = json.dumps([claim, sources, judge_identity(self.inner)], sort_keys=True)
        return hashlib.sha256(basis.encode("utf-8")).hexdigest()

    def judge(self, claim: str, sources: list[str]) -> Judgement:
        return self.judge_many([(claim, sources)])[0]

    def judge_many(self, items: list[tuple[str, list[str]]]) -> list[Judgement]:
        from digest.judges import judge_all

        keys = [self.key(claim, sources) for claim, sources in items]
        found = self.cache.get_many(sorted(set(keys)))
        missing = [i for i, key in enumerate(keys) if key not in found]
        todo: dict[str, int] = {}  # one call per distinct key
        for i in missing:
            todo.setdefault(keys[i], i)
        if todo:
            self.calls += len(todo)
            judged = judge_all(self.inner, [items[i] for i in todo.values()])
            fresh = dict(zip(todo, judged, strict=True))
            self.cache.put_many(fresh)
            found.update(fresh)
        return [found[key] for key in keys]

    def close(self) -> None:
        """Free what the wrapped judge holds (a model session) and the cache's connection."""
        super().close()
        self.cache.close()
