"""Synthetic (claim, evidence, label) pairs for the cross-encoder, FactCC/AlignScore style.

From NeuS *train* clusters (three outlets' leads on one story + an editor's roundup):

* positives: an article sentence against its window (``copy``), the same sentence with a
  removable clause dropped (``compress``), a roundup sentence against the article window that
  covers it best (``roundup``, kept only when that window covers most of its content words);
* negatives that keep the words and change the fact: a name or place replaced by another one of
  the same story (``entity``), two names of the sentence exchanged (``swap``: who did what to
  whom), a number (``number``) or a month / weekday / year (``date``) changed, a negation added
  or dropped (``negation``), a word replaced by its antonym (``antonym``), a real sentence with
  one fact inserted (``inserted``), a sentence of another story (``other_story``) and the right
  sentence shown the wrong evidence (``wrong_evidence``);
* role errors and word-order positives (``train/roles.py``): a quote given to another speaker,
  subject and object exchanged, two values exchanged, "from X to Y" reversed, cause and effect
  reversed; a leading clause moved to the end, an attribution moved.

SummEdits' seven non-news domains (human-labelled minimal edits) and optionally a CLIFF slice
join as they are. Every perturbation returns ``None`` when it does not apply, and never returns
the sentence unchanged. Everything is driven by one ``random.Random(seed)``.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from digest.judges import text as tx
from digest.judges.bench import summary_id
from digest.judges.features import split_windows_sentences
from digest.judges.trained import MAX_WINDOW_CHARS, select_windows
from train.roles import POSITIVE_MAKERS, ROLE_NEGATIVES, role_makers, speakers


@dataclass(frozen=True)
class Pair:
    claim: str
    evidence: str
    label: int  # 1 = the evidence supports the claim
    kind: str  # positive kind or perturbation name
    group: str  # story / document id, for splitting without leakage


# -- perturbations -----------------------------------------------------------------------------
_NAME = re.compile(r"(?<![\w'’-])[A-Z][a-zA-Z'’.-]*[a-zA-Z](?:\s+[A-Z][a-zA-Z'’.-]*[a-zA-Z])*")
_NOT_NAMES = (
    {w.capitalize() for w in tx.MONTHS | tx.WEEKDAYS}
    | {w.capitalize() for w in tx.STOPWORDS}
    | {"I", "TITLE", "ARTICLE", "But", "And", "However", "Yet", "Still", "Meanwhile"}
)
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w,]\d)")
_NUMBER_WORDS = (
    "two three four five six seven eight nine ten eleven twelve twenty thirty forty "
    "fifty hundred dozen"
).split()
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-3]\d)\b")
_AUX_WORDS = "is|was|were|are|will|would|has|have|had|can|could|should|must|did|does|do|might"
_AUX = re.compile(r"\b(" + _AUX_WORDS + r")\b(?! not\b| never\b|n't)")
_CONTRACTED = {
    "won't": "will",
    "can't": "can",
    "don't": "do",
    "doesn't": "does",
    "didn't": "did",
    "isn't": "is",
    "wasn't": "was",
    "aren't": "are",
    "weren't": "were",
    "hasn't": "has",
    "haven't": "have",
    "hadn't": "had",
    "wouldn't": "would",
    "couldn't": "could",
    "shouldn't": "should",
}


def names(sentence: str) -> list[tuple[int, int, str]]:
    """Capitalised word runs that are not the sentence's first word: names, places, titles."""
    found = []
    for m in _NAME.finditer(sentence):
        start, span = m.start(), m.group(0)
        words = span.split()
        while words and words[0] in _NOT_NAMES:  # "The White House" -> "White House"
            start += len(words[0]) + 1
            words = words[1:]
        if not words:
            continue
        before = sentence[:start].rstrip()
        if not before or before[-1] in '.!?:"“‘(':
            if len(words) == 1:
                continue  # a capitalised sentence opener, not necessarily a name
        text = " ".join(words)
        found.append((start, start + len(text), text))
    return found


def _replace(sentence: str, start: int, end: int, new: str) -> str:
    return sentence[:start] + new + sentence[end:]


