"""Ingest benchmark: generated news corpora -> `digest.ingest.ingest` -> a fresh embedded Chroma.

Not a test. For each corpus size (default 100 and 1,000 articles of ~600 words) it writes a
deterministic corpus of Markdown files with YAML front matter (several outlets and dates, quotes,
abbreviations, numbers, and a few planted near-duplicate wire copies), then ingests it
``--repeat`` times, each run in its own subprocess (so peak RSS figures do not mix) into its own
fresh Chroma directory, and reports the median of:

    articles/s, chunks/s            over the wall time of the ``ingest()`` call alone
    model share                     MiniLMEmbedder.seconds (time inside onnxruntime) / wall
    overhead                        (wall - model) / model   -- target < 15 %
    stage breakdown                 read/parse, classify, dedupe, chunk, embed (tokenize+pool vs
                                    model), write (delete / chunk upsert / article upsert), other
    peak RSS                        ru_maxrss of the worker process (after model load and at end)
    store size                      bytes on disk of the Chroma directory after the run

Stage timers wrap library functions from the outside (monkeypatching names in the benchmark
process only); no library code is changed. ``--profile DIR`` additionally writes a cProfile of
one extra run per size and prints its top functions.

    python evals/bench_ingest.py                         # 100 and 1,000 articles, 3 repeats
    python evals/bench_ingest.py --sizes 100 --repeat 5
    python evals/bench_ingest.py --sizes 1000 --repeat 1 --keep /tmp/bench-store-1000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any


def out(*parts: object, flush: bool = True) -> None:
    """A benchmark's report goes to stdout."""
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    if flush:
        sys.stdout.flush()


# -- corpus ----------------------------------------------------------------------------------------

