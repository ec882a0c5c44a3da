"""Fixtures for the `digest daily` tests (helpers live in ``daily_helpers``)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from daily_helpers import DAYS, Daily, corpus_days, deliver, evening, write_project

from digest.embed import MiniLMEmbedder


@pytest.fixture(scope="session")
def days() -> dict[date, list[Path]]:
    """The sample corpus's files by publication day (UTC)."""
    return corpus_days()


@pytest.fixture
def daily(tmp_path: Path, embedder: MiniLMEmbedder) -> Daily:
    """An in-process `digest daily` on a fresh project under ``tmp_path / "project"``."""
    write_project(tmp_path / "project")
    return Daily(tmp_path / "project", embedder)


@pytest.fixture(scope="session")
def three_days_root(
    tmp_path_factory: pytest.TempPathFactory, embedder: MiniLMEmbedder, days
) -> tuple[Path, dict]:
    """A project that ran once per day as the corpus arrived (built once; copy, don't edit)."""
    root = tmp_path_factory.mktemp("three-days") / "project"
    write_project(root)
    runner = Daily(root, embedder)
    results = {}
    for day in DAYS:
        deliver(root, days[day])
        results[day] = runner.run(evening(day))
    return root, results


@pytest.fixture
def three_days(three_days_root, tmp_path: Path, embedder: MiniLMEmbedder) -> Daily:
    """A private copy of the three-day project, store and run records included."""
    root, _ = three_days_root
    shutil.copytree(root, tmp_path / "project")
    return Daily(tmp_path / "project", embedder)
