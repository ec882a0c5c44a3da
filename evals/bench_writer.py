"""Writer quality benchmark: does the offline digest read like an editor wrote it? (issue 15)

Not a test. Two steps, so "before" and "after" can be produced by two checkouts and scored by
one set of rules:

    # produce digests with whatever ``digest`` package is importable (e.g. an older checkout
    # on PYTHONPATH for the "before" figures)
    python evals/bench_writer.py generate OUT --neus ../shared/evaldata/neus_val_clusters.jsonl
    # score them with this checkout's rules and the default judge
    python evals/bench_writer.py score OUT

``generate`` ingests the sample corpus and the first ``--limit`` NeuS clusters (each article
as a Markdown file with an invented outlet "NeuS source N" and a fixed date; the data set
stays where it is) into ``OUT/store``, then writes, with the extractive writer:

* ``sample-brief``: ``digest brief "Putin's visit to China"`` (k=12);
* ``sample-brief-all``: ``digest brief`` without a topic (one section per story);
* ``sample-daily``: the daily digest of 2026-05-20 (five stories at most), and
  ``sample-daily-D`` for the corpus's other days (2026-05-18, 2026-05-19);
* ``neus-N``: the daily digest of cluster N (its articles only), the daily writing path.

``score`` prints per set: sentences, share with a dangling reference by
:mod:`digest.write.standalone` (our quote wrappers looked through; "stale" forward-looking
lines a later article of the digest's passages overtook are counted too), narrative
(summary/body) sentences stating one side of a fact the sources dispute
(:mod:`digest.write.contested`, over the passages' whole articles), sections per event,
coverage of the editor-written roundup's named entities and numbers (the NeuS
``reference_summary``; for the sample corpus the seed digest ``seeds/digests/000_…``, an editor's
roundup of the same event), and ALCE citation recall/precision from ``digest eval`` (the same
library call, :func:`digest.evaluate.run.evaluate_digest`, on the rendered Markdown and its
sidecar, sources from the store, default judge).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TOPIC = "Putin's visit to China"
NEUS_DAY = datetime(2020, 1, 15, tzinfo=UTC)
SAMPLE_DAY = datetime(2026, 5, 20, tzinfo=UTC)
OTHER_DAYS = (datetime(2026, 5, 18, tzinfo=UTC), datetime(2026, 5, 19, tzinfo=UTC))
ROUNDUP = REPO / "seeds" / "digests" / "000_cd5a5dc10f67e07d.txt"
# The sample corpus's events on 2026-05-20, by article URL fragment (an editor's reading).
SAMPLE_EVENTS = {"putin-flies-into-beijing": "summit", "putin-xi-sco-regional-security": "summit",
                 "xi-putin-pledge-deeper-ties": "summit", "energy-documents": "energy",
                 "online-reaction": "online reaction"}
_ENTITY = re.compile(r"\b[A-Z][\w'’-]+(?:\s+(?:of\s+)?[A-Z][\w'’-]+)*")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_NOT_ENTITY = {"The", "A", "An", "In", "On", "At", "But", "And", "This", "That", "It", "One",
               "While", "Regardless", "Analysis", "Diplomatic", "Others", "Some", "He", "She"}


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


# -- generate -----------------------------------------------------------------------------------


def _markdown(title: str, outlet: str, url: str, published: str, text: str) -> str:
    title = title.replace('"', "'")
    return (f'---\ntitle: "{title}"\noutlet: "{outlet}"\nurl: "{url}"\npublished: "{published}"'
            f"\n---\n{text}\n")


def _write_neus(path: Path, folder: Path, limit: int) -> list[dict[str, Any]]:
    clusters = []
    with path.open(encoding="utf-8") as lines:
        for index, line in enumerate(lines):
            if index >= limit:
                break
            cluster = json.loads(line)
            urls = []
            for n, article in enumerate(cluster["articles"], start=1):
                url = f"https://neus{n}.example.org/{index}/{n}"
                urls.append(url)
                (folder / f"{index:03d}-{n}.md").write_text(_markdown(
                    article["title"], f"NeuS source {n}", url,
                    (NEUS_DAY + timedelta(hours=n)).isoformat(), article["text"]), encoding="utf-8")
            clusters.append({"id": cluster["id"], "urls": urls,
                             "reference": cluster["reference_summary"]})
    return clusters


def _daily(store: Any, writer: Any, articles: list[Any], vectors: Any, since: datetime,
           until: datetime) -> Any:
    """The daily writing path of ``digest.daily.run`` on given articles (5 stories at most)."""
    from digest.briefing import Briefing
    from digest.write import stories as story_module
    from digest.write.sections import write_sections

    stories = story_module.group_stories(articles, vectors)
    merge = getattr(story_module, "merge_same_event", None)  # absent in a "before" checkout
    if merge is not None:
        stories = merge(stories, text_of=store.article_text, embed=store.embedder.embed)
    chosen, _ = story_module.select_stories(stories, 5)
    empty = Briefing(title="Daily digest", generated_at=until, writer=writer.name,
                     sentences=[], sources=[], window_start=since, window_end=until)
    return write_sections(store, writer, chosen, empty, k=8, since=since, until=until)


def generate(out: Path, neus: Path | None, limit: int) -> None:
    from digest.embed import MiniLMEmbedder
    from digest.ingest.pipeline import IngestOptions, ingest
    from digest.store import Store, date_where, open_client
    from digest.write.brief import build_briefing
    from digest.write.extractive import ExtractiveWriter

    out.mkdir(parents=True, exist_ok=True)
    store = Store(open_client(path=str(out / "store")), MiniLMEmbedder())
    sources = [str(REPO / "seeds" / "corpus")]
    clusters: list[dict[str, Any]] = []
    if neus is not None:
        folder = out / "neus-articles"
        folder.mkdir(exist_ok=True)
        clusters = _write_neus(neus, folder, limit)
        sources.append(str(folder))
    ingest(sources, store=store, fetcher=None, options=IngestOptions())
    writer = ExtractiveWriter(store.embedder)
    digests: dict[str, Any] = {}
    digests["sample-brief"] = build_briefing(store, topic=TOPIC, k=12, writer=writer,
                                             now=SAMPLE_DAY + timedelta(days=1))
    digests["sample-brief-all"] = build_briefing(store, topic=None, k=12, writer=writer,
                                                 now=SAMPLE_DAY + timedelta(days=1))
    for day in (SAMPLE_DAY, *OTHER_DAYS):
        until = day + timedelta(days=1)
        articles, vectors = store.article_vectors(date_where(day, until))
        name = "sample-daily" if day == SAMPLE_DAY else f"sample-daily-{day:%Y-%m-%d}"
        digests[name] = _daily(store, writer, articles, vectors, day, until)
    by_url = {a.url: a for a in store.articles()}
    for cluster in clusters:
        ids = [by_url[u].id for u in cluster["urls"] if u in by_url]
        articles, vectors = store.article_vectors(date_where(None, None, article_ids=ids))
        digests[cluster["id"]] = _daily(store, writer, articles, vectors, NEUS_DAY,
                                        NEUS_DAY + timedelta(days=1))
    for name, briefing in digests.items():
        (out / f"{name}.briefing.json").write_text(briefing.model_dump_json(), encoding="utf-8")
    (out / "references.json").write_text(json.dumps(
        {c["id"]: c["reference"] for c in clusters}, indent=1), encoding="utf-8")
    _out(f"wrote {len(digests)} digests to {out}")


# -- score --------------------------------------------------------------------------------------


def _items(text: str) -> tuple[set[str], set[str]]:
    """Named entities (capitalised runs, minus sentence openers) and numbers of a roundup."""
    entities = {m.group(0) for m in _ENTITY.finditer(text)
                if m.group(0) not in _NOT_ENTITY and len(m.group(0)) > 1}
    numbers = {n.rstrip(".,") for n in _NUMBER.findall(text)}
    return entities, numbers


def coverage(reference: str, digest: str) -> tuple[int, int]:
    """(found, total) of the reference's entities and numbers in the digest text."""
    entities, numbers = _items(re.sub(r"\[\d+(?:,\s*\d+)*\]", " ", reference))
    lowered = digest.lower()
    found = sum(e.lower() in lowered for e in entities)
    found += sum(re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", digest) is not None
                 for n in numbers)
    return found, len(entities) + len(numbers)


