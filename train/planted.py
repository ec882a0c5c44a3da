"""Planted errors on the sample corpus: does a judge catch each kind, and stay quiet otherwise?

    python -m train.planted --judge trained
    python -m train.planted --judge embedded --json /tmp/planted-embedded.json

An extractive "briefing" of the sample corpus (``seeds/corpus``): the first body sentences of
every article, each cited to its own article. Every sentence is judged as it is (a false alarm
when it scores under the judge's threshold), then once per error kind that applies to it:

* ``place``: Tianjin <-> Beijing, Moscow <-> Shanghai, China <-> Russia;
* ``person``: Putin <-> Xi, Trump -> Putin, Polin -> Lavrov;
* ``month``: May -> June (and the other months one later); ``weekday``: one day later;
* ``number``: the first number changed (20 -> 27);
* ``negation``: "will travel" -> "will not travel" (a ``not`` after the first auxiliary), or a
  ``not`` dropped;
* ``wrong source``: the sentence cited to another article that lacks most of its words;
* ``invented``: a fact no article states appended to the sentence;
* role errors, every word kept: ``role: speaker`` (a quote or statement given to another
  person who speaks in the article), ``role: from-to`` ("from Moscow to Beijing" reversed),
  ``role: who-whom`` (two places or people of the sentence exchanged), ``role: values`` (two
  weekdays or two numbers exchanged).

The edits are written here by hand, independently of the training generator
(``train/pairs.py``), and the corpus is the project's own sample data. Runs with the project's
environment (no PyTorch).
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable
from pathlib import Path

from digest.judges import text as tx
from digest.judges.features import split_windows_sentences
from digest.judges.rolecheck import exchanged

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "seeds" / "corpus"
PER_ARTICLE = 6  # body sentences taken from each article

_PLACES = {
    "Tianjin": "Beijing",
    "Beijing": "Tianjin",
    "Moscow": "Shanghai",
    "Shanghai": "Moscow",
    "China": "Russia",
    "Russia": "China",
}
_PEOPLE = {"Putin": "Xi", "Xi": "Putin", "Trump": "Putin", "Polin": "Lavrov"}
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_AUX = re.compile(r"\b(will|would|is|was|were|are|has|had|have|could|did)\b(?! not\b)")
_INVENTED = (
    ", after a three-hour delay caused by a storm",
    ", accompanied by his defence minister and 40 business leaders",
    ", in his first foreign trip since his re-election in 2024",
    ", according to a statement from the United Nations",
)


def _swap(table: dict[str, str]) -> Callable[[str], str | None]:
    pattern = re.compile(r"\b(" + "|".join(table) + r")\b")

    def change(sentence: str) -> str | None:
        m = pattern.search(sentence)
        return None if not m else sentence[: m.start()] + table[m.group(1)] + sentence[m.end() :]

    return change


def _month(sentence: str) -> str | None:
    m = re.search(r"\b(" + "|".join(_MONTHS) + r")\s+\d", sentence)
    if not m:
        return None
    new = _MONTHS[(_MONTHS.index(m.group(1)) + 1) % 12]
    return sentence[: m.start(1)] + new + sentence[m.end(1) :]


def _weekday(sentence: str) -> str | None:
    m = re.search(r"\b(" + "|".join(_DAYS) + r")\b", sentence)
    if not m:
        return None
    return sentence[: m.start()] + _DAYS[(_DAYS.index(m.group(1)) + 1) % 7] + sentence[m.end() :]


def _number(sentence: str) -> str | None:
    m = re.search(r"(?<![\w.,$])(\d+)(?![\w.,]\d)", sentence)
    if not m or re.fullmatch(r"20\d\d", m.group(1)):
        return None
    return sentence[: m.start()] + str(int(m.group(1)) + 7) + sentence[m.end() :]


def _negation(sentence: str) -> str | None:
    m = re.search(r"\b(will|would|is|was|were|are|has|had|did|could) not\b", sentence)
    if m:
        return sentence[: m.start()] + m.group(1) + sentence[m.end() :]
    m = _AUX.search(sentence)
    return None if not m else sentence[: m.end()] + " not" + sentence[m.end() :]


_SAY = r"(?:said|says|told reporters|added|wrote)"
_WHO = r"(?:(?:Mr|Ms|Mrs|Dr)\. )?[A-Z][a-z]+(?: [A-Z][a-z]+)?"
_SAID_BY = re.compile(
    rf"[\"”],? (?P<a>{_WHO}) {_SAY}\b|[\"”],? {_SAY} (?P<b>{_WHO})|(?P<c>{_WHO}) {_SAY}\b"
)
_PRONOUNS = {"He", "She", "They", "It", "We", "I", "The", "A", "An", "This", "That"}


_BODIES = {"Ministry", "Office", "House", "Department", "Council", "Service", "Agency"}


def _person(name: str) -> bool:
    """ "Lena Haro", "Ms. Kerimova": two words, not a pronoun, not a ministry."""
    words = name.split()
    return len(words) == 2 and words[0] not in _PRONOUNS and words[-1] not in _BODIES


def article_speakers(text: str) -> list[str]:
    """Who speaks in an article: the people right before or after a verb of saying."""
    found = []
    for m in _SAID_BY.finditer(text):
        name = m.group("a") or m.group("b") or m.group("c")
        if _person(name):
            found.append(name)
    return list(dict.fromkeys(found))


def _speaker(speakers: list[str]) -> Callable[[str], str | None]:
    """The speaker of a quote or a statement replaced by another speaker of the article."""

    def change(sentence: str) -> str | None:
        m = _SAID_BY.search(sentence)
        if not m:
            return None
        group = next(g for g in ("a", "b", "c") if m.group(g))
        name = m.group(group)
        others = [p for p in speakers if p.split()[-1] not in name and name.split()[-1] not in p]
        if not _person(name) or not others:
            return None
        return sentence[: m.start(group)] + others[0] + sentence[m.end(group) :]

    return change


def _from_to(sentence: str) -> str | None:
    """ "from X to Y" -> "from Y to X", where a name or number says it is a route or a range."""
    m = re.search(
        r"\bfrom ((?:[\w-]+ ){0,2}[\w-]+) to ((?:[A-Z][\w-]*|\d[\d,.]*)(?: [A-Z][\w-]*)*)",
        sentence,
    )
    if not m or m.group(1) == m.group(2) or not re.search(r"[A-Z\d]", m.group(1)):
        return None
    return sentence[: m.start(1)] + m.group(2) + " to " + m.group(1) + sentence[m.end(2) :]


def _roles(sentence: str) -> str | None:
    """The first two different places or people of the sentence exchanged (who did what to
    whom, which event happened where)."""
    found = list(
        re.finditer(r"\b(" + "|".join(sorted({*_PLACES, *_PEOPLE})) + r")\b", sentence))
    pair = _first_pair(found)
    return exchanged(sentence, *pair) if pair else None


def _first_pair(found: list[re.Match[str]]) -> tuple[re.Match[str], re.Match[str]] | None:
    """The first two matches with different text, in sentence order."""
    return next(
        ((a, b) for i, a in enumerate(found) for b in found[i + 1 :] if a.group(0) != b.group(0)),
        None,
    )


def _values(sentence: str) -> str | None:
    """Two different weekdays, or two different plain numbers, exchanged: which date or figure
    belongs to which event."""
    for pattern in (r"\b(?:" + "|".join(_DAYS) + r")\b", r"(?<![\w.,$])\d+(?![\w.,]\d)"):
        pair = _first_pair(list(re.finditer(pattern, sentence)))
        if pair:
            return exchanged(sentence, *pair)
    return None


def _invented(index: int) -> Callable[[str], str | None]:
    def change(sentence: str) -> str | None:
        body = sentence.rstrip()
        if not body.endswith("."):
            return None
        return body[:-1] + _INVENTED[index % len(_INVENTED)] + "."

    return change


def article_body(path: Path) -> str:
    """The text of a sample-corpus file (front matter, HTML tags and JSON wrapping removed)."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        return raw.split("---", 2)[2].strip() if raw.startswith("---") else raw
    if path.suffix == ".jsonl":
        rows = [json.loads(line) for line in raw.splitlines() if line.strip()]
        return "\n\n".join(
            str(r.get("text") or r.get("body") or r.get("content") or "") for r in rows
        )
    body = re.sub(r"(?s)<(script|style|head)[^>]*>.*?</\1>", " ", raw)
    body = re.sub(r"</p>|<br\s*/?>", "\n\n", body)
    return re.sub(r"[ \t]+", " ", re.sub(r"<[^>]+>", " ", body)).strip()


