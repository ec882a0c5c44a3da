"""Query benchmark: latency of nearest-chunk search in an embedded Chroma holding 100,000 chunks.

Not a test. Measures the store alone, so vectors are synthetic: 384-d random unit vectors (the
shape MiniLM produces), with documents of chunk length and the same metadata ``Store`` writes
(article_id, outlet, url, title, published, published_ts, content_hash, start, end, position),
spread over 8 outlets and 60 days, ~6 chunks per article. Chunks are inserted in batches of
Chroma's maximum batch size, plus one article record per article in the articles collection
(``Store.query_vector`` keeps only hits whose article record exists). Query vectors are
stored vectors plus noise (so each query has a true nearest neighbour, as real queries about
stored stories do).

Modes (``--modes``, default all), ``--queries`` each after ``--warmup`` unmeasured ones,
k = ``--k``:

    store           Store.query_vector(v, k)     (count() + query + article-record check + Hits)
    store+filter    Store.query_vector(v, k, where=date_where(7-day window, outlet))  ~1.5 % match
    store+dates     Store.query_vector(v, k, where=date_where(7-day window))          ~12 % match
    raw             collection.query(v, n_results=k, include=documents, metadatas, distances)
    raw+filter      the same with the date-range + outlet ``where``
    ids+filter      the same filter resolved in Python against an in-memory article table, the
                    search restricted with ``collection.query(ids=<chunk ids>)`` (a proposed fix:
                    Chroma's local ``where`` costs seconds at this size; ``ids=`` does not)
    count() alone   Store.count_chunks(), which query_vector calls before every query

Reports p50 / p95 / p99 / mean in ms. Target: p95 < 50 ms at 100,000 chunks.

    python evals/bench_query.py                                   # build in a temp dir, 100k chunks
    python evals/bench_query.py --store /tmp/bench-q100k          # build there (or reuse if filled)
    python evals/bench_query.py --store /tmp/bench-q100k --modes store,raw,ids+filter --repeat 3
    python evals/bench_query.py --chunks 20000 --queries 500
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np


def out(*parts: object, flush: bool = True) -> None:
    """A benchmark's report goes to stdout."""
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    if flush:
        sys.stdout.flush()


DIM = 384
OUTLETS = [
    "Harbor Wire Service",
    "The Meridian Post",
    "Eastern Ledger",
    "Capital Dispatch",
    "The Northern Tribune",
    "Global Markets Daily",
    "Continental Review",
    "Pacific Observer",
]
START = datetime(2026, 4, 1, tzinfo=UTC)
DAYS = 60
WORDS = (
    "the minister said talks on the gas pipeline stalled again over pricing while officials "
    "in Beijing and Moscow U.S. E.U. percent billion agreement signed quarter exports rose "
    "analysts expect a ceasefire proposal summit communique tariff schedule shipping lanes"
).split()


