"""Harness benchmark: does ``digest eval`` catch planted errors in a real digest, and how fast?

Not a test; it prints figures for a human to read. It ingests the sample corpus
(``seeds/corpus``) into a temporary store, writes an extractive briefing (every sentence quoted
from its source, so every sentence *should* be supported), then plants one kind of error in
every sentence where it applies and checks each variant with ``evaluate_digest(..., store=)``:

* ``number``: the first number in the sentence changed (20 -> 27);
* ``place``: Beijing <-> Tianjin, Moscow -> Shanghai, China <-> Russia;
* ``negation``: "not" after the first auxiliary verb (was -> was not);
* ``wrong source``: every ``[n]`` replaced by another source number in range.

For each kind it reports how many altered sentences the harness marks unsupported (recall
failure), and for "wrong source" how many moved citations it marks irrelevant (precision);
for the unaltered digest, how many sentences it wrongly marks unsupported. Plus wall time per
check and judge calls per second.

    python evals/bench_eval.py                    # embedded judge
    python evals/bench_eval.py --judge lexical
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 5, 22, tzinfo=UTC)
_MARKER = re.compile(r"\[(\d+(?:, \d+)*)\]")
_PLACES = {"Beijing": "Tianjin", "Tianjin": "Beijing", "Moscow": "Shanghai",
           "China": "Russia", "Russia": "China"}
_AUX = re.compile(r"\b(is|was|were|are|will|would|has|had|did|could)\b")


def _number(sentence: str) -> str | None:
    match = re.search(r"\b\d+\b", _MARKER.sub("", sentence))
    if not match:
        return None
    return sentence.replace(match.group(0), str(int(match.group(0)) + 7), 1)


def _place(sentence: str) -> str | None:
    match = re.search(r"\b(" + "|".join(_PLACES) + r")\b", sentence)
    return None if not match else (
        sentence[: match.start()] + _PLACES[match.group(1)] + sentence[match.end():])


def _negation(sentence: str) -> str | None:
    match = _AUX.search(sentence)
    return None if not match or "not" in sentence.split() else (
        sentence[: match.end()] + " not" + sentence[match.end():])


def _wrong_source(sources: int) -> Any:
    def move(sentence: str) -> str | None:
        if not _MARKER.search(sentence):
            return None
        return _MARKER.sub(lambda m: "[" + ", ".join(
            str(int(n) % sources + 1) for n in m.group(1).split(", ")) + "]", sentence)
    return move


def _plant(markdown: str, change: Any) -> tuple[str, list[str]]:
    """Apply ``change`` to every body sentence it applies to; return the text and the claims."""
    from digest.evaluate.parse import clean_claim, parse_digest_text

    parsed = parse_digest_text(markdown)
    out, cursor, changed = [], 0, []
    for sentence in parsed.sentences:
        if sentence.kind not in ("prose", "list") or not sentence.citations:
            continue
        altered = change(sentence.text)
        if altered is None or altered == sentence.text:
            continue
        out.append(markdown[cursor : sentence.start] + altered)
        cursor = sentence.end
        changed.append(clean_claim(altered))
    out.append(markdown[cursor:])
    return "".join(out), changed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--judge", default="embedded")
    parser.add_argument("--topic", default="Putin visit to China")
    args = parser.parse_args()

    from digest.app import build_judge
    from digest.config import Settings
    from digest.embed import MiniLMEmbedder
    from digest.evaluate import evaluate_digest
    from digest.ingest.pipeline import IngestOptions, ingest
    from digest.render.markdown import render_markdown
    from digest.store import Store, open_client
    from digest.write.brief import build_briefing
    from digest.write.extractive import ExtractiveWriter

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(open_client(path=f"{tmp}/chroma"), MiniLMEmbedder())
        ingest([str(REPO / "seeds" / "corpus")], store=store, fetcher=None,
               options=IngestOptions())
        briefing = build_briefing(
            store, topic=args.topic, writer=ExtractiveWriter(store.embedder), now=NOW
        )
        markdown = render_markdown(briefing)
        judge = build_judge(Settings(home=Path(tmp)), args.judge)
        calls = 0
        original = judge.judge

        def counting(claim: str, sources: list[str]) -> Any:
            nonlocal calls
            calls += 1
            return original(claim, sources)

        judge.judge = counting  # type: ignore[method-assign]
        variants = {
            "none": (markdown, []),
            "number": _plant(markdown, _number),
            "place": _plant(markdown, _place),
            "negation": _plant(markdown, _negation),
            "wrong source": _plant(markdown, _wrong_source(len(briefing.sources))),
        }
        print(f"judge {args.judge} (threshold {judge.threshold:.3f}); digest of "  # noqa: T201
              f"{len(briefing.sentences)} sentences, {len(briefing.sources)} sources")
        print(f"{'planted':<13} {'altered':>7} {'caught':>7} {'irrelevant':>10} "  # noqa: T201
              f"{'false alarms':>12} {'recall':>7} {'precision':>9} {'s/check':>8} {'calls/s':>8}")
        for name, (text, changed) in variants.items():
            path = Path(tmp) / f"{name.replace(' ', '_')}.md"
            path.write_text(text, encoding="utf-8")
            calls, started = 0, time.perf_counter()
            report = evaluate_digest(path, judge=judge, store=store)
            seconds = time.perf_counter() - started
            altered = [s for s in report.sentences if s.claim in changed]
            caught = sum(s.verdict == "unsupported" for s in altered)
            irrelevant = sum(e.relevant is False for s in altered for e in s.evidence)
            alarms = sum(s.verdict == "unsupported" for s in report.sentences
                         if s.claim not in changed)
            print(f"{name:<13} {len(altered):>7} {caught:>7} {irrelevant:>10} {alarms:>12} "  # noqa: T201
                  f"{report.metric('citation_recall'):>7.2f} "
                  f"{report.metric('citation_precision'):>9.2f} {seconds:>8.2f} "
                  f"{calls / seconds:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
