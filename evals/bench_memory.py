"""Memory benchmark: peak RSS of `digest ingest`, `digest daily` and `digest brief`, and where
the memory goes, on N generated articles (the goal: 600 MiB, a 1 GB VM running cron).

Not a test. One corpus of N articles (``bench_daily.py``'s: the ingest benchmark's generator,
all published on one day), then, each command ``--repeat`` times in its own process (peak RSS
from ``os.wait4``, so figures do not mix), medians reported:

    ingest   digest --store S ingest CORPUS                   (a fresh store each time)
    daily    digest daily --config P --now T                  (a project whose store is a copy
             of an ingested one and whose source is the corpus: its ingest finds every article
             unchanged, then it groups, writes, verifies and renders the day's digest)
    brief    digest --store S brief TOPIC --since 2d --writer extractive   (verified)

``--stages`` adds a breakdown in one process, the resident set (VmRSS) and its high-water
mark (VmHWM) after each step: imports, tokenizer + embedding model, embedding batches,
Chroma client and its HNSW index (first query), an in-process ingest of the corpus (batches,
Python objects, Chroma writes), the default judge's model and a judged batch, its close().

    python evals/bench_memory.py --articles 1000 --repeat 3 --stages
    python evals/bench_memory.py --articles 3 --repeat 1 --commands brief    # smoke size
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_daily import NOW, PROJECT, generate  # noqa: E402

TOPIC = "gas pipeline talks"
COMMANDS = ("ingest", "daily", "brief")
GOAL_MIB = 600


def out(*parts: object) -> None:
    """A benchmark's report goes to stdout."""
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def child(argv: list[str], env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """Wall seconds, CPU seconds and peak RSS (MiB) of one command; fails loudly."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    text = proc.stdout.read() if proc.stdout else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(argv)} exited {code}:\n{text}")
    return {"wall_s": round(wall, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "rss_mib": round(usage.ru_maxrss / 1024, 1), "tail": text.strip()[-2000:]}


def _status() -> dict[str, int]:
    """VmRSS and VmHWM of this process, MiB."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            key, value = line.split(":", 1)
            found[key] = int(value.split()[0]) // 1024
    return found


def stages(corpus: Path, work: Path) -> list[tuple[str, int, int]]:
    """The breakdown, in this process: (step, VmRSS, VmHWM) after each step."""
    rows: list[tuple[str, int, int]] = []

    def mark(step: str) -> None:
        s = _status()
        rows.append((step, s.get("VmRSS", 0), s.get("VmHWM", 0)))

    mark("interpreter")
    import numpy  # noqa: F401
    import onnxruntime  # noqa: F401
    import tokenizers  # noqa: F401

    mark("import numpy, onnxruntime, tokenizers")
    import chromadb  # noqa: F401

    mark("import chromadb")
    from digest.app import build_store
    from digest.config import Settings
    from digest.ingest.pipeline import ingest

    mark("import digest (ingest, store, app)")
    from digest.embed import MiniLMEmbedder, minilm_files

    tokenizer = tokenizers.Tokenizer.from_file(str(minilm_files()[1]))
    mark("tokenizer (all-MiniLM-L6-v2)")
    del tokenizer
    embedder = MiniLMEmbedder()
    mark("embedding model loaded (onnxruntime session)")
    text = (corpus / sorted(os.listdir(corpus))[0]).read_text()[-800:]
    embedder.embed([text] * 64)
    mark("embedded 64 chunks (8 per run, no arena)")
    store = build_store(Settings(store=work / "chroma"), embedder)
    mark("Chroma client + collections")
    ingest([str(corpus)], store=store, fetcher=None)
    mark(f"in-process ingest of {len(os.listdir(corpus))} articles (batches, objects, writes)")
    store.query(TOPIC, k=12)
    mark("first query (HNSW index loaded)")
    from digest.judges.trained import TrainedJudge

    judge = TrainedJudge()
    claims = [(text[:150], [text]) for _ in range(16)]
    judge.judge_many(claims)
    mark("default judge (trained cross-encoder) loaded, 16 claims judged")
    close = getattr(judge, "close", None)
    if close is not None:
        close()
        import gc

        gc.collect()
        mark("judge.close()")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--commands", default=",".join(COMMANDS), help=f"subset of {COMMANDS}")
    ap.add_argument("--stages", action="store_true", help="also print the per-stage breakdown")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--corpus", type=Path, help="reuse this generated corpus (of --articles)")
    ap.add_argument("--store", type=Path, help="reuse this store of the corpus for daily and "
                    "brief (copied, never changed) instead of ingesting it first")
    ap.add_argument("--stages-worker", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.stages_worker:
        out(json.dumps(stages(*args.stages_worker)))
        return
    commands = [c.strip() for c in args.commands.split(",") if c.strip()]
    if unknown := set(commands) - set(COMMANDS):
        ap.error(f"unknown command(s) {sorted(unknown)}; choose from {COMMANDS}")

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGEST_", "OPENAI_"))}
    digest = [sys.executable, "-m", "digest"]
    report: dict[str, Any] = {"articles": args.articles, "cpus": os.cpu_count(),
                              "load_at_start": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        root = Path(tmp)
        env["DIGEST_HOME"] = str(root / "home")
        corpus = args.corpus or root / "corpus"
        if args.corpus is None:
            report["corpus"] = generate(args.articles, args.seed, corpus)
        out(f"{args.articles} articles in {corpus}; {os.cpu_count()} CPUs, load "
            f"{os.getloadavg()[0]:.1f}")
        store = root / "store-ingested"
        if args.store is not None:
            shutil.copytree(args.store, store)
        runs: dict[str, list[dict[str, Any]]] = {}
        # brief and daily need an ingested store: the first ingest run makes it
        need_store = any(c in commands for c in ("daily", "brief")) and not store.exists()
        for i in range(args.repeat if "ingest" in commands else int(need_store)):
            target = root / f"store-{i}"
            run = child([*digest, "--store", str(target), "ingest", str(corpus)], env, root)
            runs.setdefault("ingest", []).append(run)
            out(f"  ingest run {i + 1}: {run['wall_s']} s, peak RSS {run['rss_mib']} MiB")
            if not store.exists():
                shutil.copytree(target, store)
            shutil.rmtree(target)
        if "ingest" not in commands:
            runs.pop("ingest", None)
        for i in range(args.repeat if "daily" in commands else 0):
            project = root / f"project-{i}"
            project.mkdir()
            (project / "digest.toml").write_text(
                PROJECT.replace('sources = ["inbox"]', f'sources = ["{corpus}"]'))
            shutil.copytree(store, project / "chroma")
            run = child([*digest, "daily", "--config", str(project / "digest.toml"), "--now",
                         NOW.isoformat()], env, project)
            runs.setdefault("daily", []).append(run)
            out(f"  daily run {i + 1}: {run['wall_s']} s, peak RSS {run['rss_mib']} MiB "
                f"({run['tail'].splitlines()[-1] if run['tail'] else ''})")
        for i in range(args.repeat if "brief" in commands else 0):
            run = child([*digest, "--store", str(store), "brief", TOPIC, "--since", "2d",
                         "--now", NOW.isoformat(), "--writer", "extractive",
                         "-o", str(root / f"brief-{i}.md")], env, root)
            runs.setdefault("brief", []).append(run)
            out(f"  brief run {i + 1}: {run['wall_s']} s, peak RSS {run['rss_mib']} MiB")
        if args.stages:  # the in-process ingest takes the first 100 articles: minutes, not ten
            sample = root / "corpus-stages"
            sample.mkdir()
            for path in sorted(corpus.glob("*.md"))[:100]:
                shutil.copy(path, sample / path.name)
            worker = child([sys.executable, __file__, "--stages-worker", str(sample),
                            str(root / "stages")], env, root)
            report["stages"] = json.loads(worker["tail"].splitlines()[-1])
    out(f"\n{args.articles} articles, median of {args.repeat} run(s) per command "
        f"(load at start {report['load_at_start'][0]:.1f}):")
    out(f"{'command':8s} {'wall s':>8s} {'CPU s':>8s} {'peak RSS MiB':>13s}  runs (MiB)")
    report["commands"] = {}
    for name, got in runs.items():
        med = {k: statistics.median(r[k] for r in got) for k in ("wall_s", "cpu_s", "rss_mib")}
        report["commands"][name] = med | {"rss_runs": [r["rss_mib"] for r in got]}
        flag = "OK" if med["rss_mib"] <= GOAL_MIB else f"OVER {GOAL_MIB}"
        out(f"{name:8s} {med['wall_s']:8.1f} {med['cpu_s']:8.1f} {med['rss_mib']:13.0f}  "
            f"{[r['rss_mib'] for r in got]} {flag}")
    if "stages" in report:
        out(f"\n{'stage (one process, in order)':60s} {'RSS':>6s} {'peak':>6s}  MiB")
        for step, rss, hwm in report["stages"]:
            out(f"{step:60s} {rss:6d} {hwm:6d}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
