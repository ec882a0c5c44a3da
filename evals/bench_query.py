"""Query benchmark: nearest-chunk search in a store of N synthetic chunks (up to 1M and more).

Not a test. Measures the store alone, so vectors are synthetic: 384-d random unit vectors (the
shape MiniLM produces) and word-soup documents of chunk length, ~6 chunks per article over 8
outlets and 60 days ending 2026-05-21. The store is written in ``Store``'s own format (chunk ids
with generations, ``store_records.chunk_meta`` / ``article_meta``, one article record per
article with its centroid and text), so ``digest brief --store DIR`` and ``bench_brief.py`` run
on it unchanged.

Building is resumable: articles are written in batches (chunks first, then their article
records, as the store's commit protocol does), article ``i``'s data depends on ``i`` alone, and
a re-run continues from the number of article records already there, so an interrupted build of
1M chunks loses at most one batch. Build time is accumulated in ``DIR.build.json``.

Modes (``--modes``), ``--queries`` each after ``--warmup`` unmeasured ones, k = ``--k``:

    store           Store.query_vector(v, k)                                 (what brief calls)
    store+filter    Store.query_vector(v, k, date_where(7-day window, outlet))   ~1.5 % match
    store+dates     Store.query_vector(v, k, date_where(7-day window))          ~12 % match
    raw             collection.query(v, n_results=k)
    raw+filter      collection.query with the window+outlet as a Chroma ``where`` (slow:
                    Chroma scans metadata; not in the default modes)

It also times the first filtered query's one-off cost (``Store`` loading its article table),
which every ``digest brief`` process pays once. ``--server`` runs the same queries against a
``chroma run --path DIR`` server on loopback (the same files), so the two modes compare.

    python evals/bench_query.py --store /tmp/bench-q1m --chunks 1000000 --build-only
    python evals/bench_query.py --store /tmp/bench-q1m --chunks 1000000 --repeat 3
    python evals/bench_query.py --store /tmp/bench-q1m --chunks 1000000 --server
    python evals/bench_query.py --chunks 600 --queries 5 --warmup 1      # smoke size, temp dir
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

DIM = 384
PER_ARTICLE = 6
OUTLETS = ["Harbor Wire Service", "The Meridian Post", "Eastern Ledger", "Capital Dispatch",
           "The Northern Tribune", "Global Markets Daily", "Continental Review", "Pacific Observer"]
END = datetime(2026, 5, 21, tzinfo=UTC)  # bench_brief.py's NOW: `--since 7d` covers the last week
DAYS = 60
START = END - timedelta(days=DAYS)
WORDS = (
    "the minister said talks on the gas pipeline stalled again over pricing while officials "
    "in Beijing and Moscow agreed exports rose analysts expect a ceasefire proposal summit "
    "communique tariff schedule shipping lanes budget inflation grain deliveries reform"
).split()
# Stories are about these: each article's vectors scatter around the MiniLM embedding of one
# (cosine ~0.6), so a topic query finds passages above the writer's relevance floor, as a real
# store's would; pure random vectors would match nothing.
TOPICS = ["gas pipeline talks", "oil exports", "LNG terminal", "power grid failure",
          "tariff schedule", "export controls", "shipping lanes", "semiconductor supply",
          "grain deliveries", "coalition talks", "state visit to China", "ceasefire proposal",
          "sanctions package", "election timetable", "security pact", "border agreement",
          "inflation figures", "interest-rate decision", "budget deficit", "bond yields",
          "wildfire season", "flood defences", "vaccine rollout", "hospital strike"]
SPREAD = 1.33  # noise norm around a topic centre: cosine 1/sqrt(1 + 1.33^2) ~ 0.6
MODES = ("store", "store+filter", "store+dates", "raw", "raw+filter")
DEFAULT_MODES = "store,store+filter,store+dates,raw"


def out(*parts: object) -> None:
    """A benchmark's report goes to stdout."""
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


