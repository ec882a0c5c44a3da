"""Helpers for the `digest daily` tests: a project in a temporary directory, the sample corpus by day.

The 13 sample articles span three publication days (UTC); ``corpus_days`` maps each day to its
files so a test can drop one day's articles into the project's inbox, run the day, and so on.
"""

from __future__ import annotations

import shutil
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from digest.daily.project import Project, load_project
from digest.daily.run import DailyResult, run_daily
from digest.embed import MiniLMEmbedder
from digest.ingest.readers import read_file
from digest.store import Store, open_client
from digest.write.extractive import ExtractiveWriter

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "seeds" / "corpus"
DAYS = [date(2026, 5, 18), date(2026, 5, 19), date(2026, 5, 20)]

PROJECT_TOML = """\
sources = ["inbox"{extra}]
output_dir = "digests"
store = "chroma"
timezone = "UTC"
stories = 3
{more}
"""


def corpus_days() -> dict[date, list[Path]]:
    days: dict[date, list[Path]] = {}
    for path in sorted(CORPUS.iterdir()):
        article = next(a for a in read_file(path, None) if not isinstance(a, Exception))
        assert article.published is not None
        days.setdefault(article.published.astimezone(UTC).date(), []).append(path)
    assert sorted(days) == DAYS and [len(days[d]) for d in DAYS] == [4, 4, 5]
    return days


def evening(day: date, hour: int = 23) -> datetime:
    """A run time after the day's last article (the corpus ends at 20:15 UTC)."""
    return datetime(day.year, day.month, day.day, hour, 30, tzinfo=UTC)


def write_project(root: Path, *, extra_sources: str = "", more: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "inbox").mkdir(exist_ok=True)
    path = root / "digest.toml"
    path.write_text(PROJECT_TOML.format(extra=extra_sources, more=more), encoding="utf-8")
    return path


def deliver(root: Path, files: list[Path]) -> None:
    """New articles arrive in the project's inbox folder."""
    for path in files:
        shutil.copy(path, root / "inbox" / path.name)


def article(root: Path, name: str, *, published: str, outlet: str = "Test Gazette",
            text: str | None = None) -> Path:
    """A small Markdown article in the inbox (cheap to embed, unlike the sample corpus)."""
    body = text or ("Port officials in Tianjin said on Thursday that a new container terminal "
                    "would open next month. The terminal will handle grain and timber shipments, "
                    "the officials said.")
    path = root / "inbox" / f"{name}.md"
    path.write_text(
        f"---\ntitle: {name.replace('-', ' ').title()}\noutlet: {outlet}\n"
        f"url: https://example.org/{name}\npublished: {published}\n---\n\n{body}\n",
        encoding="utf-8",
    )
    return path


class Daily:
    """Runs `digest daily` in-process on one project and one store."""

    def __init__(self, root: Path, embedder: MiniLMEmbedder) -> None:
        self.root = root
        self.config = root / "digest.toml"
        self.embedder = embedder
        self._store: Store | None = None

    @property
    def project(self) -> Project:
        return load_project(self.config)

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(open_client(path=str(self.root / "chroma")), self.embedder)
        return self._store

    def run(self, now: datetime, **kwargs: object) -> DailyResult:
        return run_daily(self.project, store=self.store, fetcher=None,
                         writer=ExtractiveWriter(self.embedder), now=now, **kwargs)  # type: ignore[arg-type]

    def digest(self, day: date, suffix: str = ".md") -> Path:
        return self.project.output_dir / f"{day.isoformat()}{suffix}"


def cli_env(root: Path) -> dict[str, str]:
    """Environment for a `digest` subprocess: our interpreter, an isolated DIGEST_HOME."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGEST_", "OPENAI_"))}
    env["DIGEST_HOME"] = str(root / "home")
    return env


PYTHON = sys.executable


class FunctionWriter:
    """A Writer whose drafts come from a test function: stands in for the LLM's answers."""

    prompts: dict[str, str] = {}

    def __init__(self, name: str, model: str | None, fn) -> None:  # type: ignore[no-untyped-def]
        self.name, self.model, self.fn = name, model, fn

    def write(self, passages, topic):  # type: ignore[no-untyped-def]
        return self.fn(passages)