def _events(briefing: Any, name: str) -> tuple[int, int]:
    """(sections, events they cover): every NeuS cluster is one event; (0, 0) for a brief."""
    sections = len(briefing.stories)
    if not sections:
        return 0, 0
    if not name.startswith("sample"):
        return sections, 1
    covered = set()
    for source in briefing.sources:
        for fragment, event in SAMPLE_EVENTS.items():
            if fragment in (source.article.url or ""):
                covered.add(event)
    return sections, max(1, len(covered))


def _eval(briefing: Any, name: str, out: Path, store: Any, judge: Any) -> tuple[float, float]:
    from digest.evaluate.run import evaluate_digest
    from digest.render.daily import render_daily
    from digest.render.markdown import render_markdown
    from digest.render.sidecar import render_json

    path = out / "rendered" / f"{name}.md"
    path.parent.mkdir(exist_ok=True)
    if briefing.stories:
        text = render_daily(briefing, had_articles=True, html=False)[".md"]
    else:
        text = render_markdown(briefing)
    path.write_text(text, encoding="utf-8")
    path.with_suffix(".json").write_text(render_json(briefing), encoding="utf-8")
    report = evaluate_digest(path, judge=judge, store=store)
    return report.metric("citation_recall"), report.metric("citation_precision")


def _contested(briefing: Any, store: Any, find_contested: Any) -> list[tuple[str, str]]:
    """(sentence, reason) of each summary/body sentence stating one side of a disputed fact."""
    found = []
    for story in sorted({p.story for p in briefing.passages}) or [0]:
        passages = [p for p in briefing.passages if p.story == story]
        if not passages:
            continue
        contested = find_contested(passages, store.embedder, store.article_text)
        for sentence in briefing.sentences:
            if sentence.story == story and sentence.section != "differences":
                reason = contested.side_taken(sentence.text)
                if reason:
                    found.append((sentence.text, reason))
    return found