class SyntheticEmbedder:
    """Stands in for MiniLM: the store only records its name (queries use given vectors)."""

    name = "all-MiniLM-L6-v2-int8"
    dim = DIM
    seconds = 0.0

    def embed(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - not used
        raise RuntimeError("bench_query uses synthetic vectors only")


def _unit(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def topic_centres() -> np.ndarray:
    """MiniLM embeddings of ``TOPICS`` (computed once per build and kept in its log)."""
    from digest.embed import MiniLMEmbedder

    return MiniLMEmbedder().embed(TOPICS)


def article_vectors(i: int, seed: int, centres: np.ndarray) -> np.ndarray:
    """Article ``i``'s chunk vectors: a function of ``i`` alone (resumable, re-creatable)."""
    rng = np.random.default_rng([seed, i])
    v = centres[i % len(centres)] + SPREAD * _unit(rng, PER_ARTICLE)
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def synthetic_write(i: int, seed: int, centres: np.ndarray) -> Any:
    """Article ``i`` as the ``ArticleWrite`` ingest would hand the store."""
    from digest.models import Article, Chunk
    from digest.store import ArticleWrite

    r = random.Random(seed * 1_000_003 + i)
    published = START + timedelta(seconds=r.randrange(DAYS * 86400))
    pieces = []
    for _ in range(PER_ARTICLE):
        sentences = [f"{' '.join(r.choices(WORDS, k=6)).capitalize()} {TOPICS[i % len(TOPICS)]} "
                     f"{' '.join(r.choices(WORDS, k=6))}." for _ in range(9)]
        pieces.append(" ".join(sentences)[:780])
    text = "\n\n".join(pieces)
    article = Article.build(
        text=text, url=f"https://bench.example.com/{published:%Y/%m/%d}/story-{i}",
        outlet=r.choice(OUTLETS), title=f"Story {i}: {' '.join(r.sample(WORDS, 5))}",
        published=published, source=f"/bench/{i}.md",
    )
    chunks, at = [], 0
    for position, piece in enumerate(pieces):
        chunks.append(Chunk(id=f"{article.id}:{position}", article_id=article.id, text=piece,
                            start=at, end=at + len(piece), position=position))
        at += len(piece) + 2
    return ArticleWrite(article, chunks, article_vectors(i, seed, centres), duplicate_of=None,
                        minhash="A" * 684, chunking="bench")


def write_batch(store: Any, items: list[Any]) -> None:
    """Chunks, then their article records (the commit markers), as ``Store._write`` does for
    new articles; without its per-batch stale-chunk scan, which new ids never need."""
    from digest.store import chunk_id, generation
    from digest.store_records import article_meta, chunk_meta

    ids, docs, metas, vectors = [], [], [], []
    for item in items:
        gen = generation(item.article.id, item.article.content_hash, item.chunking)
        ids += [chunk_id(item.article.id, gen, c.position) for c in item.chunks]
        docs += [c.text for c in item.chunks]
        metas += [chunk_meta(item, c, gen) for c in item.chunks]
        vectors.append(item.vectors)
    store._chunks.upsert(ids=ids, embeddings=np.concatenate(vectors), documents=docs,
                         metadatas=metas)
    centroids = np.stack([i.vectors.mean(axis=0) for i in items])
    store._articles.upsert(
        ids=[i.article.id for i in items],
        embeddings=centroids / np.linalg.norm(centroids, axis=1, keepdims=True),
        documents=[i.article.text for i in items],
        metadatas=[article_meta(i, generation(i.article.id, i.article.content_hash, i.chunking),
                                False) for i in items],
    )


def build(store: Any, path: Path, n_articles: int, seed: int, batch: int) -> dict[str, Any]:
    """Add articles until the store holds ``n_articles``; returns the build log (cumulative)."""
    log_file = path.with_name(path.name + ".build.json")
    log = json.loads(log_file.read_text()) if log_file.is_file() else {"seconds": 0.0}
    if "centres" not in log:
        log["centres"] = topic_centres().tolist()
        log_file.write_text(json.dumps(log))
    centres = np.asarray(log["centres"], dtype=np.float32)
    have = store._articles.count()
    if have < n_articles:
        out(f"building: {have:,} articles there, adding {n_articles - have:,} in batches of "
            f"{batch}")
    started = time.perf_counter()
    for b in range(have, n_articles, batch):
        t0 = time.perf_counter()
        last = min(b + batch, n_articles)
        write_batch(store, [synthetic_write(i, seed, centres) for i in range(b, last)])
        log["seconds"] += time.perf_counter() - t0
        log.update(articles=last, chunks=store._chunks.count())
        log_file.write_text(json.dumps(log))  # the checkpoint: what is there and what it cost
        if (b // batch) % 10 == 0:
            rate = (log["articles"] - have) * PER_ARTICLE / (time.perf_counter() - started)
            out(f"  {log['chunks']:,} chunks ({rate:.0f} chunks/s this session, load "
                f"{os.getloadavg()[0]:.1f})")
    if have < n_articles:
        store._touch()  # readers reload their article table
    return log


def percentiles(ms: list[float]) -> dict[str, float]:
    a = np.asarray(ms)
    return {"p50": float(np.percentile(a, 50)), "p95": float(np.percentile(a, 95)),
            "p99": float(np.percentile(a, 99)), "mean": float(a.mean())}


def measure(fn: Callable[[np.ndarray], int], queries: np.ndarray,
            warmup: int) -> tuple[dict[str, float], float]:
    for q in queries[:warmup]:
        fn(q)
    ms, hits = [], []
    for q in queries[warmup:]:
        t0 = time.perf_counter()
        hits.append(fn(q))
        ms.append(1000 * (time.perf_counter() - t0))
    return percentiles(ms), statistics.mean(hits)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(path: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``chroma run`` on loopback over the same directory; returns (process, url)."""
    port = _free_port()
    chroma = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen([str(chroma), "run", "--path", str(path), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600  # a big store takes a while to load its index
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"chroma run exited {proc.returncode}") from None
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("chroma run did not start in 600 s")


def queries_for(n: int, n_articles: int, seed: int, centres: np.ndarray) -> np.ndarray:
    """Noisy copies of stored vectors (cosine ~0.86): each query has a true neighbour."""
    rng = np.random.default_rng(seed + 1)
    base = np.stack([article_vectors(int(i), seed, centres)[int(i) % PER_ARTICLE]
                     for i in rng.integers(0, n_articles, n)])
    noisy = base + 0.6 * _unit(rng, n)
    return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)


def run_modes(store: Any, modes: list[str], args: argparse.Namespace, n_articles: int,
              centres: np.ndarray) -> dict[str, dict[str, float]]:
    from digest.store import date_where

    n = args.warmup + args.queries
    queries = queries_for(n, n_articles, args.seed, centres)
    r = random.Random(args.seed + 2)
    windows, dates = [], []
    for _ in range(n):
        since = START + timedelta(days=r.randrange(DAYS - 7))
        windows.append(date_where(since, since + timedelta(days=7), r.choice(OUTLETS)))
        dates.append(date_where(since, since + timedelta(days=7)))
    turn = iter(range(10**9))
    include = ["documents", "metadatas", "distances"]
    fns: dict[str, Callable[[np.ndarray], int]] = {
        "store": lambda v: len(store.query_vector(v, k=args.k)),
        "store+filter": lambda v: len(
            store.query_vector(v, k=args.k, where=windows[next(turn) % n])),
        "store+dates": lambda v: len(store.query_vector(v, k=args.k, where=dates[next(turn) % n])),
        "raw": lambda v: len(store._chunks.query(query_embeddings=[v], n_results=args.k,
                                                 include=include)["ids"][0]),
        "raw+filter": lambda v: len(store._chunks.query(
            query_embeddings=[v], n_results=args.k, include=include,
            where=windows[next(turn) % n].where())["ids"][0]),
    }
    t0 = time.perf_counter()
    store.query_vector(queries[0], k=args.k, where=windows[0])  # loads the article table
    table_s = time.perf_counter() - t0
    out(f"first filtered query (loads the article table once per process): {table_s * 1000:.0f} ms")
    results: dict[str, list[dict[str, float]]] = {m: [] for m in modes}
    hits: dict[str, float] = {}
    for rep in range(args.repeat):
        for mode in modes:
            stats, hits[mode] = measure(fns[mode], queries, args.warmup)
            results[mode].append(stats)
            out(f"  round {rep + 1} {mode}: p50 {stats['p50']:.2f} ms, p95 {stats['p95']:.2f} ms "
                f"(load {os.getloadavg()[0]:.2f})")
    summary = {m: {key: statistics.median(s[key] for s in results[m]) for key in results[m][0]}
               | {"hits": hits[m]} for m in modes}
    summary["table load"] = {"ms": table_s * 1000}
    return summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--chunks", type=int, default=100_000, help="store size (6 per article)")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--batch", type=int, default=500, help="articles per write (3,000 chunks)")
    ap.add_argument("--store", type=Path, help="Chroma dir to build into / resume / reuse "
                    "(default: a temp dir, removed)")
    ap.add_argument("--repeat", type=int, default=1, help="query rounds; medians reported")
    ap.add_argument("--modes", default=DEFAULT_MODES, help=f"comma-separated, of {MODES}")
    ap.add_argument("--build-only", action="store_true", help="build (or resume), then stop")
    ap.add_argument("--server", action="store_true",
                    help="query through a `chroma run` server over the same directory")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if unknown := set(modes) - set(MODES):
        ap.error(f"unknown mode(s) {sorted(unknown)}; choose from {MODES}")

    from digest.store import Store, open_client

    scratch = None
    path = args.store
    if path is None:
        scratch = Path(tempfile.mkdtemp(prefix="bench-query-"))
        path = scratch / "chroma"
    n_articles = max(1, args.chunks // PER_ARTICLE)
    out(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()}, "
        f"store {path}")
    server = None
    try:
        store = Store(open_client(path=str(path)), SyntheticEmbedder(), name="digest")
        log = build(store, path, n_articles, args.seed, args.batch)
        size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        chunks = store.count_chunks()
        report: dict[str, Any] = {
            "chunks": chunks, "articles": store._articles.count(),
            "build_seconds": round(log["seconds"], 1), "disk_mib": round(size / 2**20, 1)}
        out(f"store: {chunks:,} chunks, {report['articles']:,} articles, {size / 2**20:,.1f} MiB "
            f"on disk, built in {log['seconds']:,.0f} s (cumulative over resumed sessions)")
        if args.build_only:
            return
        if args.server:
            del store  # the server owns the files from here on
            server, url = start_server(path)
            out(f"chroma server at {url}")
            store = Store(open_client(url=url), SyntheticEmbedder(), name="digest")
        report["modes"] = run_modes(store, modes, args, n_articles,
                                    np.asarray(log["centres"], dtype=np.float32))
        report["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        out(f"\n{chunks:,} chunks ({'server' if args.server else 'embedded'}), k={args.k}, "
            f"{args.queries} queries x {args.repeat} round(s), load {os.getloadavg()}")
        out(f"{'mode':14s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} {'hits':>5s}")
        for mode in modes:
            m = report["modes"][mode]
            flag = "  OK" if m["p95"] <= 50 else "  OVER 50 ms"
            out(f"{mode:14s} {m['p50']:8.2f} {m['p95']:8.2f} {m['p99']:8.2f} "
                f"{m['hits']:5.1f}{flag}")
        out(f"peak RSS of this process {report['peak_rss_mib']} MiB")
        if args.json:
            args.json.write_text(json.dumps(report, indent=2))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
