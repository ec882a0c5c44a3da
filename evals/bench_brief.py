"""Brief benchmark: wall time and peak RSS of ``digest brief --writer extractive`` on a store.

Not a test. Each run is its own process, so peak RSS figures do not mix:

* **end to end**: ``digest --store STORE brief TOPIC --writer extractive -o tmp.md`` as a user
  runs it (interpreter start, imports, model load, retrieval, writing, rendering, files); wall
  time measured around the process, peak RSS from ``os.wait4`` (that child's ``ru_maxrss``);
* **stages**: the same work in a worker process with timers around each library call
  (open store + load model, retrieve, extractive write, number citations, render + write).

Topics: by default one topical question and the no-topic "most covered stories" mode (which
clusters every article vector of the window). The store is opened read-only in spirit: only
queries run against it.

    python evals/bench_brief.py STORE_DIR                      # e.g. a Chroma dir from ingest
    python evals/bench_brief.py /tmp/bench-store-1000 --repeat 3 --topic "trade talks" --topic ""
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

NOW = "2026-05-21T06:00:00+00:00"  # fixed, so every run does the same work


def _since(value: str | None) -> datetime | None:
    """``7d`` before NOW (the CLI's ``--since`` grammar), or no window."""
    if not value:
        return None
    from digest.cli.brief import parse_since

    return parse_since(value, datetime.fromisoformat(NOW))


def _worker(store_dir: str, topic: str, k: int, since: str | None = None) -> dict[str, Any]:
    """Stage timings of one briefing, in this process."""
    started = time.perf_counter()
    from digest.app import build_store
    from digest.config import Settings
    from digest.render.formats import write_briefing
    from digest.write.cite import number_citations
    from digest.write.extractive import write_extractive
    from digest.write.retrieve import StoreRetriever

    timings: dict[str, float] = {"imports": time.perf_counter() - started}

    def timed(name: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        value = fn(*args, **kwargs)
        timings[name] = time.perf_counter() - t0
        return value

    store = timed("open store + model", build_store, Settings(store=Path(store_dir)))
    retriever = StoreRetriever(store=store, k=k, since=_since(since))
    passages = timed("retrieve", retriever.retrieve, topic or None)
    if not passages:
        return {"timings": timings, "passages": 0, "sentences": 0,
                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    model_before = store.embedder.seconds
    result = timed("write (extractive)", write_extractive, passages, embedder=store.embedder,
                   topic=topic or None)
    timings["  of which embedding model"] = store.embedder.seconds - model_before
    sentences, sources, dropped = timed("number citations", number_citations, result.drafts,
                                        passages)
    from digest.briefing import Briefing

    briefing = Briefing(title=topic or "Most covered stories", topic=topic or None,
                        generated_at=datetime.fromisoformat(NOW), writer="extractive",
                        sentences=sentences, sources=sources, passages=passages, dropped=dropped)
    with tempfile.TemporaryDirectory() as tmp:
        timed("render + write md/json", write_briefing, briefing, Path(tmp) / "b.md", "md")
    timings["total (in process)"] = time.perf_counter() - started
    return {"timings": timings, "passages": len(passages), "sentences": len(sentences),
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _run(argv: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, peak RSS (MiB) and exit status of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    out = (proc.stdout.read() if proc.stdout else "") + (proc.stderr.read() if proc.stderr else "")
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), out


def _count(store_dir: str) -> tuple[int, int]:
    from digest.app import build_store
    from digest.config import Settings

    store = build_store(Settings(store=Path(store_dir)))
    return len(store.articles()), store.count_chunks()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("store", help="Chroma directory (e.g. from bench_ingest.py --keep)")
    parser.add_argument("--topic", action="append", help="topic ('' = most covered stories); "
                        "repeatable (default: one topic and the no-topic mode)")
    parser.add_argument("-k", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--since", help="window before --now, as the CLI takes it (e.g. 7d)")
    parser.add_argument("--json", type=Path, help="also save the raw runs here")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    topics = args.topic if args.topic is not None else ["Putin visit to China", ""]

    if args.worker:
        print(json.dumps(_worker(args.store, topics[0], args.k, args.since)))  # noqa: T201 - worker protocol
        return

    articles, chunks = _count(args.store)
    print(f"store {args.store}: {articles} articles, {chunks} chunks; k={args.k}, "  # noqa: T201
          f"repeat={args.repeat}, {os.cpu_count()} CPUs, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    digest_cli = [sys.executable, "-m", "digest"]
    raw: list[dict[str, Any]] = []
    for topic in topics:
        label = repr(topic) if topic else "(no topic: most covered stories)"
        e2e, stages = [], []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                cli = [*digest_cli, "--store", args.store, "brief", *([topic] if topic else []),
                       "--writer", "extractive", "-k", str(args.k), "--now", NOW,
                       *(["--since", args.since] if args.since else []),
                       "-o", str(Path(tmp) / "b.md")]
                wall, rss, code, out = _run(cli)
                if code != 0:
                    print(f"  {label}: digest brief exited {code}: {out.strip()}")  # noqa: T201
                e2e.append({"wall_s": wall, "rss_mb": rss, "exit": code})
            worker = [sys.executable, __file__, args.store, "--worker", "--topic", topic,
                      "-k", str(args.k), *(["--since", args.since] if args.since else [])]
            _, _, code, out = _run(worker)
            stages.append(json.loads(out.strip().splitlines()[-1]) if code == 0 else {})
        raw.append({"topic": topic, "end_to_end": e2e, "stages": stages})
        med = statistics.median
        print(f"\n{label}")  # noqa: T201
        print(f"  end to end  wall {med(r['wall_s'] for r in e2e):6.2f} s   "  # noqa: T201
              f"peak RSS {max(r['rss_mb'] for r in e2e):6.0f} MiB   (median wall, max RSS)")
        good = [s for s in stages if s]
        if good:
            print(f"  {good[0]['passages']} passages -> {good[0]['sentences']} sentences; "  # noqa: T201
                  f"worker peak RSS {max(s['rss_mb'] for s in good):.0f} MiB")
            for name in good[0]["timings"]:
                values = [s["timings"][name] for s in good if name in s["timings"]]
                print(f"    {name:<28} {med(values):7.3f} s")  # noqa: T201
    if args.json:
        args.json.write_text(json.dumps(raw, indent=2))


if __name__ == "__main__":
    main()
