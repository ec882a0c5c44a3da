"""Daily benchmark: wall time and peak RSS of one ``digest daily`` over N new articles.

Not a test. Generates N synthetic articles (the ingest benchmark's generator, ~600 words each,
four topics, a planted wire copy every 40th), all published within one day, into a fresh
project's inbox, then measures in separate processes (so peak RSS figures do not mix):

* **end to end**: ``python -m digest daily --config P --now T`` as cron would run it
  (interpreter start, imports, model load, ingest, grouping, writing, rendering, files); wall
  time around the process, peak RSS from ``os.wait4`` (that child's ``ru_maxrss``);
* **stages**: the same run in a worker process, on its own fresh copy of the project, with
  timers wrapped around the library calls ``run_daily`` makes (monkeypatched in the worker
  only): ingest / clustering (article vectors + grouping) / writing (retrieval, extractive
  writer, citation numbering) / render + save, plus a second run with nothing new (the
  idempotent "unchanged" path).

    python evals/bench_daily.py                      # 500 articles
    python evals/bench_daily.py --articles 100 --mode stages

Measured 2026-11-23 on the shared 2-core dev box (load average 10-20 from other jobs, so wall
times are inflated several-fold; CPU seconds are the steadier figure), 500 articles / 312k words:

    end to end      wall 1592 s, CPU 385 s, peak RSS 1276 MB   (digest daily, 5 stories, 58 sentences)
    stages run      wall 686 s, CPU 355 s, peak RSS 1294 MB (413 MB after model load)
      ingest        666 s wall / 347 s CPU  (embedding ~2,500 chunks: 561 s inside onnxruntime)
      clustering    0.5 s wall / 0.3 s CPU  (article vectors 0.35 s + average-linkage 0.14 s)
      writing       6.6 s wall / 4.6 s CPU  (retrieval, extractive writer, citation numbering)
      render + save 0.02 s
    re-run, nothing new: 1.3 s, outcome "unchanged", no file rewritten
    100 articles (stages): ingest 232 s / 69 s CPU, clustering 0.5 s, writing 20 s / 4.8 s CPU,
    peak RSS 1231 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DAY = datetime(2026, 5, 20, tzinfo=UTC)
NOW = DAY + timedelta(hours=23, minutes=30)
PROJECT = """\
sources = ["inbox"]
output_dir = "digests"
store = "chroma"
timezone = "UTC"
writer = "extractive"
stories = 5
"""


def generate(n: int, seed: int, folder: Path) -> dict[str, int]:
    """N articles (the ingest benchmark's corpus), re-dated so that all fall on ``DAY``."""
    sys.path.insert(0, str(HERE))
    from bench_ingest import generate_corpus

    meta = generate_corpus(n, seed, folder)
    for i, path in enumerate(sorted(folder.glob("*.md"))):
        published = DAY + timedelta(minutes=(i * 1381) % (23 * 60))
        lines = path.read_text(encoding="utf-8").split("\n")
        for j, line in enumerate(lines[:8]):
            if line.startswith("published: "):
                lines[j] = f"published: {json.dumps(published.isoformat())}"
            elif line.startswith("url: "):  # unique per article, as the originals' dates were
                lines[j] = f"url: {json.dumps(f'https://bench.example.com/{i:05d}')}"
        path.write_text("\n".join(lines), encoding="utf-8")
    return meta


def make_project(root: Path, n: int, seed: int) -> dict[str, int]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "digest.toml").write_text(PROJECT, encoding="utf-8")
    return generate(n, seed, root / "inbox")


# -- stage timings, in a worker process ---------------------------------------------------------