def _ratio(sections: int, events: int) -> str:
    return f"{sections / events:.2f} ({sections}/{events})" if events else "— (one section)"


def score(out: Path) -> None:
    from digest.app import build_judge
    from digest.briefing import Briefing
    from digest.config import Settings
    from digest.embed import MiniLMEmbedder
    from digest.store import Store, open_client
    from digest.write.contested import find_contested
    from digest.write.standalone import dangling_in_digest, full_names, stale_reason, unwrap

    store = Store(open_client(path=str(out / "store")), MiniLMEmbedder())
    judge = build_judge(Settings(), "embedded")
    references = json.loads((out / "references.json").read_text(encoding="utf-8"))
    roundup = ROUNDUP.read_text(encoding="utf-8")
    rows: dict[str, list[Any]] = {"sample corpus: brief": [], "sample corpus: daily": [],
                                  "NeuS clusters (daily)": []}
    examples: list[str] = []
    for path in sorted(out.glob("*.briefing.json")):
        name = path.name.removesuffix(".briefing.json")
        briefing = Briefing.model_validate_json(path.read_text(encoding="utf-8"))
        texts = [s.text for s in briefing.sentences]
        surnames = full_names(p.chunk.text for p in briefing.passages)
        flagged = [(t, r) for t, r in dangling_in_digest(texts, surnames=surnames) if r]
        published = {p.article.id: p.article.published for p in briefing.passages}
        newest = {story: max((p.article.published for p in briefing.passages
                              if p.story == story and p.article.published), default=None)
                  for story in {p.story for p in briefing.passages}}  # per section, as written
        flagged += [(s.text, [r]) for s in briefing.sentences if (r := stale_reason(
            unwrap(s.text), published.get(s.citations[0].article_id), newest.get(s.story)))]
        examples += [f"{name}: {r[0]} — {t[:90]}" for t, r in flagged[:2]]
        contested = _contested(briefing, store, find_contested)
        examples += [f"{name}: {r} — {t[:90]}" for t, r in contested[:2]]
        found, total = coverage(references.get(name, roundup), " ".join(texts))
        sections, events = _events(briefing, name)
        recall, precision = _eval(briefing, name, out, store, judge)
        key = ("sample corpus: brief" if name.startswith("sample-brief") else
               "sample corpus: daily" if name.startswith("sample-daily") else
               "NeuS clusters (daily)")
        rows[key].append((len(texts), len(flagged), sections, events, found, total, recall,
                          precision, len(contested)))
    _out("| set | digests | sentences | dangling | contested stated as fact | sections per event"
         " | roundup entities+numbers covered | ALCE citation recall | ALCE citation precision |")
    _out("|---|---|---|---|---|---|---|---|---|")
    for key, values in rows.items():
        if not values:
            continue
        n, flagged, sections, events, found, total = (sum(v[i] for v in values) for i in range(6))
        recall = sum(v[6] * v[0] for v in values) / max(n, 1)  # sentence-weighted
        precision = sum(v[7] * v[0] for v in values) / max(n, 1)
        contested = sum(v[8] for v in values)
        _out(f"| {key} | {len(values)} | {n} | {flagged / max(n, 1):.1%} ({flagged}) | "
             f"{contested} | {_ratio(sections, events)} | {found / max(total, 1):.1%} "
             f"({found}/{total}) | {recall:.1%} | {precision:.1%} |")
    for line in examples[:12]:
        _out(f"  dangling: {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write digests with the importable digest package")
    gen.add_argument("out", type=Path)
    gen.add_argument("--neus", type=Path, help="neus_val_clusters.jsonl (read in place)")
    gen.add_argument("--limit", type=int, default=30, help="NeuS clusters to use")
    sc = sub.add_parser("score", help="score the digests in OUT with this checkout's rules")
    sc.add_argument("out", type=Path)
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.out, args.neus, args.limit)
    else:
        score(args.out)


if __name__ == "__main__":
    main()