OUTLETS = [
    ("Harbor Wire Service", "harborwire.example.com"),
    ("The Meridian Post", "meridianpost.example.com"),
    ("Eastern Ledger", "easternledger.example.org"),
    ("Capital Dispatch", "capitaldispatch.example.com"),
    ("The Northern Tribune", "northerntribune.example.net"),
    ("Global Markets Daily", "gmdaily.example.com"),
    ("Continental Review", "contreview.example.eu"),
    ("Pacific Observer", "pacobserver.example.com"),
]
CITIES = [
    "WASHINGTON",
    "BEIJING",
    "MOSCOW",
    "BRUSSELS",
    "LONDON",
    "TOKYO",
    "NEW DELHI",
    "BERLIN",
    "PARIS",
    "ANKARA",
    "NAIROBI",
    "BRASILIA",
    "CANBERRA",
    "OTTAWA",
    "SEOUL",
    "JAKARTA",
]
FIRST = [
    "Anna",
    "Boris",
    "Chen",
    "Daria",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Karim",
    "Lena",
    "Marta",
    "Nikolai",
    "Omar",
    "Priya",
    "Quentin",
    "Rosa",
    "Samir",
    "Tomas",
    "Ulla",
    "Viktor",
    "Wen",
    "Yusuf",
    "Zofia",
]
LAST = [
    "Haro",
    "Vell",
    "Polin",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Ibrahim",
    "Kowalski",
    "Silva",
    "Novak",
    "Mehta",
    "Duarte",
    "Brandt",
    "Castillo",
    "Petrov",
    "Adeyemi",
    "Larsen",
    "Fischer",
    "Nakamura",
    "Quist",
    "Romero",
    "Sato",
    "Varga",
    "Weiss",
]
TITLES = ["Mr.", "Ms.", "Dr.", "Gen.", "Sen.", "Rep.", "Prof.", "Gov."]
ROLES = [
    "a senior fellow at the Institute for Eurasian Studies",
    "an economist at Capital Partners Inc.",
    "a spokesman for the U.N. Development Programme",
    "a former U.S. ambassador",
    "the deputy finance minister",
    "a professor of political science at St. Andrew's College",
    "chief strategist at Northbridge Asset Management Ltd.",
    "a researcher at the E.U. Institute",
    "the head of the national grid operator",
    "a trade lawyer in Geneva",
    "an analyst at Orion Research Corp.",
    "the ministry's chief negotiator",
]
ORGS = [
    "the U.S. Treasury",
    "the European Commission",
    "the International Monetary Fund",
    "the World Bank",
    "the U.N. Security Council",
    "the central bank",
    "the Finance Ministry",
    "the Energy Ministry",
    "NATO",
    "the Shanghai Cooperation Organisation",
    "OPEC+",
    "the Federal Reserve",
    "the state statistics agency",
    "the port authority",
]
TOPICS = {
    "energy": [
        "gas pipeline",
        "oil exports",
        "LNG terminal",
        "power grid",
        "coal output",
        "nuclear plant",
        "wind farms",
        "refinery capacity",
    ],
    "trade": [
        "tariff schedule",
        "export controls",
        "customs data",
        "shipping lanes",
        "semiconductor supply",
        "grain deliveries",
        "currency swap line",
        "free-trade talks",
    ],
    "politics": [
        "coalition talks",
        "state visit",
        "ceasefire proposal",
        "sanctions package",
        "election timetable",
        "security pact",
        "border agreement",
        "summit communique",
    ],
    "economy": [
        "inflation figures",
        "interest-rate decision",
        "budget deficit",
        "bond auction",
        "jobs report",
        "housing market",
        "consumer spending",
        "industrial output",
    ],
}
UNITS = [
    "billion cubic meters",
    "million barrels a day",
    "megawatts",
    "tonnes",
    "containers",
    "jobs",
    "households",
    "flights",
]
REASONS = ["ongoing negotiations", "a pending review", "commercial confidentiality"]
MONTHS = [
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
VERBS = [
    "said",
    "told reporters",
    "said in a statement",
    "wrote in a note to clients",
    "said in an interview",
    "told lawmakers",
    "said on state television",
    "added",
]
ADJ = [
    "sharp",
    "modest",
    "unexpected",
    "long-awaited",
    "contested",
    "cautious",
    "record",
    "tentative",
    "widely expected",
    "surprising",
    "prolonged",
    "limited",
]
QUOTES = [
    "We are not going to sign anything that does not protect our {a}",
    "The {a} is the real test, and everyone at the table knows it",
    "Nobody should expect a breakthrough on the {a} this week",
    "For us, the {a} matters as much as the headline numbers",
    "If the {a} slips again, the whole plan has to be rethought",
    "This is a {j} step, but it is not the end of the story",
    "Markets had priced in a {j} outcome, and that is what they got",
    "Is this the deal everyone was waiting for? Not yet",
    "We will look at the {a} line by line before we say yes",
    "The numbers on the {a} simply do not add up",
]


def _money(r: random.Random) -> str:
    return r.choice(
        [
            f"${r.randint(2, 950)} million",
            f"${r.randint(1, 99)}.{r.randint(1, 9)} billion",
            f"{r.randint(2, 400)} billion euros",
            f"${r.randint(10, 999):,},000",
        ]
    )


def _pct(r: random.Random) -> str:
    return r.choice(
        [
            f"{r.randint(0, 12)}.{r.randint(0, 9)} percent",
            f"{r.randint(1, 40)}%",
            f"{r.randint(1, 9)}.{r.randint(10, 99)} percentage points",
        ]
    )


def _person(r: random.Random) -> tuple[str, str]:
    first, last = r.choice(FIRST), r.choice(LAST)
    return f"{first} {last}", f"{r.choice(TITLES)} {last}"


def _date(r: random.Random) -> str:
    return f"{r.choice(MONTHS)} {r.randint(1, 28)}"


def _sentence(r: random.Random, topic: list[str], people: list[tuple[str, str]]) -> str:
    a, b = r.sample(topic, 2)
    org = r.choice(ORGS)
    full, short = r.choice(people)
    kind = r.randrange(14)
    if kind == 0:
        q = r.choice(QUOTES).format(a=a, j=r.choice(ADJ))
        return f'"{q}," {short} {r.choice(VERBS)}.'
    if kind == 1:
        return (
            f"{full}, {r.choice(ROLES)}, {r.choice(VERBS)} the {a} could add {_money(r)} "
            f"a year by {r.randint(2027, 2035)}."
        )
    if kind == 2:
        return (
            f"{org[0].upper() + org[1:]} said {b} rose {_pct(r)} in the "
            f"quarter to {_date(r)}, the {r.choice(ADJ)} rise since {r.randint(2008, 2024)}."
        )
    if kind == 3:
        return (
            f"According to {org}, the {a} would handle up to {r.randint(5, 120)} {r.choice(UNITS)} "
            f"once it is completed, roughly {_pct(r)} more than the current level."
        )
    if kind == 4:
        return (
            f"{short} is expected to arrive on {r.choice(WEEKDAYS)}, {_date(r)}, at about "
            f"{r.randint(1, 11)} {r.choice(['a.m.', 'p.m.'])} local time, officials said."
        )
    if kind == 5:
        return (
            f"The talks on the {a} have stalled {r.randint(2, 6)} times since {_date(r)}, "
            f"mostly over pricing and over who would pay for the {b}."
        )
    if kind == 6:
        return (
            f'"{r.choice(QUOTES).format(a=b, j=r.choice(ADJ))}. '
            f'{r.choice(QUOTES).format(a=a, j=r.choice(ADJ))}," '
            f"said {full}, {r.choice(ROLES)}."
        )
    if kind == 7:
        return (
            f"Shares of Orion Holdings Inc. fell {_pct(r)} to "
            f"{r.randint(10, 300)}.{r.randint(10, 99)} "
            f"in early trading, while the yield on the 10-year bond held near "
            f"{r.randint(1, 6)}.{r.randint(0, 99):02d}%."
        )
    if kind == 8:
        return (
            f"{org[0].upper() + org[1:]} declined to comment on the {a}, "
            f"citing {r.choice(REASONS)}."
        )
    if kind == 9:
        return (
            f"In {r.randint(2015, 2025)}, a similar plan for the {b} collapsed after the U.S. "
            f"and the "
            f"E.U. imposed {r.choice(['new', 'sweeping', 'targeted'])} restrictions, costing "
            f"exporters an estimated {_money(r)}."
        )
    if kind == 10:
        return (
            f"Critics, including {full}, argue the {a} leaves {r.randint(3, 40)} million people "
            f"exposed to {r.choice(['price swings', 'supply shocks', 'outages', 'job losses'])}."
        )
    if kind == 11:
        return (
            f"The {r.choice(ADJ)} agreement, signed on {_date(r)} in the presence of "
            f"{r.randint(2, 14)} "
            f"ministers, runs to {r.randint(12, 240)} pages and covers the {a} and the {b}."
        )
    if kind == 12:
        return (
            f'Asked whether the {a} was in trouble, {short} said: "No. We are on schedule, '
            f'and we are on budget."'
        )
    return (
        f"Officials put the cost of the {a} at {_money(r)}, about {_pct(r)} of "
        f"{r.choice(['annual output', 'the state budget', 'last year’s exports'])}."
    )


def make_article(seed: int, index: int, start: datetime) -> dict[str, Any]:
    """One synthetic article (~600 words), deterministic from (seed, index)."""
    r = random.Random(f"{seed}:{index}")
    outlet, domain = r.choice(OUTLETS)
    topic_name = r.choice(list(TOPICS))
    topic = TOPICS[topic_name]
    people = [_person(r) for _ in range(3)]
    published = start + timedelta(days=r.randint(0, 29), minutes=r.randint(0, 24 * 60 - 1))
    subject = r.choice(topic)
    title = f"{r.choice(ADJ).capitalize()} turn in {subject} as {r.choice(ORGS)} weighs next steps"
    paragraphs = [f"{r.choice(CITIES)} ({outlet.split()[-1]}) — " + _sentence(r, topic, people)]
    words = len(paragraphs[0].split())
    while words < 600:
        para = " ".join(_sentence(r, topic, people) for _ in range(r.randint(1, 3)))
        paragraphs.append(para)
        words += len(para.split())
    slug = "-".join(subject.split()) + f"-{index}"
    return {
        "title": title,
        "outlet": outlet,
        "url": f"https://{domain}/{published:%Y/%m/%d}/{slug}",
        "published": published.isoformat(),
        "author": people[0][0],
        "text": "\n\n".join(paragraphs),
    }


def wire_copy(original: dict[str, Any], seed: int, index: int) -> dict[str, Any]:
    """A near-duplicate: the same wire story republished by another outlet, lightly edited."""
    r = random.Random(f"{seed}:dup:{index}")
    outlet, domain = r.choice([o for o in OUTLETS if o[0] != original["outlet"]])
    paragraphs = original["text"].split("\n\n")
    paragraphs[0] = paragraphs[0].replace("(", "(Harbor Wire via ", 1)
    if len(paragraphs) > 6:
        del paragraphs[r.randrange(3, len(paragraphs) - 1)]  # the republisher trims a paragraph
    paragraphs.append(
        f"Reporting by {original['author']}; editing by {r.choice(FIRST)} {r.choice(LAST)}."
    )
    published = datetime.fromisoformat(original["published"]) + timedelta(hours=r.randint(1, 9))
    return {
        "title": original["title"].replace(" as ", " while ", 1),
        "outlet": outlet,
        "url": f"https://{domain}/{published:%Y/%m/%d}/wire-{index}",
        "published": published.isoformat(),
        "author": original["author"],
        "text": "\n\n".join(paragraphs),
    }


DUP_EVERY = 40  # every 40th article is a wire copy of the one before it (2.5 %)


def generate_corpus(n: int, seed: int, folder: Path) -> dict[str, int]:
    """Write ``n`` articles as .md files with front matter.

    Returns word and planted-duplicate counts."""
    folder.mkdir(parents=True, exist_ok=True)
    start = datetime(2026, 5, 1, tzinfo=UTC)
    previous: dict[str, Any] | None = None
    words = dups = 0
    for i in range(n):
        if previous is not None and i % DUP_EVERY == DUP_EVERY - 1:
            art = wire_copy(previous, seed, i)
            dups += 1
        else:
            art = make_article(seed, i, start)
        previous = art
        words += len(art["text"].split())
        front = "\n".join(
            f"{key}: {json.dumps(art[key], ensure_ascii=False)}"
            for key in ("title", "outlet", "url", "published", "author")
        )
        (folder / f"{i:05d}.md").write_text(f"---\n{front}\n---\n{art['text']}\n", encoding="utf-8")
    return {"articles": n, "words": words, "planted_duplicates": dups}


# -- measurement (runs in a worker subprocess) ---------------------------------------------------


class Timers:
    """Cumulative wall time per stage, collected by wrapping callables from the outside."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def wrap(self, fn: Any, stage: str, materialize: bool = False) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                result = fn(*args, **kwargs)
                if materialize:  # generators do their work when iterated: iterate here
                    result = list(result)
                return result
            finally:
                self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - t0
                self.calls[stage] = self.calls.get(stage, 0) + 1

        return timed

    def patch(self, owner: Any, name: str, stage: str, materialize: bool = False) -> None:
        setattr(owner, name, self.wrap(getattr(owner, name), stage, materialize))


class _TimedCollection:
    """Proxy for a Chroma collection that times delete/upsert and delegates everything else."""

    def __init__(self, inner: Any, timers: Timers, prefix: str) -> None:
        self._inner = inner
        self.delete = timers.wrap(inner.delete, f"{prefix}.delete")
        self.upsert = timers.wrap(inner.upsert, f"{prefix}.upsert")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _CpuTimedSession:
    """Proxy for the onnxruntime session that adds up process CPU time spent in ``run``.

    Process CPU time (all threads) is much less sensitive to other load on the machine than wall
    time, so ``(cpu - model_cpu) / model_cpu`` is a second, load-robust overhead figure."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.cpu = 0.0

    def run(self, *args: Any, **kwargs: Any) -> Any:
        c0 = time.process_time()
        try:
            return self._inner.run(*args, **kwargs)
        finally:
            self.cpu += time.process_time() - c0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _dir_size(path: Path) -> tuple[int, int]:
    """(apparent bytes, allocated bytes) of every file under ``path``."""
    apparent = allocated = 0
    for p in path.rglob("*"):
        if p.is_file():
            st = p.stat()
            apparent += st.st_size
            allocated += st.st_blocks * 512
    return apparent, allocated


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _no_spin_session(embedder: Any, threads: int | None) -> None:
    """Experiment ``no-spin``: the same model with onnxruntime's intra-op spin-waiting off."""
    import onnxruntime as ort

    from digest.embed import minilm_files

    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    if threads:
        options.intra_op_num_threads = threads
    embedder._session = ort.InferenceSession(
        str(minilm_files()[0]), sess_options=options, providers=["CPUExecutionProvider"]
    )


def worker(
    corpus: Path, store_path: Path, profile: Path | None, threads: int | None, experiments: set[str]
) -> dict[str, Any]:
    t_start = time.perf_counter()
    import digest.ingest.chunk
    import digest.ingest.pipeline as ingest_mod
    from digest.embed import MiniLMEmbedder
    from digest.ingest import dedupe
    from digest.ingest.pipeline import IngestOptions, ingest
    from digest.store import Store, open_client

    embedder = MiniLMEmbedder(threads=threads)
    if "no-spin" in experiments:
        _no_spin_session(embedder, threads)
    session = embedder._session = _CpuTimedSession(embedder._session)
    store = Store(open_client(path=str(store_path)), embedder)
    embedder.embed(["warm-up sentence so that session initialisation is not billed to the run."])
    embedder.seconds = 0.0
    session.cpu = 0.0
    startup = time.perf_counter() - t_start
    rss_ready = _maxrss_mb()

    timers = Timers()
    if profile is None:  # the manual timers would only blur a cProfile run
        timers.patch(ingest_mod, "expand", "expand", materialize=True)
        timers.patch(ingest_mod, "read_file", "read", materialize=True)
        timers.patch(ingest_mod, "chunk_article", "chunk")
        timers.patch(digest.ingest.chunk, "split_sentences", "chunk.sentences")
        timers.patch(dedupe, "signature", "dedupe")
        timers.patch(dedupe, "encode", "dedupe")
        timers.patch(dedupe.DuplicateIndex, "find", "dedupe")
        timers.patch(dedupe.DuplicateIndex, "add", "dedupe")
        timers.patch(store, "signatures", "classify")
        timers.patch(store, "get_article", "classify")
        timers.patch(embedder, "embed", "embed")
        timers.patch(store, "write_articles", "write")
        store._chunks = _TimedCollection(store._chunks, timers, "write.chunks")
        store._articles = _TimedCollection(store._articles, timers, "write.article")

    cpu0, t0 = time.process_time(), time.perf_counter()
    if profile is not None:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    report = ingest([str(corpus)], store=store, fetcher=None, options=IngestOptions())
    if profile is not None:
        prof.disable()
        prof.dump_stats(str(profile))
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    counts = report.counts
    return {
        "startup_s": startup,
        "wall_s": wall,
        "cpu_s": cpu,
        "model_s": embedder.seconds,
        "model_cpu_s": session.cpu,
        "articles": counts.get("added", 0) + counts.get("updated", 0),
        "failed": counts.get("failed", 0),
        "duplicates": counts.get("duplicates", 0),
        "chunks": report.chunks_written,
        "stages": timers.seconds,
        "calls": timers.calls,
        "rss_ready_mb": rss_ready,
        "rss_peak_mb": _maxrss_mb(),
        "stored_chunks": store.count_chunks(),
    }


# -- driver ---------------------------------------------------------------------------------------


def run_once(
    corpus: Path, store_path: Path, profile: Path | None, threads: int | None, experiments: set[str]
) -> dict[str, Any]:
    if store_path.exists():
        shutil.rmtree(store_path)
    cmd = [sys.executable, __file__, "--worker", str(corpus), "--store", str(store_path)]
    if profile:
        cmd += ["--profile-file", str(profile)]
    if threads:
        cmd += ["--threads", str(threads)]
    if experiments:
        cmd += ["--experiment", ",".join(sorted(experiments))]
    load = os.getloadavg()[0]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"worker failed ({proc.returncode})")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["store_bytes"], result["store_alloc_bytes"] = _dir_size(store_path)
    result["load_before"], result["load_after"] = load, os.getloadavg()[0]
    return result


