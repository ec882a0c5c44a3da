"""Benchmarks of the verify-before-shipping stage (issue 10). Figures, not tests.

Three measurements, each printed with its inputs:

* ``concurrency``: a 30-sentence draft, three citations per sentence, verified by the ``llm``
  judge against the loopback OpenAI-compatible stub answering every request after 300 ms;
  wall time at concurrency 8 against concurrency 1 (target: at least 5x faster).
* ``overhead``: ``build_briefing`` on the sample corpus with and without verification by the
  offline default judge, median of ``--repeat`` runs (target: verification under 20 % of the
  brief's wall time). The store is ingested once into a temporary directory.
* ``false-cuts``: the share of faithful sentences (``evals/cases/faithful.jsonl``: hand-written
  paraphrases and verbatim sentences of the sample corpus, each with the article it rests on)
  that each judge calls unsupported; above 10 % a judge flags instead of cutting.

    python evals/bench_verify.py concurrency overhead false-cuts --judges embedded,trained
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 5, 21, tzinfo=UTC)


def out(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _corpus_store(directory: Path):  # type: ignore[no-untyped-def]
    from digest.app import build_embedder
    from digest.config import Settings
    from digest.ingest.pipeline import IngestOptions, ingest
    from digest.store import Store, open_client

    store = Store(open_client(path=str(directory)), build_embedder(Settings(home=directory)))
    ingest([str(ROOT / "seeds" / "corpus")], store=store, fetcher=None, options=IngestOptions())
    return store


def bench_concurrency(store, sentences: int, delay: float) -> None:  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(ROOT / "tests" / "llm"))
    from openai_stub import OpenAIStub, reply

    from digest.app import build_judge
    from digest.briefing import DraftSentence, Passage
    from digest.config import Settings
    from digest.write.verify import verify_drafts

    chunks = [(c, a) for a in store.articles() for c in store.chunks_of(a.id)]
    passages = [Passage(id=f"P{i}", chunk=c, article=a) for i, (c, a) in enumerate(chunks, 1)]
    drafts = [DraftSentence(text=passages[i % len(passages)].chunk.text.split(". ")[0] + ".",
                            passage_ids=[passages[(i + j) % len(passages)].id for j in range(3)])
              for i in range(sentences)]

    def answer(request):  # type: ignore[no-untyped-def]
        found = reply("Yes")
        found.delay = delay
        return found

    results = {}
    with OpenAIStub(answer) as stub:
        for concurrency in (1, 8):
            settings = Settings(openai_base_url=stub.base_url, llm_concurrency=concurrency,
                                llm_timeout=30)
            judge = build_judge(settings, "llm")
            started = time.perf_counter()
            _, _, summary = verify_drafts(drafts, passages, judge, action="cut")
            results[concurrency] = time.perf_counter() - started
            out(f"concurrency {concurrency}: {results[concurrency]:.1f} s wall for "
                f"{summary.judge_calls} judgements ({len(stub.requests)} requests so far)")
    out(f"speed-up at concurrency 8: {results[1] / results[8]:.1f}x "
        f"({sentences} sentences x 3 citations, stub answers after {delay * 1000:.0f} ms)")


def bench_overhead(store, repeat: int) -> None:  # type: ignore[no-untyped-def]
    from digest.app import build_judge
    from digest.config import Settings
    from digest.write.brief import build_briefing
    from digest.write.extractive import ExtractiveWriter
    from digest.write.verify import VerifyOptions

    writer = ExtractiveWriter(store.embedder)
    judge = build_judge(Settings(), Settings().judge)  # DIGEST_JUDGE, default trained
    times: dict[str, list[float]] = {"off": [], "on": []}
    verify_seconds = []
    for _ in range(repeat):
        for mode in ("off", "on"):
            options = VerifyOptions(judge=judge) if mode == "on" else None
            started = time.perf_counter()
            briefing = build_briefing(store, topic="Putin's visit to China", writer=writer,
                                      now=NOW, verify=options)
            times[mode].append(time.perf_counter() - started)
            if briefing.verification is not None:
                verify_seconds.append(briefing.verification.seconds)
    off, on = statistics.median(times["off"]), statistics.median(times["on"])
    stage = statistics.median(verify_seconds)
    out(f"brief without verification: median {off:.2f} s; with ({judge.name}): {on:.2f} s; "
        f"verify stage {stage:.3f} s = {100 * stage / off:.1f} % of the unverified brief "
        f"({repeat} runs each)")


def bench_false_cuts(store, judges: list[str]) -> None:  # type: ignore[no-untyped-def]
    from digest.app import build_judge
    from digest.briefing import DraftSentence, Passage
    from digest.config import Settings
    from digest.write.verify import verify_drafts

    cases = [json.loads(line) for line in
             (ROOT / "evals" / "cases" / "faithful.jsonl").read_text().splitlines() if line]
    by_source = {a.source.split("/")[-1]: a for a in store.articles()}
    for name in judges:
        judge = build_judge(Settings(), name)
        calls = {"paraphrase": [0, 0], "verbatim": [0, 0]}
        for case in cases:
            article = by_source[case["article"]]
            chunk = next(c for c in store.chunks_of(article.id)
                         if case["rests_on"] in c.text)
            passage = Passage(id="P1", chunk=chunk, article=article)
            _, cut, _ = verify_drafts([DraftSentence(text=case["sentence"], passage_ids=["P1"])],
                                      [passage], judge, action="cut")
            calls[case["kind"]][0] += bool(cut)
            calls[case["kind"]][1] += 1
        cut_all = sum(c for c, _ in calls.values())
        total = sum(n for _, n in calls.values())
        detail = ", ".join(f"{k} {c}/{n}" for k, (c, n) in calls.items())
        out(f"{name}: false cuts {cut_all}/{total} = {100 * cut_all / total:.0f} % ({detail}); "
            f"threshold {judge.threshold:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", nargs="+", choices=["concurrency", "overhead", "false-cuts"])
    parser.add_argument("--sentences", type=int, default=30)
    parser.add_argument("--delay", type=float, default=0.3)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--judges", default="embedded")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = _corpus_store(Path(tmp))
        if "concurrency" in args.what:
            bench_concurrency(store, args.sentences, args.delay)
        if "overhead" in args.what:
            bench_overhead(store, args.repeat)
        if "false-cuts" in args.what:
            bench_false_cuts(store, args.judges.split(","))


if __name__ == "__main__":
    main()
