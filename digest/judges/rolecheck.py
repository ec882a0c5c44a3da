"""Role check: a sentence one exchange away from a verbatim copy has its roles wrong.

A judge that checks *which* names, numbers and dates a sentence uses passes "Russia accused
Ukraine" when the passage says "Ukraine accused Russia": every word is there. This check asks
whether the sentence, with two of its own names (or two numbers, or two dates) exchanged, or
"from X to Y" turned round, or the speaker of its verbatim quote replaced by a person the
passage names, becomes a verbatim copy of a cited passage (:func:`verbatim_match`, with its
boundaries and attribution rules). If so, the passage says the other thing: the sentence is a
role error, and the check says which exchange restores the passage.

The same question finds a copy with one fact edited (:func:`edited_fact`): one name, number or
date word of the sentence replaced by another of its kind ("Tianjin" for "Beijing", "27" for
"20"), or a negation added or dropped, and the rest a verbatim copy. Equal values written
differently ("3" and "three") are not an edit.

Both run only on sentences that are not verbatim themselves, so a copy can never be flagged by
them. Exchanges that do not change a role are skipped: two names joined by "and", "or", "with" or
"met" ("Putin and Xi" = "Xi and Putin"). It finds only role errors in otherwise copied
sentences; a paraphrase with a swapped role is left to the judge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from digest.judges import text as tx
from digest.judges.copies import normalise, normalised, strip_markers, verbatim_match

_CAP = r"[A-Z][\w-]*(?:['’](?!s\b)[\w-]+)?"  # "O'Brien", not the "'s" of "Putin's"
_NAME = re.compile(rf"(?:(?:Mr|Ms|Mrs|Dr)\. )?{_CAP}(?: {_CAP})*")
_WORD = re.compile(_CAP)
_VALUE = re.compile(r"(?<![\w.,])\$?\d+(?:[.,]\d+)*%?(?![\w])")
_DATE = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|May|June|July|August|September|October|November|December)\b"
)
_SYMMETRIC = re.compile(r"^\s*(?:,|and|or|&|/|-|with|met|met with|,? and|and the|vs\.?)\s*$", re.I)
_FROM_TO = re.compile(r"\bfrom ((?:[\w'’-]+ ){0,3}?[\w'’-]+) to ((?:[\w'’-]+ ?){1,4})")
_QUOTED = re.compile(r"[“\"][^”\"]{20,}[”\"]")
_LEADERS = frozenset("The A An In On At But And As After Before When While If".split())
MAX_NAMES = 14  # exchanges tried grow with the square of this


@dataclass(frozen=True)
class RoleError:
    """Where the passage states the sentence with its roles the other way, and in words."""

    source: int
    start: int
    end: int
    what: str
    kind: str = "roles"  # "roles" or "fact"


def _names(text: str, limit: int | None = MAX_NAMES) -> list[re.Match[str]]:
    """Capitalised runs ("Vladimir Putin") and, inside longer runs, each word alone (a swap
    may have made "Vladimir China" out of "Vladimir Putin")."""
    out = []
    for m in _NAME.finditer(text):
        words = m.group(0).split()
        if len(words) == 1 and words[0] in _LEADERS:
            continue
        out.append(m)
        if len(words) > 1:
            out.extend(
                w for w in _WORD.finditer(text, m.start(), m.end()) if w.group(0) not in _LEADERS
            )
    return sorted(out, key=lambda m: (m.start(), -m.end()))[:limit]


def exchanged(text: str, a: re.Match[str], b: re.Match[str]) -> str:
    """``text`` with the spans of ``a`` and ``b`` (``a`` first) exchanged: the one exchange the
    role check undoes and the training and planted-error generators make."""
    return text[: a.start()] + b.group(0) + text[a.end() : b.start()] + a.group(0) + text[b.end() :]


def role_error(claim: str, sources: list[str]) -> RoleError | None:
    """The exchange of roles that turns ``claim`` into a verbatim copy, if one does."""
    text = normalise(strip_markers(claim)).text  # straight quotes, one space: as sources
    if not text or not sources:
        return None
    texts = [normalised(s).text for s in sources]

    def could_be_copied(a: re.Match[str], b: re.Match[str]) -> bool:
        """A cheap necessary condition: the longest stretch the exchange leaves alone is in a
        source (as it must be for the exchanged sentence to be a copy)."""
        pieces = (text[: a.start()], text[a.end() : b.start()], text[b.end() :])
        longest = max(pieces, key=len).strip(" ,.;:")[1:]  # the first letter may change case
        return len(longest) < 12 or any(longest in t for t in texts)

    names = _names(text)
    for found in (names, list(_VALUE.finditer(text)), list(_DATE.finditer(text))):
        for i, a in enumerate(found):
            for b in found[i + 1 :]:
                if a.group(0) == b.group(0) or _SYMMETRIC.match(text[a.end() : b.start()]):
                    continue
                if a.end() > b.start():
                    continue
                if found is names and (a.group(0) in b.group(0) or b.group(0) in a.group(0)):
                    continue  # "Putin" and "Vladimir Putin" are one person
                if not could_be_copied(a, b):
                    continue
                hit = verbatim_match(exchanged(text, a, b), sources)
                if hit is not None:
                    what = f"{b.group(0)} where the sentence has {a.group(0)}, and the reverse"
                    return RoleError(hit.source, hit.start, hit.end, what)
    turned = _from_to(text, sources)
    if turned is not None:
        return turned
    return _speaker(text, sources)


def _from_to(text: str, sources: list[str]) -> RoleError | None:
    """ "from X to Y" turned round (Y of one to four words) makes a verbatim copy."""
    m = _FROM_TO.search(text)
    if m is None:
        return None
    x, tail = m.group(1), m.group(2).split()
    for n in range(1, len(tail) + 1):
        y = " ".join(tail[:n]).rstrip(".,;:")
        if y == x:
            continue
        end = m.start(2) + len(y)
        hit = verbatim_match(text[: m.start(1)] + y + " to " + x + text[end:], sources)
        if hit is not None:
            what = f"from {y} to {x}, the other way round"
            return RoleError(hit.source, hit.start, hit.end, what)
    return None


def _speaker(text: str, sources: list[str]) -> RoleError | None:
    """A verbatim quote given to the wrong person: another person the passage names makes the
    sentence verbatim, attribution rules included."""
    quote = _QUOTED.search(text)
    if quote is None:
        return None
    outside = [m for m in _names(text) if not quote.start() <= m.start() < quote.end()]
    said = normalise(quote.group(0)[1:-1]).text
    for s, source in enumerate(sources):
        if said not in normalise(source).text:
            continue
        people = [m.group(0) for m in _names(source, None) if " " in m.group(0)]
        people = list(dict.fromkeys(people))
        for name in outside:
            for person in people[:30]:
                if person == name.group(0) or name.group(0) in person:
                    continue
                swapped = text[: name.start()] + person + text[name.end() :]
                hit = verbatim_match(swapped, [source])
                if hit is not None:
                    what = f"the quote said by {person}, not {name.group(0)}"
                    return RoleError(s, hit.start, hit.end, what)
    return None


_NEGATORS = frozenset({"not", "never", "no"})
_TOKEN = re.compile(r"\S+")


def _kind(token: str) -> str | None:
    """What kind of fact a token states: a date word, a number, or a name; else None."""
    word = token.strip(".,;:!?\"'()").removesuffix("'s").removesuffix("’s")
    if not word:
        return None
    if _DATE.fullmatch(word):
        return "date"
    if tx.number_value(word.lstrip("$").rstrip("%")) is not None and word[:1] in "$0123456789":
        return "number"
    if word[:1].isupper() and word not in _LEADERS and word.lower() not in tx.STOPWORDS:
        return "name"
    return None


def _same(a: str, b: str) -> bool:
    def key(token: str) -> str:
        word = token.strip(".,;:!?\"'()").lower().removesuffix("'s")
        value = tx.number_value(word.lstrip("$").rstrip("%"))
        return str(value) if value is not None else word.replace(".", "")  # U.S. = US

    return key(a) == key(b)


def _named_in(word: str, text: str) -> bool:
    """Whether ``text`` uses ``word`` capitalised in mid-sentence, as a name."""
    bare = word.strip(".,;:!?\"'()")
    return re.search(r"[a-z,;] " + re.escape(bare) + r"\b", text) is not None


def _alias(a: str, b: str) -> bool:
    """Two spellings of one name: "Hibernian" and "Hibs", "Chappele" and "Chappelle"."""
    a, b = a.strip(".,;:!?\"'()").lower(), b.strip(".,;:!?\"'()").lower()
    return a[:3] == b[:3]


def edited_fact(claim: str, sources: list[str]) -> RoleError | None:
    """One name, number or date replaced by another of its kind, or a negation added or
    dropped, in an otherwise verbatim copy of a passage."""
    text = normalise(strip_markers(claim)).text.rstrip(".")
    words = text.split(" ")
    if len(words) < 6 or not sources:
        return None
    texts = [normalised(s).text for s in sources]
    for k, word in enumerate(words):
        before, after = " ".join(words[:k]), " ".join(words[k + 1 :])
        if min(len(before), len(after)) < 8 and len(before) + len(after) < 30:
            continue
        if word.lower() in _NEGATORS:  # added: the sentence without it is a copy
            hit = verbatim_match(f"{before} {after}".strip(), sources)
            if hit is not None:
                return RoleError(hit.source, hit.start, hit.end, f"a negation ('{word}')", "fact")
            continue
        kind = _kind(word)
        longer = max(before, after, key=len)
        if kind is None or not any(longer in t for t in texts):
            continue
        pattern = re.compile(
            re.escape(before) + r" (\S+) " + re.escape(after)
            if before and after
            else (r"(\S+) " + re.escape(after) if after else re.escape(before) + r" (\S+)")
        )
        if kind == "name" and k == 0 and not any(_named_in(word, t) for t in texts):
            continue  # "Locals said …": a capitalised first word the sources never use as a name
        for s, t in enumerate(texts):
            for m in pattern.finditer(t):
                other = m.group(1)
                if _kind(other) != kind or _same(word, other):
                    continue
                if kind == "name" and _alias(word, other):
                    continue
                hit = normalised(sources[s])
                start, end = hit.offsets[m.start()], hit.offsets[m.end() - 1] + 1
                what = f"the {kind} {word.strip('.,;:')}; the passage says {other.strip('.,;:')}"
                return RoleError(s, start, end, what, "fact")
    for s, t in enumerate(texts):  # dropped: the passage has the sentence with a "not"
        for k in range(1, len(words)):
            before, after = " ".join(words[:k]), " ".join(words[k:])
            if len(before) < 8 or len(after) < 8:
                continue
            at = t.find(f"{before} not {after}")
            if at >= 0:
                hit = normalised(sources[s])
                end = at + len(f"{before} not {after}")
                return RoleError(
                    s,
                    hit.offsets[at],
                    hit.offsets[end - 1] + 1,
                    "a negation the passage has",
                    "fact",
                )
    return None