def derived(r: dict[str, Any]) -> dict[str, float]:
    wall, model = r["wall_s"], r["model_s"]
    return {
        "articles_per_s": r["articles"] / wall,
        "chunks_per_s": r["chunks"] / wall,
        "model_share": model / wall,
        "overhead": (wall - model) / model if model else float("nan"),
        "model_ms_per_chunk": 1000 * model / max(r["chunks"], 1),
        "cpu_overhead": (r["cpu_s"] - r["model_cpu_s"]) / r["model_cpu_s"]
        if r["model_cpu_s"]
        else float("nan"),
    }


STAGE_ROWS = [
    ("read", "read/parse (file read, front matter, Article)"),
    ("classify", "classify (store lookups by id)"),
    ("dedupe", "dedupe (MinHash + LSH)"),
    ("chunk", "chunk (sentences + packing)"),
    ("chunk.sentences", "  of which sentence splitting (pysbd)"),
    ("embed.prep", "embed: tokenize, pad, pool"),
    ("model", "embed: inside the ONNX model"),
    ("write", "write (Chroma)"),
    ("write.chunks.delete", "  of which delete old chunks"),
    ("write.chunks.upsert", "  of which chunk upsert"),
    ("write.article.upsert", "  of which article upsert"),
    ("expand", "expand (walk folder)"),
    ("other", "other (ingest loop, unaccounted)"),
]