def corpus() -> list[tuple[str, str]]:
    return [
        (p.name, article_body(p))
        for p in sorted(CORPUS.iterdir())
        if p.suffix in (".md", ".jsonl", ".html")
    ]


def briefing(
    articles: list[tuple[str, str]], per_article: int | None = PER_ARTICLE
) -> list[tuple[str, int]]:
    """(sentence, index of its article): the first body sentences of every article (all of
    them with ``per_article=None``)."""
    out = []
    for i, (_, text) in enumerate(articles):
        taken = 0
        for a, b in split_windows_sentences(text):
            s = text[a:b].strip()
            if len(s.split()) >= 8 and not s.startswith(("#", "<", "{")) and s.endswith("."):
                out.append((s, i))
                taken += 1
                if taken == per_article:
                    break
    return out


def _cover(sentence: str, text: str) -> float:
    words = {t.stem for t in tx.content(tx.tokens(sentence))}
    have = {t.stem for t in tx.tokens(text)}
    return len(words & have) / max(1, len(words))


def run(judge_name: str) -> dict:
    from digest.app import build_judge
    from digest.config import Settings

    judge = build_judge(Settings(), judge_name)
    articles = corpus()
    sentences = briefing(articles)
    kinds: dict[str, Callable[[str], str | None]] = {
        "place": _swap(_PLACES),
        "person": _swap(_PEOPLE),
        "month": _month,
        "weekday": _weekday,
        "number": _number,
        "negation": _negation,
    }
    results: dict[str, dict] = {}
    started, calls = time.perf_counter(), 0

    def verdict(kind: str, claim: str, source: int, original: str) -> None:
        nonlocal calls
        calls += 1
        p = judge.judge(claim, [articles[source][1]]).probability
        row = results.setdefault(kind, {"n": 0, "flagged": 0, "examples": []})
        row["n"] += 1
        flagged = p < judge.threshold
        row["flagged"] += flagged
        bad = flagged if kind == "untouched" else not flagged
        if bad and len(row["examples"]) < 4:
            row["examples"].append({"claim": claim, "original": original, "p": round(p, 3)})

    roles: dict[str, Callable[[str], str | None]] = {
        "role: from-to": _from_to,
        "role: who-whom": _roles,
        "role: values": _values,
    }
    speakers = [article_speakers(text) for _, text in articles]
    for n, (sentence, source) in enumerate(sentences):
        verdict("untouched", sentence, source, sentence)
        for kind, change in kinds.items():
            altered = change(sentence)
            if altered and altered != sentence:
                verdict(kind, altered, source, sentence)
        altered = _invented(n)(sentence)
        if altered:
            verdict("invented", altered, source, sentence)
        wrong = [
            j
            for j, (_, text) in enumerate(articles)
            if j != source and _cover(sentence, text) < 0.5
        ]
        if wrong:
            verdict("wrong source", sentence, wrong[n % len(wrong)], sentence)
    # Role errors are rarer: every body sentence of the corpus is a candidate.
    for sentence, source in briefing(articles, per_article=None):
        for kind, change in {**roles, "role: speaker": _speaker(speakers[source])}.items():
            altered = change(sentence)
            if altered and altered != sentence:
                verdict(kind, altered, source, sentence)
    seconds = time.perf_counter() - started
    summary = {
        "judge": judge_name,
        "threshold": judge.threshold,
        "sentences": len(sentences),
        "calls_per_s": round(calls / seconds, 1),
        "kinds": {
            k: {
                "n": v["n"],
                "caught" if k != "untouched" else "false_alarms": v["flagged"],
                "rate": round(v["flagged"] / v["n"], 3),
                "misses": v["examples"],
            }
            for k, v in results.items()
        },
    }
    return summary


