"""A run killed mid-way (SIGKILL, no cleanup) leaves the store consistent; a re-run completes it.

``digest ingest`` runs in a real subprocess. The test watches Chroma's SQLite file (read-only)
and kills the process the moment the first article records are committed, i.e. while it is
still writing the rest of its batch.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from ingest_helpers import article_md, assert_consistent, generated_body

from digest.embed import MiniLMEmbedder
from digest.ingest.pipeline import ingest
from digest.store import Store, open_client

ARTICLES = 150  # > 2 embedding batches (64 chunks each), so the kill lands mid-run

_RECORDS = """
    SELECT count(*) FROM embeddings_queue q JOIN collections c ON q.topic LIKE '%' || c.id
    WHERE c.name = 'digest_articles'
"""


def _article_records(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1) as conn:
            return int(conn.execute(_RECORDS).fetchone()[0])
    except sqlite3.OperationalError:  # locked by the writer, or tables not created yet
        return 0


def test_sigkill_mid_run_then_rerun_completes(tmp_path: Path, embedder: MiniLMEmbedder) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for i in range(ARTICLES):
        (folder / f"{i:03d}.md").write_text(
            article_md(f"Generated story {i}", generated_body(1000 + i, paragraphs=2, sentences=2),
                       url=f"https://crash.example.com/{i}")
        )
    home = tmp_path / "home"
    db = home / "chroma" / "chroma.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGEST_", "OPENAI_"))}
    env["DIGEST_HOME"] = str(home)
    process = subprocess.Popen(
        [sys.executable, "-m", "digest", "ingest", str(folder)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    try:
        while _article_records(db) == 0:
            assert process.poll() is None, process.stderr.read().decode()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "no article record appeared in time"
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
        process.stderr.close()  # type: ignore[union-attr]
    assert process.returncode == -signal.SIGKILL, "killed, not finished"

    # After the kill: every recorded article is complete. Chunks without a record may exist
    # (an article killed between its chunks and its record); the record is the commit marker.
    store = Store(open_client(path=str(home / "chroma")), embedder)
    recorded = {a.id: a for a in store.articles()}
    assert 0 < len(recorded) < ARTICLES
    assert_consistent(store, strict=False)

    report = ingest([str(folder)], store=store, fetcher=None)
    assert not report.failures
    assert report.counts["unchanged"] == len(recorded), "completed articles are not redone"
    assert report.counts["added"] == ARTICLES - len(recorded)

    final = {a.id: a for a in store.articles()}
    assert len(final) == ARTICLES
    assert_consistent(store)  # strict: no orphan chunks either
    assert store.count_chunks() == sum(a.chunks for a in final.values())
