"""Role errors for the training pairs: the right words, in the wrong roles.

A judge that checks only *which* names, numbers and dates a sentence uses passes "Xi said
“…”" when Putin said it, "from Beijing to Moscow" when the trip went the other way, and "sales
rose 5 % and costs 3 %" when it was the reverse. These perturbations keep every word and change
who or what each belongs to:

* ``speaker``: the speaker of a quote replaced by another speaker of the same article;
* ``subject_object``: the two names around one verb exchanged ("Merkel met Macron" ->
  "Macron met Merkel");
* ``value_swap``: two numbers, or two dates, of one sentence exchanged;
* ``direction``: "from X to Y" -> "from Y to X";
* ``cause_effect``: "A because B" -> "B because A" (also "led to", "after").

And positives that move words without changing roles, so word order alone cannot decide:

* ``reorder``: a leading clause moved to the end ("After the talks, Putin left." -> "Putin
  left after the talks.");
* ``attribution``: the attribution moved ("X said Y." <-> "Y, X said.").

Each returns ``None`` when it does not apply and never the sentence unchanged.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from digest.judges import text as tx
from digest.judges.rolecheck import exchanged

_SPEECH = r"(?:said|says|told reporters|added|noted|argued|wrote|warned|explained)"
_NAME = r"(?:(?:Mr|Ms|Mrs|Dr|Gen)\.\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3}"
# "…,” Putin said" / "…,” said Putin" / "Putin said: “…" / "Putin said that …"
_SPEAKER = re.compile(
    rf"[”\"]\s*,?\s*(?P<a>{_NAME})\s+{_SPEECH}\b"
    rf"|[”\"]\s*,?\s*{_SPEECH}\s+(?P<b>{_NAME})"
    rf"|(?:^|[.!?]\s+)(?P<c>{_NAME})\s+{_SPEECH}\s*[:,]?\s*[“\"]"
)
_NOT_SPEAKERS = {w.capitalize() for w in tx.STOPWORDS} | {"He", "She", "They", "It", "We", "I"}


def speakers(text: str) -> list[tuple[int, int, str]]:
    """Names that introduce or follow a quotation in ``text``: (start, end, name)."""
    out = []
    for m in _SPEAKER.finditer(text):
        group = next(g for g in ("a", "b", "c") if m.group(g))
        name = m.group(group)
        if name.split()[0] in _NOT_SPEAKERS:
            continue
        out.append((m.start(group), m.end(group), name))
    return out


def swap_speaker(sentence: str, pool: list[str], rng: random.Random) -> str | None:
    """The quote's speaker replaced by another speaker of the article (``pool``)."""
    found = speakers(sentence)
    if not found:
        return None
    start, end, name = rng.choice(found)
    words = set(name.split())
    others = sorted({p for p in pool if not words & set(p.split()) and p not in sentence})
    if not others:
        return None
    return sentence[:start] + rng.choice(others) + sentence[end:]


_VERB = r"(?:[a-z]+(?:ed|es|s)|met|beat|led|hit|told|won|lost|took|sent|left|saw|chose)"
_AROUND_VERB = re.compile(
    rf"(?P<x>(?<![\w’'-]){_NAME})\s+(?P<v>{_VERB}(?:\s+(?:with|against|to|over|on))?)\s+"
    rf"(?:the\s+)?(?P<y>{_NAME})"
)


def swap_subject_object(sentence: str, rng: random.Random) -> str | None:
    """The subject and object names of one verb exchanged."""
    options = [
        m
        for m in _AROUND_VERB.finditer(sentence)
        if m.group("x") != m.group("y")
        and m.group("x").split()[0] not in _NOT_SPEAKERS
        and m.group("y").split()[0] not in _NOT_SPEAKERS
        and not set(m.group("x").split()) & set(m.group("y").split())
    ]
    if not options:
        return None
    m = rng.choice(options)
    x0, x1, y0, y1 = m.start("x"), m.end("x"), m.start("y"), m.end("y")
    return sentence[:x0] + m.group("y") + sentence[x1:y0] + m.group("x") + sentence[y1:]


_VALUE = re.compile(r"(?<![\w.,])\$?\d+(?:[.,]\d+)*%?(?:\s(?:percent|million|billion))?(?![\w])")
_DATE = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|June|July|August|September|October|November|December)\b"
)


def _shape(value: str) -> tuple[bool, bool, str]:
    """Money, percentage and unit word: only values of one shape are exchanged."""
    return value.startswith("$"), value.endswith(("%", "percent")), value.split()[-1]