def swap_entity(sentence: str, pool: list[str], rng: random.Random) -> str | None:
    """A name or place replaced by another of the same story that shares no word with it."""
    spans = names(sentence)
    rng.shuffle(spans)
    for start, end, span in spans:
        words = set(span.lower().split())
        others = [p for p in pool if not words & set(p.lower().split()) and p not in sentence]
        if others:
            return _replace(sentence, start, end, rng.choice(sorted(set(others))))
    return None


def swap_pair(sentence: str, rng: random.Random) -> str | None:
    """Two different names of the sentence exchanged: who did what to whom."""
    spans = names(sentence)
    pairs = [
        (a, b)
        for i, a in enumerate(spans)
        for b in spans[i + 1 :]
        if a[2] != b[2] and not set(a[2].split()) & set(b[2].split())
    ]
    if not pairs:
        return None
    a, b = rng.choice(pairs)
    return sentence[: a[0]] + b[2] + sentence[a[1] : b[0]] + a[2] + sentence[b[1] :]


def _other_number(token: str, pool: list[str], rng: random.Random) -> str:
    value = tx.number_value(token)
    others = [p for p in pool if tx.number_value(p) != value]
    if others and rng.random() < 0.5:
        return rng.choice(sorted(set(others)))
    if value is None:
        return rng.choice([w for w in _NUMBER_WORDS if w != token.lower()])
    if "," in token:
        new = int(value * rng.choice([0.5, 0.7, 1.3, 2, 3]))
        return f"{new:,}" if new != value else f"{int(value) + 1000:,}"
    if "." in token:
        return f"{value + rng.choice([-1.5, -0.5, 0.7, 1.2, 2.5]):.{len(token.split('.')[1])}f}"
    delta = rng.choice([1, 2, 3, 5, 7, 10]) * (1 if value < 3 or rng.random() < 0.5 else -1)
    return str(int(value) + delta)