def worker(root: Path) -> dict[str, Any]:
    t0 = time.perf_counter()
    import digest.daily.run as daily
    from digest.app import build_store
    from digest.config import Settings
    from digest.daily.project import load_project
    from digest.write.extractive import ExtractiveWriter

    seconds: dict[str, float] = {"imports": time.perf_counter() - t0}
    cpu: dict[str, float] = {}  # process CPU seconds per stage: less skewed by a busy machine

    def wrap(module: Any, name: str, stage: str) -> None:
        original = getattr(module, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start, cpu_start = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - start
                cpu[stage] = cpu.get(stage, 0.0) + time.process_time() - cpu_start

        setattr(module, name, timed)

    wrap(daily, "ingest", "ingest")
    wrap(daily, "group_stories", "clustering: group")
    wrap(daily, "write_sections", "writing")
    wrap(daily, "render_daily", "render")
    wrap(daily, "publish_day", "save")
    project = load_project(root / "digest.toml")
    start = time.perf_counter()
    store = build_store(Settings(store=project.store))
    store.embedder.embed(["warm-up"])
    seconds["open store + model"] = time.perf_counter() - start
    wrap(store, "article_vectors", "clustering: vectors")
    writer = ExtractiveWriter(store.embedder)
    rss_before = _self_rss()
    model_before = store.embedder.seconds
    start, cpu_start = time.perf_counter(), time.process_time()
    result = daily.run_daily(project, store=store, fetcher=None, writer=writer, now=NOW)
    seconds["run_daily total"] = time.perf_counter() - start
    cpu["run_daily total"] = time.process_time() - cpu_start
    model = store.embedder.seconds - model_before
    start = time.perf_counter()
    again = daily.run_daily(project, store=store, fetcher=None, writer=writer,
                            now=NOW + timedelta(minutes=5))
    return {
        "seconds": seconds, "cpu_seconds": cpu, "model_seconds": model, "outcome": result.record.outcome,
        "articles": result.record.articles, "stories": result.record.stories,
        "sentences": result.record.sentences, "rerun_outcome": again.record.outcome,
        "rerun_seconds": time.perf_counter() - start, "rss_after_model_mb": rss_before,
        "rss_peak_mb": _self_rss(),
    }


def _self_rss() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(argv: list[str], env: dict[str, str]) -> tuple[float, float, float, subprocess.Popen]:
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]
    if proc.returncode != 0:
        raise SystemExit(f"{argv} failed ({proc.returncode}):\n{out}\n{err}")
    proc.stdout_text, proc.stderr_text = out, err  # type: ignore[attr-defined]
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, proc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--mode", choices=["both", "e2e", "stages"], default="both")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker)))  # noqa: T201 - the worker's result channel
        return

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGEST_", "OPENAI_"))}
    with tempfile.TemporaryDirectory(prefix="bench-daily-") as tmp:
        base = Path(tmp) / "template"
        meta = make_project(base, args.articles, args.seed)
        env["DIGEST_HOME"] = str(Path(tmp) / "home")
        report: dict[str, Any] = {"corpus": meta, "cpus": os.cpu_count(),
                                  "load_average_at_start": os.getloadavg()}
        if args.mode in ("both", "e2e"):
            root = Path(tmp) / "e2e"
            shutil.copytree(base, root)
            wall, rss, cpu, proc = _child([sys.executable, "-m", "digest", "daily", "--config",
                                           str(root / "digest.toml"), "--now", NOW.isoformat()], env)
            report["end_to_end"] = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
                                    "peak_rss_mb": round(rss, 1),
                                    "output": proc.stdout_text.strip()}  # type: ignore[attr-defined]
        if args.mode in ("both", "stages"):
            root = Path(tmp) / "stages"
            shutil.copytree(base, root)
            wall, rss, cpu, proc = _child([sys.executable, __file__, "--worker", str(root)], env)
            stages = json.loads(proc.stdout_text.strip().splitlines()[-1])  # type: ignore[attr-defined]
            for key in ("seconds", "cpu_seconds"):
                stages[key] = {k: round(v, 2) for k, v in stages[key].items()}
            stages.update(worker_wall_s=round(wall, 2), worker_cpu_s=round(cpu, 2),
                          worker_peak_rss_mb=round(rss, 1))
            report["stages"] = stages
    print(json.dumps(report, indent=2))  # noqa: T201 - a benchmark's report


if __name__ == "__main__":
    main()