def swap_values(sentence: str, rng: random.Random) -> str | None:
    """Two different numbers of one shape, or two different dates, of the sentence exchanged:
    which value belongs to which entity."""
    values = list(_VALUE.finditer(sentence))
    dates = list(_DATE.finditer(sentence))
    options = [
        (a, b)
        for found in (values, dates)
        for i, a in enumerate(found)
        for b in found[i + 1 :]
        if a.group(0) != b.group(0)
        and (found is dates or _shape(a.group(0))[:2] == _shape(b.group(0))[:2])
    ]
    if not options:
        return None
    a, b = rng.choice(options)
    return exchanged(sentence, a, b)


_FROM_TO = re.compile(
    r"\bfrom (?P<x>[^,;]{1,40}?) to (?P<y>[^,;.]{1,40}?)"
    r"(?=[,;.]|\s(?:on|in|at|by|for|after|before|and)\b|$)"
)


def reverse_direction(sentence: str) -> str | None:
    """ "from X to Y" -> "from Y to X" (a trip, a range, a change of hands)."""
    m = _FROM_TO.search(sentence)
    if not m or m.group("x").strip() == m.group("y").strip():
        return None
    return (
        sentence[: m.start("x")]
        + m.group("y")
        + sentence[m.end("x") : m.start("y")]
        + m.group("x")
        + sentence[m.end("y") :]
    )


_CAUSE = re.compile(
    r"^(?P<a>[^,;]{8,}?) (?P<c>because|after|led to|caused) (?P<b>[^,;]{8,}?)(?P<end>[.!?]?)$"
)


_COMMON_ENDINGS = ("s", "ed", "ing", "ion", "ment", "ers", "ity")


def _lower_first(clause: str) -> str:
    """A clause moved from the start of a sentence loses its capital, unless it starts with
    what looks like a name ("Putin", "Vladimir Putin")."""
    words = clause.split()
    first = words[0]
    common = first in _NOT_SPEAKERS or (
        first.lower().endswith(_COMMON_ENDINGS) and not (len(words) > 1 and words[1][:1].isupper())
    )
    return clause[:1].lower() + clause[1:] if common else clause


def _upper_first(clause: str) -> str:
    return clause[:1].upper() + clause[1:]


def swap_cause_effect(sentence: str) -> str | None:
    """ "A because B." -> "B because A." (also "after", "led to", "caused")."""
    m = _CAUSE.match(sentence.strip())
    if not m:
        return None
    a, b = m.group("a"), m.group("b")
    return f"{_upper_first(b)} {m.group('c')} {_lower_first(a)}{m.group('end')}"


_LEADING = re.compile(
    r"^(?P<c>(?:After|Before|While|When|As|Although|Because|Since|Despite|Following) [^,]{4,80}), "
    r"(?P<main>.+?)(?P<end>[.!?])$"
)


def reorder_clauses(sentence: str) -> str | None:
    """A leading subordinate clause moved to the end: the same facts, another order."""
    m = _LEADING.match(sentence.strip())
    if not m:
        return None
    clause, main = m.group("c"), m.group("main")
    return f"{_upper_first(main)} {clause[:1].lower() + clause[1:]}{m.group('end')}"


_SAID_THAT = re.compile(
    r"^(?P<who>[A-Z][^,“\"]{1,60}?)\s+(?P<v>said|says)\s+(?:that\s+)?"
    r"(?P<what>[^“\"]+?)(?P<end>[.!?])$"
)
_THAT_SAID = re.compile(
    r"^(?P<what>[^“\"]+?),\s+(?P<who>[^,]{2,60}?)\s+(?P<v>said|says)(?P<end>[.!?])$"
)


def move_attribution(sentence: str) -> str | None:
    """ "X said Y." <-> "Y, X said.": the attribution moved, nothing else changed."""
    s = sentence.strip()
    m = _SAID_THAT.match(s)
    if m and len(m.group("what").split()) >= 4:
        what, who = _upper_first(m.group("what")), _lower_first(m.group("who"))
        return f"{what}, {who} {m.group('v')}{m.group('end')}"
    m = _THAT_SAID.match(s)
    if m and len(m.group("what").split()) >= 4:
        who, what = _upper_first(m.group("who")), _lower_first(m.group("what"))
        return f"{who} {m.group('v')} {what}{m.group('end')}"
    return None


POSITIVE_MAKERS: dict[str, Callable[[str], str | None]] = {
    "reorder": reorder_clauses,
    "attribution": move_attribution,
}
ROLE_NEGATIVES = ("speaker", "subject_object", "value_swap", "direction", "cause_effect")
ROLE_POSITIVES = ("reorder", "attribution")


def role_makers(pool: list[str], rng: random.Random) -> dict[str, Callable[[str], str | None]]:
    """Negative makers by kind, for :func:`train.pairs.story_pairs` (``pool``: the article's
    quote speakers)."""
    return {
        "speaker": lambda c: swap_speaker(c, pool, rng),
        "subject_object": lambda c: swap_subject_object(c, rng),
        "value_swap": lambda c: swap_values(c, rng),
        "direction": reverse_direction,
        "cause_effect": swap_cause_effect,
    }