def change_number(sentence: str, pool: list[str], rng: random.Random) -> str | None:
    """A number (digits or a number word) replaced by another of the story or a nearby value."""
    matches = [m for m in _NUMBER.finditer(sentence) if not _YEAR.fullmatch(m.group(0))]
    words = [m for m in re.finditer(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", sentence)]
    candidates = matches + words
    if not candidates:
        return None
    m = rng.choice(candidates)
    new = _other_number(m.group(0), pool, rng)
    if tx.number_value(new) == tx.number_value(m.group(0)):
        return None
    return _replace(sentence, m.start(), m.end(), new)


def change_date(sentence: str, rng: random.Random) -> str | None:
    """A month, weekday or year replaced by another one."""
    options = []
    for group in (_MONTHS, _WEEKDAYS):
        for m in re.finditer(r"\b(" + "|".join(group) + r")\b", sentence):
            if m.group(0) == "May" and not re.search(r"May\s+\d", sentence[m.start() :]):
                continue  # the verb "may"
            options.append((m, rng.choice([g for g in group if g != m.group(0)])))
    for m in _YEAR.finditer(sentence):
        options.append((m, str(int(m.group(0)) + rng.choice([-3, -2, -1, 1, 2]))))
    if not options:
        return None
    m, new = rng.choice(options)
    return _replace(sentence, m.start(), m.end(), new)


def negate(sentence: str, rng: random.Random) -> str | None:
    """A negation dropped when there is one, else 'not' added after the first auxiliary verb."""
    for contracted, plain in _CONTRACTED.items():
        m = re.search(r"\b" + re.escape(contracted) + r"\b", sentence, re.IGNORECASE)
        if m:
            new = plain if m.group(0)[0].islower() else plain.capitalize()
            return _replace(sentence, m.start(), m.end(), new)
    m = re.search(r"\b(" + _AUX_WORDS + r") not\b", sentence, re.IGNORECASE)
    if m:
        return _replace(sentence, m.start(), m.end(), m.group(1))
    m = re.search(r"\bnever\b", sentence)
    if m:
        return _replace(
            sentence, m.start(), m.end(), "always" if rng.random() < 0.3 else ""
        ).replace("  ", " ")
    m = _AUX.search(sentence)
    if m:
        return _replace(sentence, m.end(), m.end(), " not")
    return None


def antonym(sentence: str, rng: random.Random) -> str | None:
    """A word replaced by its antonym (from the judge's antonym table), keeping its case."""
    options = [m for m in re.finditer(r"[A-Za-z]+", sentence) if m.group(0).lower() in tx.ANTONYMS]
    if not options:
        return None
    m = rng.choice(options)
    word = m.group(0)
    new = rng.choice(sorted(tx.ANTONYMS[word.lower()]))
    if word[0].isupper():
        new = new.capitalize()
    return _replace(sentence, m.start(), m.end(), new)


_ADJUNCTS = (
    " in {place}",
    " on {weekday}",
    " last {month}",
    " for the {ordinal} time",
    ", according to {name},",
    " after meeting {name}",
    " with {number} others",
)
_ORDINALS = ("second", "third", "fourth", "fifth")


def insert_fact(sentence: str, foreign: list[str], rng: random.Random) -> str | None:
    """One fact that no source states: a name joined to another, or a place/time/count adjunct.

    ``foreign`` holds names from *other* stories, so the inserted name is absent from the
    evidence.
    """
    if not foreign:
        return None
    spans = names(sentence)
    if spans and rng.random() < 0.4:
        start, end, span = rng.choice(spans)
        return _replace(sentence, end, end, " and " + rng.choice(foreign))
    body = sentence.rstrip()
    end = len(body)
    while end and body[end - 1] in ".!?\"”’'":
        end -= 1
    if end < 10:
        return None
    adjunct = rng.choice(_ADJUNCTS).format(
        place=rng.choice(foreign),
        weekday=rng.choice(_WEEKDAYS),
        month=rng.choice(_MONTHS),
        ordinal=rng.choice(_ORDINALS),
        name=rng.choice(foreign),
        number=rng.randint(2, 40),
    )
    return (body[:end] + adjunct).rstrip(",") + body[end:]


_REMOVABLE = (
    re.compile(r"^(?:On|In|Last|Earlier|This) [^,]{2,30}, "),  # leading time adjunct
    re.compile(r", (?:who|which) [^,]{5,80},"),  # non-restrictive relative clause
    re.compile(r", (?:according to|said|says) [^,.]{3,60}(?=\.$)"),  # trailing attribution
    re.compile(r" \([^)]{2,60}\)"),  # parenthesis
)


def compress(sentence: str, rng: random.Random) -> str | None:
    """The sentence with one removable clause dropped: still entailed by the original."""
    options = [(p, m) for p in _REMOVABLE for m in p.finditer(sentence)]
    if not options:
        return None
    pattern, m = rng.choice(options)
    if pattern is _REMOVABLE[0]:
        rest = sentence[m.end() :]
        out = rest[:1].upper() + rest[1:]
    else:
        out = sentence[: m.start()] + sentence[m.end() :]
    return out if out != sentence and len(out.split()) >= 5 else None


# -- reading -----------------------------------------------------------------------------------
def read_jsonl(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def roundup_sentences(reference: str) -> list[str]:
    """Sentences of a NeuS roundup, without its ``TITLE=>`` / ``ARTICLE=>`` markers."""
    body = reference.split("ARTICLE=>", 1)[-1].strip()
    return [body[a:b] for a, b in split_windows_sentences(body)]


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_windows_sentences(text)]


def _window(claim: str, sources: list[str]) -> tuple[str, float] | None:
    spans = select_windows(claim, sources, k=1)
    if not spans:
        return None
    s = spans[0]
    return sources[s.source][s.start : s.end], s.cover


PARAPHRASE_COVER = 0.7  # share of a non-copied claim's weighted content words the window holds


def anchored(claim: str, evidence: str) -> bool:
    """Every number and name of ``claim`` occurs in ``evidence`` (case-blind).

    A paraphrase positive (another outlet's sentence, an editor's roundup sentence) is only
    kept when its hard facts are all in the window: "Sanders, 78, ..." against a window that
    never gives his age would teach the model that a missing number is fine.
    """
    low = evidence.lower()
    facts = [m.group(0) for m in _NUMBER.finditer(claim)] + [n for _, _, n in names(claim)]
    return all(f.lower() in low for f in facts)


def in_context(claim: str, sources: list[str], rng: random.Random) -> str | None:
    """A window of two or three sentences around the source sentence that equals ``claim``.

    Copy positives then do not always see their own sentence alone, so "the evidence is the
    claim, verbatim" is not the only shape of support the model learns.
    """
    for text in sources:
        spans = split_windows_sentences(text)
        for i, (a, b) in enumerate(spans):
            if text[a:b] != claim:
                continue
            lo = max(0, i - rng.randint(0, 1))
            hi = min(len(spans) - 1, lo + rng.randint(1, 2))
            if hi == lo:
                return None
            window = text[spans[lo][0] : spans[hi][1]]
            return window if len(window) <= MAX_WINDOW_CHARS else None
    return None


NEGATIVES = ("entity", "swap", "number", "date", "negation", "antonym", "inserted", *ROLE_NEGATIVES)


def story_pairs(
    cluster: dict,
    foreign: list[str],
    other_sentences: list[str],
    other_sources: list[str],
    rng: random.Random,
) -> list[Pair]:
    """Every pair one NeuS cluster yields (the caller samples from them)."""
    articles = [a["text"] for a in cluster["articles"] if a.get("text", "").strip()]
    if not articles:
        return []
    group = str(cluster["id"])
    pool_names = sorted({n for text in articles for _, _, n in names(text)})
    pool_numbers = sorted(
        {
            m.group(0)
            for text in articles
            for m in _NUMBER.finditer(text)
            if not _YEAR.fullmatch(m.group(0))
        }
    )
    pool_speakers = sorted({n for text in articles for _, _, n in speakers(text)})
    anchors: list[tuple[str, str, list[str]]] = []  # (claim, kind, the sources to search)
    for a, text in enumerate(articles):
        others = articles[:a] + articles[a + 1 :]
        for s in sentences(text):
            if 6 <= len(s.split()) <= 60:
                anchors.append((s, "copy", articles))
                if others:
                    anchors.append((s, "paraphrase", others))
    for s in roundup_sentences(cluster.get("reference_summary", "")):
        if 6 <= len(s.split()) <= 60:
            anchors.append((s, "roundup", articles))
    pairs: list[Pair] = []
    for claim, kind, sources in anchors:
        found = _window(claim, sources)
        if found is None:
            continue
        evidence, cover = found
        if kind != "copy" and (cover < PARAPHRASE_COVER or not anchored(claim, evidence)):
            continue  # another outlet's or the editor's words: a positive only when safe
        if kind == "copy" and rng.random() < 0.5:
            evidence = in_context(claim, sources, rng) or evidence
        pairs.append(Pair(claim, evidence, 1, kind, group))
        short = compress(claim, rng)
        if short:
            pairs.append(Pair(short, evidence, 1, "compress", group))
        for name, move in POSITIVE_MAKERS.items():  # the same facts in another word order
            moved = move(claim)
            if moved and moved != claim:
                pairs.append(Pair(moved, evidence, 1, name, group))
        makers = {
            "entity": lambda c: swap_entity(c, pool_names, rng),
            "swap": lambda c: swap_pair(c, rng),
            "number": lambda c: change_number(c, pool_numbers, rng),
            "date": lambda c: change_date(c, rng),
            "negation": lambda c: negate(c, rng),
            "antonym": lambda c: antonym(c, rng),
            "inserted": lambda c: insert_fact(c, foreign, rng),
            **role_makers(pool_speakers, rng),  # train/roles.py: right words, wrong roles
        }
        for name, make in makers.items():
            bad = make(claim)
            if bad and bad != claim:
                pairs.append(Pair(bad, evidence, 0, name, group))
        if other_sentences:
            pairs.append(Pair(rng.choice(other_sentences), evidence, 0, "other_story", group))
        if other_sources:
            wrong = _window(claim, rng.sample(other_sources, min(3, len(other_sources))))
            if wrong:
                pairs.append(Pair(claim, wrong[0], 0, "wrong_evidence", group))
    return pairs


# Share of each kind kept (negatives are plentiful; the rare hard kinds are kept whole).
KEEP = {
    "copy": 0.6,
    "paraphrase": 1.0,
    "roundup": 1.0,
    "compress": 1.0,
    "entity": 1.0,
    "swap": 1.0,
    "number": 1.0,
    "date": 1.0,
    "negation": 0.9,
    "antonym": 1.0,
    "inserted": 0.7,
    "other_story": 0.2,
    "wrong_evidence": 0.35,
    **dict.fromkeys(ROLE_NEGATIVES, 1.0),
    "reorder": 1.0,
    "attribution": 1.0,
}


def neus_pairs(clusters: list[dict], rng: random.Random) -> list[Pair]:
    """Pairs from every cluster, sampled by ``KEEP``; other stories come from the same list."""
    all_names = [n for c in clusters[:400] for a in c["articles"] for _, _, n in names(a["text"])]
    all_sentences = [s for c in clusters[:400] for a in c["articles"] for s in sentences(a["text"])]
    out: list[Pair] = []
    for i, cluster in enumerate(clusters):
        own = {n for a in cluster["articles"] for _, _, n in names(a["text"])}
        foreign = [n for n in rng.sample(all_names, min(40, len(all_names))) if n not in own]
        others = [
            clusters[j] for j in rng.sample(range(len(clusters)), min(3, len(clusters))) if j != i
        ]
        other_sources = [a["text"] for c in others for a in c["articles"]]
        other_sentences = [
            s
            for s in rng.sample(all_sentences, min(5, len(all_sentences)))
            if s not in other_sources
        ]
        for pair in story_pairs(cluster, foreign, other_sentences, other_sources, rng):
            if rng.random() < KEEP[pair.kind]:
                out.append(pair)
    return out


def document_pairs(
    rows: Iterable[dict], kind: str, *, sentence_key: str, label_key: str, windows: int = 1
) -> list[Pair]:
    """Human-labelled (claim, document) rows: the claim against its best window(s)."""
    out = []
    for row in rows:
        claim = row[sentence_key]
        docs = row.get("sources") or [row["document"]]
        label = row[label_key]
        if label not in ("supported", "unsupported"):
            continue
        for span in select_windows(claim, docs, k=windows):
            evidence = docs[span.source][span.start : span.end]
            out.append(
                Pair(claim, evidence, int(label == "supported"), kind, str(row.get("id", "")))
            )
    return out


def neus_split(clusters: list[dict], seed: int) -> tuple[list[dict], list[dict]]:
    """NeuS stories split whole: training, validation (150 stories; also used to calibrate)."""
    shuffled = list(clusters)
    random.Random(seed).shuffle(shuffled)
    n_val = min(150, len(shuffled) // 5)
    return shuffled[n_val:], shuffled[:n_val]


def summedits_split(rows: list[dict], seed: int) -> tuple[list[dict], list[dict]]:
    """SummEdits non-news rows split by document (10 % held out): training, validation."""
    docs = sorted({r["document"][:200] for r in rows})
    random.Random(seed + 3).shuffle(docs)
    val_docs = set(docs[: len(docs) // 10])
    train = [r for r in rows if r["document"][:200] not in val_docs]
    return train, [r for r in rows if r["document"][:200] in val_docs]


def cliff_split(rows: list[dict], seed: int) -> tuple[list[dict], list[dict]]:
    """CLIFF rows split by summary document (never a summary across both): train, calibration."""
    docs = sorted({summary_id(r) for r in rows})
    rng = random.Random(seed)
    rng.shuffle(docs)
    calib = set(docs[: len(docs) // 2])
    train = [r for r in rows if summary_id(r) not in calib]
    return train, [r for r in rows if summary_id(r) in calib]


def save(pairs: list[Pair], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for p in pairs:
            handle.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")


def load(path: Path) -> list[Pair]:
    return [Pair(**row) for row in read_jsonl(path)]