def stage_table(runs: list[dict[str, Any]]) -> list[tuple[str, float, float, float]]:
    """(label, median seconds, share of wall, share of model time) per stage."""
    rows = []
    for key, label in STAGE_ROWS:
        values = []
        for r in runs:
            s = dict(r["stages"])
            s["model"] = r["model_s"]
            s["embed.prep"] = s.get("embed", 0.0) - r["model_s"]
            top = ("expand", "read", "classify", "dedupe", "chunk", "embed", "write")
            s["other"] = r["wall_s"] - sum(s.get(k, 0.0) for k in top)
            values.append((s.get(key, 0.0), r["wall_s"], r["model_s"]))
        sec = statistics.median(v[0] for v in values)
        wall = statistics.median(v[1] for v in values)
        model = statistics.median(v[2] for v in values)
        rows.append((label, sec, sec / wall, sec / model if model else float("nan")))
    return rows


def summarize(size: int, runs: list[dict[str, Any]], meta: dict[str, int]) -> dict[str, Any]:
    med = lambda key: statistics.median(r[key] for r in runs)  # noqa: E731
    dmed = lambda key: statistics.median(derived(r)[key] for r in runs)  # noqa: E731
    return {
        "size": size,
        "runs": len(runs),
        "corpus_words": meta["words"],
        "planted_duplicates": meta["planted_duplicates"],
        "articles": med("articles"),
        "chunks": med("chunks"),
        "duplicates_found": med("duplicates"),
        "failed": med("failed"),
        "wall_s": med("wall_s"),
        "wall_s_all": [round(r["wall_s"], 2) for r in runs],
        "cpu_s": med("cpu_s"),
        "model_s": med("model_s"),
        "startup_s": med("startup_s"),
        "articles_per_s": dmed("articles_per_s"),
        "chunks_per_s": dmed("chunks_per_s"),
        "model_share": dmed("model_share"),
        "overhead": dmed("overhead"),
        "overhead_all": [round(derived(r)["overhead"], 3) for r in runs],
        "cpu_overhead": dmed("cpu_overhead"),
        "model_cpu_s": med("model_cpu_s"),
        "model_ms_per_chunk": dmed("model_ms_per_chunk"),
        "rss_ready_mb": med("rss_ready_mb"),
        "rss_peak_mb": med("rss_peak_mb"),
        "store_mb": med("store_bytes") / 2**20,
        "store_alloc_mb": med("store_alloc_bytes") / 2**20,
        "load": [round(r["load_before"], 2) for r in runs],
        "stages": stage_table(runs),
    }


