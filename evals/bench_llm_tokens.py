"""Token benchmark of the LLM writer: our prompt per briefing vs. stuffing every passage in.

Not a test. For each scenario (a topic, or no topic = the window's top stories) it runs the real
writer (:func:`digest.write_llm.write_llm`, real ``openai`` client, real HTTP) against the
scripted OpenAI-compatible stub server of the tests, twice:

    ours      the passages ``digest brief`` would use: StoreRetriever (k, MMR, outlet cap,
              wire copies once, relevance floor)
    naive     every chunk of the window that the topic retrieves at all (the same relevance
              floor, no k, no MMR, no outlet cap, no wire-copy rule); no topic: every chunk of
              every article in the window

and counts, from the requests the stub recorded, the prompt tokens (system + user message +
the response_format JSON schema, all of which a real server bills) and the completion tokens
of the scripted answer. Two counters, because ``tiktoken`` cannot load its BPE files offline:

    chars/4   OpenAI's rule of thumb (the stub's own ``usage`` figure for the messages)
    minilm    the embedded MiniLM WordPiece tokenizer (untruncated), a real offline tokenizer

"Same citations" is checked on what each prompt lets the model cite: the distinct source
articles (wire copies counted once), the outlets, and the versions of the corpus' known
disagreements (place, date, gap after Trump's visit, trade figure) present in the passages.

The scripted "model" writes one sentence per source article, citing all of that article's
passages, so completion figures scale with the sources offered; they are not a real model's.

    python evals/bench_llm_tokens.py                 # the 13-article seed corpus
    python evals/bench_llm_tokens.py --json out.json
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "llm"))

from langchain_openai import ChatOpenAI  # noqa: E402
from openai_stub import OpenAIStub, Recorded, Reply, approx_tokens, reply  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

from digest.briefing import Passage  # noqa: E402
from digest.embed import MiniLMEmbedder, minilm_files  # noqa: E402
from digest.ingest.pipeline import IngestOptions, ingest  # noqa: E402
from digest.llm import LLM  # noqa: E402
from digest.models import Hit  # noqa: E402
from digest.store import Store, date_where, open_client  # noqa: E402
from digest.write.llm import show_passages, write_llm  # noqa: E402
from digest.write.retrieve import MIN_RELEVANCE, StoreRetriever, as_passages, wire_group  # noqa: E402

SINCE = datetime(2026, 5, 18, tzinfo=UTC)
UNTIL = datetime(2026, 5, 21, tzinfo=UTC)
SCENARIOS: list[str | None] = [
    "Where and when did Putin arrive in China?",
    "Russia China energy pipeline and payments",
    "Ukraine peace process",
    "SCO regional security",
    None,  # the window's most covered stories
]
# The seed corpus' built-in disagreements (seeds/README.md): each version a briefing should
# be able to cite in its "Where sources differ" part.
VERSIONS = {
    "place: Tianjin": r"Tianjin", "place: Beijing": r"\bBeijing\b",
    "date: Tuesday": r"Tuesday", "date: Wednesday": r"Wednesday",
    "gap: four days": r"four days", "gap: five days / <1 week": r"five days|less than a week",
    "trade: $245bn": r"\$245 billion", "trade: $240bn": r"\$240 billion",
}


def cite_each_article(request: Recorded) -> Reply:
    """The scripted model: one sentence per source article, citing all its passages."""
    user = request.messages[1]["content"]
    sentences = []
    for block in re.findall(r"<article>(.*?)</article>", user, flags=re.S):
        outlet = re.search(r"outlet: (.*)", block)
        ids = re.findall(r'<passage id="(P\d+)">', block)
        sentences.append({"text": f"{outlet.group(1) if outlet else 'A source'} reported on "
                                  "the visit and the talks that followed.",
                          "passage_ids": ids, "section": "body"})
    sentences[0]["section"] = "summary"
    return reply({"sentences": sentences})


def naive_passages(store: Store, topic: str | None) -> list[Passage]:
    """Everything the window/topic retrieves at all: the stuff-it-all-in baseline."""
    where = date_where(SINCE, UNTIL)
    if topic:
        vector = store.embedder.embed([topic])[0]
        hits = store.query_vector(vector, k=store.count_chunks(), where=where)
        hits = [h for h in hits if 1.0 - h.distance >= MIN_RELEVANCE]
    else:
        hits = [Hit(chunk=c, article=a, distance=0.0)
                for a in store.articles(where) for c in store.chunks_of(a.id)]
    return as_passages(hits)


def coverage(passages: list[Passage]) -> dict[str, Any]:
    text = "\n".join(p.chunk.text for p in passages)
    return {
        "passages": len(passages),
        "articles": len({p.article.id for p in passages}),
        "sources (wire copies once)": len({wire_group(p.article) for p in passages}),
        "outlets": len({p.article.outlet for p in passages}),
        "versions": sorted(v for v, rx in VERSIONS.items() if re.search(rx, text)),
    }


def count(request: Recorded, tokenizer: Tokenizer) -> dict[str, int]:
    schema = json.dumps(request.body.get("response_format", {}))
    prompt = request.text() + "\n" + schema
    return {"prompt_chars4": approx_tokens(prompt),
            "prompt_minilm": len(tokenizer.encode(prompt, add_special_tokens=False).ids)}


def measure(passages: list[Passage], topic: str | None, tokenizer: Tokenizer) -> dict[str, Any]:
    by_id = {p.id: p for p in passages}
    with OpenAIStub(responder=cite_each_article) as stub:
        model = ChatOpenAI(model="gpt-4o-mini", api_key="bench", base_url=stub.base_url,
                           max_retries=0, timeout=30)
        result = write_llm(passages, topic=topic, llm=LLM(model))
        [request] = stub.requests
    completion = json.dumps({"sentences": [
        {"text": d.text, "passage_ids": d.passage_ids, "section": d.section}
        for d in result.drafts]})
    return {
        **count(request, tokenizer),
        "completion_chars4": result.usage.completion_tokens,
        "completion_minilm": len(tokenizer.encode(completion, add_special_tokens=False).ids),
        "cost_gpt4o_mini_usd": result.usage.estimated_cost_usd,
        "cited_articles": len({by_id[i].article.id for d in result.drafts for i in d.passage_ids}),
        "overlap_saved_chars4": approx_tokens("".join(p.chunk.text for p in passages))
        - approx_tokens("".join(i["text"] for a in show_passages(passages) for i in a["passages"])),
        **coverage(passages),
    }


def build_store(corpus: Path, directory: Path, embedder: MiniLMEmbedder) -> Store:
    store = Store(open_client(path=str(directory)), embedder)
    report = ingest([str(corpus)], store=store, fetcher=None, options=IngestOptions())
    if report.failures:
        raise SystemExit(f"ingest failed: {report.failures}")
    return store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO / "seeds" / "corpus")
    parser.add_argument("-k", type=int, default=12, help="passages for our writer (CLI default)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)

    embedder = MiniLMEmbedder()
    tokenizer = Tokenizer.from_file(str(minilm_files()[1]))
    tokenizer.no_truncation()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        store = build_store(args.corpus, Path(tmp), embedder)
        for topic in SCENARIOS:
            ours = StoreRetriever(store=store, k=args.k, since=SINCE, until=UNTIL).retrieve(topic)
            rows.append({"topic": topic or "(top stories)",
                         "ours": measure(ours, topic, tokenizer),
                         "naive": measure(naive_passages(store, topic), topic, tokenizer)})
    _print(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


def _print(rows: list[dict[str, Any]]) -> None:
    out = sys.stdout.write
    out("pass: passages shown; src: source articles (wire copies once); outl: outlets; ver: "
        "disagreement versions present (of 8); prompt c/4, prompt wp: prompt tokens by chars/4 "
        "and MiniLM WordPiece; compl wp: scripted completion; ovl: tokens (c/4) saved by "
        "showing chunk overlap once\n")
    out(f"{'scenario':44} {'writer':6} {'pass':>4} {'src':>3} {'outl':>4} {'ver':>3} "
        f"{'prompt c/4':>10} {'prompt wp':>9} {'compl wp':>8} {'ovl':>4}  missing versions\n")
    totals = {"ours": [0, 0], "naive": [0, 0]}
    for row in rows:
        for name in ("ours", "naive"):
            m = row[name]
            missing = sorted(set(row["naive"]["versions"]) - set(m["versions"]))
            out(f"{row['topic'][:44]:44} {name:6} {m['passages']:>4} "
                f"{m['sources (wire copies once)']:>3} {m['outlets']:>4} {len(m['versions']):>3} "
                f"{m['prompt_chars4']:>10} {m['prompt_minilm']:>9} {m['completion_minilm']:>8} "
                f"{m['overlap_saved_chars4']:>4}  "
                f"{', '.join(missing) or '-'}\n")
            totals[name][0] += m["prompt_chars4"]
            totals[name][1] += m["prompt_minilm"]
    for i, unit in enumerate(("chars/4", "MiniLM WordPiece")):
        ours, naive = totals["ours"][i], totals["naive"][i]
        out(f"total prompt tokens ({unit}): ours {ours}, naive {naive}, "
            f"ours/naive = {ours / naive:.2f}\n")


if __name__ == "__main__":
    raise SystemExit(main())
