"""Where sources differ: contrasting places, dates and figures between near-identical sentences.

Two sentences from *independent* sources (not wire copies of each other) that say nearly the
same thing (high embedding similarity) but name a different place, day or figure of the same
kind are a disagreement worth showing the reader. Each side is quoted verbatim and cited to its
own article, never reconciled or judged: "On the place, some reports say “…” [1]; others say
“…” [4]."

The feature extractors are deliberately narrow regexes (money, percentages, "N days",
weekdays, "Month D", capitalised names after a location preposition): a false "difference"
in a neutral briefing is worse than a missed one, so recall is traded for precision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from digest.briefing import DraftSentence
from digest.write.framing import framing_differences

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}

_MONEY = re.compile(r"\$\s?(\d[\d,]*(?:\.\d+)?)\s*(trillion|billion|million)?")
_PERCENT = re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:percent|per cent|%)")
_DAYS = re.compile(r"\b(\d+|" + "|".join(_NUMBER_WORDS) + r")\s+days\b", re.IGNORECASE)
_MONTH_DAY = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(\d{1,2})\b")
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b")
# A location phrase: "in|at|into" and up to six words, stopping at punctuation or at the next
# preposition; its place is the phrase's last capitalised run ("in the northern Chinese port
# city of Tianjin" -> Tianjin).
_PLACE_PHRASE = re.compile(
    r"\b(?:in|at|into)\s+((?:(?!(?:on|for|to|with|before|after|where|and|as)\b)[\w'-]+\s*){1,7})"
)
_CAPITAL_RUN = re.compile(r"[A-Z][a-z]{2,}(?:\s[A-Z][a-z]+)*")
_NOT_PLACES = set(_WEEKDAYS) | set(_MONTHS) | {"President", "Mr", "Mrs", "Ms", "The"}

# Places and days are compared only when both sentences tie them to the same kind of event
# ("confirmed on Monday" and "arrived on Wednesday" do not disagree): the nearest event verb
# before the value, within _EVENT_REACH characters, names the event.
_EVENTS = {
    "arrival": (r"arriv\w*|land(?:s|ed|ing)?|touch(?:es|ed)? down|fl(?:y|ies|ew) into"
                r"|reach(?:es|ed)"),
    "departure": r"left|leav\w*|depart\w*|ended|wrapped up|concluded",
    "meeting": r"meet\w*|met|talks|summit",
    "signing": r"sign(?:s|ed|ing)?",
    "announcement": r"announc\w*|confirm\w*|said|says|told",
}
_EVENT = re.compile("|".join(f"(?P<{name}>\\b(?:{rx})\\b)" for name, rx in _EVENTS.items()))
_EVENT_REACH = 70

LABELS = {"place": "place", "date": "date", "money": "figures", "percent": "figures",
          "days": "timing"}

SIMILAR = 0.6  # cosine similarity above which two sentences are "about the same fact"


def _event_before(text: str, position: int) -> str | None:
    last = None
    for match in _EVENT.finditer(text, max(0, position - _EVENT_REACH), position):
        last = match.lastgroup
    return last


def features(text: str) -> dict[str, set[str]]:
    """Normalised facts of each kind named in ``text`` (places/days keyed by their event)."""
    found: dict[str, set[str]] = {}

    def add(kind: str, value: str) -> None:
        found.setdefault(kind, set()).add(value)

    def add_event(kind: str, value: str, position: int) -> None:
        event = _event_before(text, position)
        # "said X, a fellow at the Institute …": after a speech verb, "at" is an affiliation
        if event is not None and not (kind == "place" and event == "announcement"):
            add(f"{kind}@{event}", value)

    for amount, unit in _MONEY.findall(text):
        add("money", f"${amount.replace(',', '')} {unit}".strip())
    for value in _PERCENT.findall(text):
        add("percent", f"{value}%")
    for value in _DAYS.findall(text):
        add("days", str(_NUMBER_WORDS.get(value.lower(), value)))
    for match in _MONTH_DAY.finditer(text):
        add_event("date", f"{match[1]} {int(match[2])}", match.start())
    for match in _WEEKDAY.finditer(text):
        add_event("date", match[1], match.start())
    for match in _PLACE_PHRASE.finditer(text):
        runs = _CAPITAL_RUN.findall(match[1])
        if runs and runs[-1].split()[0] not in _NOT_PLACES:
            add_event("place", runs[-1], match.start())
    return found


@dataclass(frozen=True)
class Claim:
    """A candidate sentence for comparison: its text, passage, source group and vector row."""

    text: str
    passage_id: str
    group: str  # wire group: copies of one wire story never "disagree" with each other
    published: float  # timestamp, for a stable "some … others" order (earlier report first)
    article_id: str


def find_differences(
    claims: list[Claim], vectors: np.ndarray, *, limit: int = 3, similar: float = SIMILAR
) -> list[tuple[str, Claim, Claim]]:
    """Up to ``limit`` (kind, earlier claim, later claim) disagreements, most similar first."""
    feats = [features(c.text) for c in claims]
    sims = vectors @ vectors.T
    best: dict[tuple[str, frozenset[str]], tuple[float, int, int]] = {}
    for i in range(len(claims)):
        for j in range(i + 1, len(claims)):
            if claims[i].group == claims[j].group or sims[i, j] < similar:
                continue
            for kind in sorted(feats[i].keys() & feats[j].keys()):
                a, b = feats[i][kind], feats[j][kind]
                if not (a - b and b - a):
                    continue
                values = frozenset({",".join(sorted(a - b)), ",".join(sorted(b - a))})
                key = (LABELS[kind.split("@")[0]], values)
                score = float(sims[i, j])
                if key not in best or score > best[key][0]:
                    best[key] = (score, i, j)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0][0], sorted(kv[0][1])))
    picked: list[tuple[str, int, int]] = []
    used: set[tuple[str, int]] = set()
    # First the best pair of each kind (place, date, figures, timing), then the runners-up.
    for first_pass in (True, False):
        for (label, _values), (_score, i, j) in ranked:
            if len(picked) == limit:
                break
            if first_pass and any(p[0] == label for p in picked):
                continue
            if (label, i) in used or (label, j) in used:  # one pair per sentence and kind
                continue
            used |= {(label, i), (label, j)}
            picked.append((label, i, j))
    out = []
    for label, i, j in picked:
        first, second = sorted((claims[i], claims[j]), key=lambda c: (c.published, c.article_id))
        out.append((label, first, second))
    return out + framing_differences(claims, vectors, out, limit=limit - len(out))


def _quote(text: str) -> str:
    text = text.strip()
    if text.endswith(".") and not text.endswith("..."):
        text = text[:-1]
    return f"“{text}”"


def difference_drafts(
    differences: list[tuple[str, Claim, Claim]], *, first_group: int = 0, story: int = 0
) -> list[DraftSentence]:
    """Two clauses per disagreement, joined by the renderer into one cited sentence."""
    drafts: list[DraftSentence] = []
    for offset, (label, first, second) in enumerate(differences):
        group = first_group + offset
        drafts.append(DraftSentence(
            text=f"On the {label}, some reports say {_quote(first.text)}",
            passage_ids=[first.passage_id], section="differences", story=story, group=group,
        ))
        drafts.append(DraftSentence(
            text=f"others say {_quote(second.text)}",
            passage_ids=[second.passage_id], section="differences", story=story, group=group,
        ))
    return drafts