def print_summary(s: dict[str, Any]) -> None:
    out(
        f"\n== {s['size']} articles ({s['corpus_words']:,} words, {s['planted_duplicates']} "
        f"planted "
        f"near-duplicates) — median of {s['runs']} run(s) =="
    )
    out(
        f"ingested {s['articles']:.0f} articles, {s['chunks']:.0f} chunks, "
        f"{s['duplicates_found']:.0f} duplicates linked, {s['failed']:.0f} failed"
    )
    out(
        f"wall {s['wall_s']:.2f} s (runs: {s['wall_s_all']}), process CPU {s['cpu_s']:.2f} s, "
        f"model load + warm-up {s['startup_s']:.2f} s (not in wall)"
    )
    out(
        f"articles/s {s['articles_per_s']:.2f}   chunks/s {s['chunks_per_s']:.1f}   "
        f"model {s['model_ms_per_chunk']:.1f} ms/chunk"
    )
    status = "OK" if s["overhead"] < 0.15 else "OVER TARGET"
    out(
        f"model share of wall {s['model_share']:.1%}   overhead on top of model "
        f"{s['overhead']:.1%} (runs: {s['overhead_all']}; target < 15%: {status})"
    )
    out(
        f"CPU-time view (less load-sensitive): process CPU {s['cpu_s']:.1f} s, of which in the "
        f"model "
        f"{s['model_cpu_s']:.1f} s -> overhead {s['cpu_overhead']:.1%}"
    )
    out(
        f"peak RSS {s['rss_peak_mb']:.0f} MiB (after model load: {s['rss_ready_mb']:.0f} MiB)   "
        f"store {s['store_mb']:.1f} MiB on disk ({s['store_alloc_mb']:.1f} MiB allocated)   "
        f"1-min load avg before runs: {s['load']}"
    )
    out(f"{'stage':48s} {'seconds':>8s} {'% wall':>7s} {'% of model':>10s}")
    for label, sec, share, rel in s["stages"]:
        out(f"{label:48s} {sec:8.3f} {share:7.1%} {rel:10.1%}")