def passages(text: str, words: int = 150) -> list[str]:
    """An article cut into passages of about ``words`` words at sentence ends (like chunks)."""
    out, current = [], []
    for a, b in split_windows_sentences(text):
        current.append(text[a:b])
        if sum(len(s.split()) for s in current) >= words:
            out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return out


def speed(judge_name: str, repeat: int = 2) -> dict:
    """Claims/s with three cited passages each: the sentence's own passage and two others.

    The sentences are copied from their passages, so the shipped judge settles them verbatim
    (``claims_per_s``); ``edited_claims_per_s`` is the shipped judge on the same sentences with
    a negation added or dropped (no copies: the verbatim search, the role and fact checks and
    the model all run); ``model_claims_per_s`` sends the copies through the wrapped model alone
    (``_batched``: through its ``judge_many``).
    """
    from digest.app import build_judge
    from digest.config import Settings

    judge = build_judge(Settings(), judge_name)
    model = getattr(judge, "inner", judge)
    articles = corpus()
    chunks = [passages(text) for _, text in articles]
    items = []
    for n, (sentence, source) in enumerate(briefing(articles)):
        own = next((c for c in chunks[source] if sentence in c), chunks[source][0])
        others = [chunks[(source + k) % len(chunks)][n % 2] for k in (3, 7)]
        items.append((sentence, [own, *others]))
    model.judge(*items[0])  # load and warm up

    def rate(run: Callable[[], object]) -> float:
        started = time.perf_counter()
        for _ in range(repeat):
            run()
        return round(repeat * len(items) / (time.perf_counter() - started), 1)

    many = getattr(model, "judge_many", None)
    edited = [(_negation(c) or c, s) for c, s in items]  # not copies: every check runs
    return {
        "claims": len(items) * repeat,
        "claims_per_s": rate(lambda: [judge.judge(c, s) for c, s in items]),
        "edited_claims_per_s": rate(lambda: [judge.judge(c, s) for c, s in edited]),
        "model_claims_per_s": rate(lambda: [model.judge(c, s) for c, s in items]),
        "model_claims_per_s_batched": rate(lambda: many(items)) if many is not None else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--judge", default="trained")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--speed", action="store_true", help="only claims/s, 3 passages each")
    args = parser.parse_args()
    if args.speed:
        print(json.dumps(speed(args.judge)))  # noqa: T201
        return
    summary = run(args.judge)
    head = f"judge {summary['judge']} threshold {summary['threshold']:.3f}, "
    print(head + f"{summary['sentences']} sentences, {summary['calls_per_s']} calls/s")  # noqa: T201
    for kind, row in summary["kinds"].items():
        label = "false alarms" if kind == "untouched" else "caught"
        print(f"{kind:<13} {row['n']:>4}  {label} {100 * row['rate']:5.1f} %")  # noqa: T201
        for miss in row["misses"][:2]:
            print(f"    p={miss['p']:.2f}  {miss['claim'][:110]}")  # noqa: T201
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