class _FakeEmbedder:
    """Stands in for MiniLM: query_vector never embeds, but Store records the model name."""

    name = "all-MiniLM-L6-v2-int8"
    dim = DIM
    seconds = 0.0

    def embed(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - not used
        raise RuntimeError("bench_query uses synthetic vectors only")


def _unit(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def populate(
    collection: Any | None, n_chunks: int, seed: int, batch: int
) -> tuple[float, np.ndarray, dict[str, tuple[int, str, int]]]:
    """Insert ``n_chunks`` synthetic chunks (or, with ``collection=None``, only regenerate their
    metadata). Returns (seconds, a sample of stored vectors, article_id -> (published_ts, outlet,
    chunk count))."""
    rng = np.random.default_rng(seed)
    r = random.Random(seed)
    samples: list[np.ndarray] = []
    per_article = 6
    t0 = time.perf_counter()
    article = -1
    meta: dict[str, Any] = {}
    articles: dict[str, tuple[int, str, int]] = {}
    for b in range(0, n_chunks, batch):
        n = min(batch, n_chunks - b)
        vectors = _unit(rng, n)
        ids, docs, metas = [], [], []
        for j in range(n):
            i = b + j
            if i % per_article == 0:
                article += 1
                aid = hashlib.sha256(f"a{article}".encode()).hexdigest()[:16]
                published = START + timedelta(seconds=r.randrange(DAYS * 86400))
                outlet = r.choice(OUTLETS)
                meta = {
                    "article_id": aid,
                    "outlet": outlet,
                    "url": f"https://example.com/{published:%Y/%m/%d}/story-{article}",
                    "title": f"Story {article} about {' '.join(r.sample(WORDS, 5))}",
                    "published": published.isoformat(),
                    "published_ts": int(published.timestamp()),
                    "content_hash": hashlib.sha256(f"c{article}".encode()).hexdigest(),
                }
            pos = i % per_article
            articles[meta["article_id"]] = (meta["published_ts"], meta["outlet"], pos + 1)
            ids.append(f"{meta['article_id']}:{pos}")
            docs.append(" ".join(r.choices(WORDS, k=120))[:780])
            metas.append({**meta, "start": pos * 640, "end": pos * 640 + 780, "position": pos})
        samples.append(vectors[: max(1, n // 50)])
        if collection is None:
            continue
        collection.add(ids=ids, embeddings=vectors, documents=docs, metadatas=metas)
        if (b // batch) % 5 == 0:
            done = b + n
            out(
                f"  inserted {done:,}/{n_chunks:,} ({done / (time.perf_counter() - t0):.0f}/s)",
                flush=True,
            )
    return time.perf_counter() - t0, np.concatenate(samples), articles


def populate_articles(
    collection: Any, articles: dict[str, tuple[int, str, int]], seed: int, batch: int
) -> float:
    """One article record per article, as ``Store.write_article`` writes them: query_vector
    checks hits against these records (the commit markers). Documents are shortened to 1,000
    characters to keep the build short; vectors are random (only the chunk search is timed)."""
    rng = np.random.default_rng(seed + 3)
    items = list(articles.items())
    t0 = time.perf_counter()
    for b in range(0, len(items), batch):
        part = items[b : b + batch]
        metas = []
        for aid, (ts, outlet, count) in part:
            published = datetime.fromtimestamp(ts, UTC)
            metas.append(
                {
                    "article_id": aid,
                    "outlet": outlet,
                    "title": f"Story {aid}",
                    "url": f"https://example.com/{published:%Y/%m/%d}/{aid}",
                    "published": published.isoformat(),
                    "published_ts": ts,
                    "content_hash": hashlib.sha256(aid.encode()).hexdigest(),
                    "chunks": count,
                    "minhash": "A" * 684,
                    "source": f"/corpus/{aid}.md",
                    "chunking": "800/160",
                }
            )
        collection.add(
            ids=[aid for aid, _ in part],
            embeddings=_unit(rng, len(part)),
            documents=[" ".join(WORDS)[:1000]] * len(part),
            metadatas=metas,
        )
    return time.perf_counter() - t0


def percentiles(ms: list[float]) -> dict[str, float]:
    a = np.asarray(ms)
    return {
        "p50": float(np.percentile(a, 50)),
        "p95": float(np.percentile(a, 95)),
        "p99": float(np.percentile(a, 99)),
        "mean": float(a.mean()),
        "max": float(a.max()),
    }


def measure(fn: Any, queries: np.ndarray, warmup: int) -> tuple[dict[str, float], list[int]]:
    sizes = []
    for q in queries[:warmup]:
        fn(q)
    ms = []
    for q in queries[warmup:]:
        t0 = time.perf_counter()
        n = fn(q)
        ms.append(1000 * (time.perf_counter() - t0))
        sizes.append(n)
    return percentiles(ms), sizes


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument(
        "--batch", type=int, default=0, help="insert batch size (default: Chroma's max)"
    )
    ap.add_argument(
        "--store", type=Path, help="Chroma dir to build into / reuse (default: temp, removed)"
    )
    ap.add_argument(
        "--repeat", type=int, default=1, help="repeat the query rounds; medians reported"
    )
    ap.add_argument(
        "--modes", default="", help="comma-separated subset of the modes (default: all)"
    )
    args = ap.parse_args()

    from digest.store import Store, date_where, open_client

    scratch = None
    path = args.store
    if path is None:
        scratch = Path(tempfile.mkdtemp(prefix="bench-query-"))
        path = scratch / "chroma"
    out(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load avg {os.getloadavg()}, "
        f"store {path}"
    )
    try:
        store = Store(open_client(path=str(path)), _FakeEmbedder(), name="benchq")
        collection = store._chunks
        have = collection.count()
        rng = np.random.default_rng(args.seed + 1)
        if have != args.chunks:
            if have:
                store.drop()
                store = Store(open_client(path=str(path)), _FakeEmbedder(), name="benchq")
                collection = store._chunks
            batch = args.batch or store._client.get_max_batch_size()
            out(f"inserting {args.chunks:,} chunks in batches of {batch} ...")
            seconds, sample, articles = populate(collection, args.chunks, args.seed, batch)
            out(
                f"inserted {args.chunks:,} chunks in {seconds:.1f} s "
                f"({args.chunks / seconds:.0f} chunks/s)"
            )
        else:
            out(f"reusing {have:,} stored chunks")
            _, sample, articles = populate(None, args.chunks, args.seed, 5461)
        if store._articles.count() != len(articles):
            batch = args.batch or store._client.get_max_batch_size()
            out(f"inserting {len(articles):,} article records ...", flush=True)
            seconds = populate_articles(store._articles, articles, args.seed, batch)
            out(f"inserted {len(articles):,} article records in {seconds:.1f} s")
        size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        out(f"store on disk: {size / 2**20:.1f} MiB")

        n = args.warmup + args.queries
        base = sample[rng.integers(0, len(sample), n)]
        queries = base + 0.6 * _unit(rng, n)  # noisy copies of stored vectors (cosine ~0.86)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)

        r = random.Random(args.seed + 2)
        windows, dates = [], []
        for _ in range(n):
            since = START + timedelta(days=r.randrange(DAYS - 7))
            windows.append(date_where(since, since + timedelta(days=7), r.choice(OUTLETS)))
            dates.append(date_where(since, since + timedelta(days=7)))
        wi = iter(range(10**9))
        include = ["documents", "metadatas", "distances"]

        def q_store(v: np.ndarray) -> int:
            return len(store.query_vector(v, k=args.k))

        def q_store_f(v: np.ndarray) -> int:
            return len(store.query_vector(v, k=args.k, where=windows[next(wi) % n]))

        def q_store_d(v: np.ndarray) -> int:
            return len(store.query_vector(v, k=args.k, where=dates[next(wi) % n]))

        def q_raw(v: np.ndarray) -> int:
            return len(
                collection.query(query_embeddings=[v], n_results=args.k, include=include)["ids"][0]
            )

        def q_raw_f(v: np.ndarray) -> int:
            got = collection.query(
                query_embeddings=[v], n_results=args.k, include=include, where=windows[next(wi) % n]
            )
            return len(got["ids"][0])

        article_table = list(articles.items())

        def q_ids_f(v: np.ndarray) -> int:
            # The proposed Store.query_vector path: resolve an article-level filter against an
            # in-memory article table, then restrict the vector search by chunk ids
            # (``article_id:position``) instead of a Chroma ``where``. Selection time included.
            where = windows[next(wi) % n]["$and"]
            lo, hi, outlet = (
                where[0]["published_ts"]["$gte"],
                where[1]["published_ts"]["$lt"],
                where[2]["outlet"],
            )
            ids = [
                f"{aid}:{p}"
                for aid, (ts, o, count) in article_table
                if lo <= ts < hi and o == outlet
                for p in range(count)
            ]
            if not ids:
                return 0
            got = collection.query(
                query_embeddings=[v], n_results=min(args.k, len(ids)), ids=ids, include=include
            )
            return len(got["ids"][0])

        def q_count(v: np.ndarray) -> int:
            return store.count_chunks()

        modes = [
            ("store", q_store),
            ("store+filter", q_store_f),
            ("store+dates", q_store_d),
            ("raw", q_raw),
            ("raw+filter", q_raw_f),
            ("ids+filter", q_ids_f),
            ("count() alone", q_count),
        ]
        if args.modes:
            wanted = {m.strip() for m in args.modes.split(",")}
            unknown = wanted - {name for name, _ in modes}
            if unknown:
                ap.error(f"unknown mode(s) {sorted(unknown)}; choose from {[m for m, _ in modes]}")
            modes = [(name, fn) for name, fn in modes if name in wanted]
        results: dict[str, list[dict[str, float]]] = {m: [] for m, _ in modes}
        hits: dict[str, float] = {}
        for rep in range(args.repeat):
            for name, fn in modes:
                stats, sizes = measure(fn, queries, args.warmup)
                results[name].append(stats)
                hits[name] = statistics.mean(sizes)
                out(
                    f"  round {rep + 1} {name}: p50 {stats['p50']:.2f} ms, p95 "
                    f"{stats['p95']:.2f} ms "
                    f"(load {os.getloadavg()[0]:.2f})",
                    flush=True,
                )
        out(
            f"\n{args.chunks:,} chunks, k={args.k}, {args.queries} queries x {args.repeat} "
            f"round(s) "
            f"per mode (+{args.warmup} warm-up), load avg {os.getloadavg()}"
        )
        out(
            f"{'mode':16s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} {'mean ms':>8s} "
            f"{'hits':>5s}"
        )
        for name, _ in modes:
            med = {
                key: statistics.median(s[key] for s in results[name])
                for key in ("p50", "p95", "p99", "mean")
            }
            flag = (
                "" if name.startswith("count") else ("  OK" if med["p95"] < 50 else "  OVER 50 ms")
            )
            out(
                f"{name:16s} {med['p50']:8.2f} {med['p95']:8.2f} {med['p99']:8.2f} "
                f"{med['mean']:8.2f} "
                f"{hits[name]:5.1f}{flag}"
            )
        out(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