def print_profile(path: Path, top: int = 25) -> None:
    import pstats

    out(f"\n-- cProfile {path} (top {top} by cumulative time) --")
    pstats.Stats(str(path)).sort_stats("cumulative").print_stats(top)
    out(f"-- top {top} by own time --")
    pstats.Stats(str(path)).sort_stats("tottime").print_stats(top)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="100,1000", help="comma-separated article counts")
    ap.add_argument("--repeat", type=int, default=3, help="runs per size; the median is reported")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--keep", type=Path, help="keep the store of the 1,000-article run (or the largest) here"
    )
    ap.add_argument(
        "--corpus-dir", type=Path, help="write corpora here (default: a temp dir, removed)"
    )
    ap.add_argument(
        "--profile", type=Path, help="also run once per size under cProfile; .pstats go here"
    )
    ap.add_argument("--threads", type=int, help="onnxruntime intra-op threads (default: its own)")
    ap.add_argument(
        "--experiment",
        default="",
        help="comma-separated what-ifs, measured without changing library code: "
        "no-spin (onnxruntime intra-op spinning off). The earlier batched-writes and re-cache "
        "experiments are now in the library (Store.write_articles, sentences._segmenter)",
    )
    ap.add_argument("--json", type=Path, help="write all raw runs and summaries as JSON here")
    ap.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--profile-file", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()

    experiments = {e.strip() for e in args.experiment.split(",") if e.strip()}
    unknown = experiments - {"no-spin"}
    if unknown:
        ap.error(f"unknown experiment(s): {sorted(unknown)}")
    if args.worker:
        result = worker(args.worker, args.store, args.profile_file, args.threads, experiments)
        out(json.dumps(result))
        return

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    keep_size = 1000 if 1000 in sizes else max(sizes)
    scratch = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    corpus_root = args.corpus_dir or scratch / "corpus"
    out(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load avg {os.getloadavg()}, "
        f"scratch {scratch}, experiments: {sorted(experiments) or 'none'}"
    )
    everything: dict[str, Any] = {}
    try:
        for size in sizes:
            corpus = corpus_root / f"n{size}-seed{args.seed}"
            if corpus.exists():
                shutil.rmtree(corpus)
            t0 = time.perf_counter()
            meta = generate_corpus(size, args.seed, corpus)
            out(f"generated {size} articles in {time.perf_counter() - t0:.1f} s -> {corpus}")
            runs = []
            for i in range(args.repeat):
                store_path = scratch / f"store-{size}-{i}"
                r = run_once(corpus, store_path, None, args.threads, experiments)
                d = derived(r)
                out(
                    f"  run {i + 1}/{args.repeat}: wall {r['wall_s']:.2f} s, model "
                    f"{r['model_s']:.2f} s, "
                    f"overhead {d['overhead']:.1%} (CPU view {d['cpu_overhead']:.1%}), "
                    f"{d['chunks_per_s']:.1f} chunks/s, "
                    f"load {r['load_before']:.2f}->{r['load_after']:.2f}",
                    flush=True,
                )
                runs.append(r)
                if args.keep and size == keep_size and i == args.repeat - 1:
                    if args.keep.exists():
                        shutil.rmtree(args.keep)
                    shutil.copytree(store_path, args.keep)
                    out(f"  kept store of {size} articles at {args.keep}")
                shutil.rmtree(store_path, ignore_errors=True)
            summary = summarize(size, runs, meta)
            print_summary(summary)
            everything[str(size)] = {"summary": summary, "runs": runs}
            if args.profile:
                args.profile.mkdir(parents=True, exist_ok=True)
                prof = args.profile / f"ingest-{size}.pstats"
                store_path = scratch / f"store-{size}-profile"
                r = run_once(corpus, store_path, prof, args.threads, experiments)
                shutil.rmtree(store_path, ignore_errors=True)
                out(f"\ncProfile run: wall {r['wall_s']:.2f} s (profiler overhead included)")
                print_profile(prof)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(everything, indent=1, default=str))


if __name__ == "__main__":
    main()
