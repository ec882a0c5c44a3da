"""Copies: where a sentence stands word for word in a passage, after what copying may change.

The extractive writer ships sentences copied from their passages, and a model scoring a copy
is the one place where every "unsupported" is a false alarm (a real digest flagged its own
lead sentence, a verbatim copy, at 0.61 < 0.65). So before any judge runs, the claim is looked
up in its cited passages, after undoing what copying legitimately changes:

* citation markers (``[1]``, ``[2, 3]``) are removed, and a final full stop is optional;
* curly quotes become straight ones, dashes become ``-``, every run of white space one space;
* the first letter of a clause may change case ("Officials said the talks ended" -> "The talks
  ended"). Case is kept everywhere else: it distinguishes names ("Apple", "apple").

A clause counts only where it stands whole in the passage: it begins at the passage's start, a
sentence or clause boundary, an opening quote, or right after a neutral attribution ("officials
said", "according to X,"); it ends where a sentence or clause ends, and not before "if",
"unless" and their kin. So "Putin arrived" is not verbatim in "Putin arrived, if reports are
right", nor "the deal was signed" in "It is false that the deal was signed".

A sentence may also be one or two clauses or quotations around a short attribution frame of at
most ``MAX_FRAME_WORDS`` words ("Putin said “…”", "“…,” Xi said, “…”", "According to the
Kremlin, …", "…, officials said"). Then every clause must stand in the same passage, the frame
must carry an attribution (a reporting verb or "according to") and no negation, and every
name and number of the frame must occur in the passage's own words next to the matched text
(the rest of its sentence, outside other quotes, up to a conjunction) or in the outlet named on
the provenance line the verifier prefixes ("Harbor Wire Service: Title."). Next to, not
anywhere: in "“A,” Putin said. “B,” Xi said." the frame "Xi said “A”" swaps the speakers
and is left to the model.

:func:`verbatim_match` answers with a 1.0 judgement and the exact span in the original passage
text; :class:`digest.judges.verbatim.VerbatimFirst` puts it in front of every judge, and
:mod:`digest.judges.rolecheck` uses it to recognise copies with roles exchanged or a fact
edited.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass

from digest.judges import text as tx
from digest.judges.base import Judgement

MAX_FRAME_WORDS = 10  # an attribution frame longer than this states facts of its own
MIN_CLAUSE_WORDS = 3  # shorter pieces ("he said") match too easily to prove anything

# ``[1]``, ``[3, 4]``, ``[1-3]`` (digest.evaluate.markers.MARKER's grammar; importing that
# package would load the whole evaluation stage into every judge).
_NUM = r"\d+(?:\s*[-\u2013\u2014]\s*\d+)?"
_MARKER = re.compile(rf"\s*\[\s*{_NUM}(?:\s*[,;]\s*{_NUM})*\s*\](?!\()")
_CHARS = {
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033", '"'),
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    "\u2026": "...",
    **dict.fromkeys("\u00ad\u200b\u200c\u200d\ufeff", ""),  # soft hyphen, zero widths
}
REPORTING = frozenset(
    """said says say saying told tells added adds stated states wrote writes noted notes
    argued argues explained explains announced announces reported reports confirmed confirms
    insisted insists warned warns continued continues recalled recalls replied replies
    observed observes commented comments remarked remarks declared declares according""".split()
)
# Words that, in a frame, change what the quoted or reported words mean.
_FRAME_BLOCK = tx.NEGATIONS | frozenset(
    """wrong false falsely untrue incorrect misleading dismissed dismisses disputed disputes
    rejected rejects refuted refutes doubted doubts questioned questions whether if unless
    rumor rumors rumour rumours allegedly alleged alleges unconfirmed speculation speculated
    hoax fake claimed claims claim denied denies""".split()
)
# A clause followed by one of these is conditional or limited: the copy would drop that.
_LIMITERS = frozenset(
    "if unless provided providing except assuming lest only until whether but".split()
)
_OPENERS = "\"'("
_STOPS = ".!?;:"
_CONJUNCTION = re.compile(r"[;]|\b(?:while|whereas|but|and|as)\b")
_WORD = re.compile(r"[A-Za-z0-9][\w'.-]*")
_QUOTE = re.compile(r'"([^"]+)"')


# -- normalisation -------------------------------------------------------------------------
@dataclass(frozen=True)
class Normalised:
    """A text after normalisation, with the original offset of every character.

    ``offsets[i]`` is where ``text[i]`` came from; ``breaks`` holds the indices of spaces that
    replaced white space containing a line break (a paragraph boundary).
    """

    text: str
    offsets: tuple[int, ...]
    breaks: frozenset[int]
    first_line_end: int  # normalised index where the original first line ends (0: one line)


def normalise(text: str) -> Normalised:
    """Quotes, dashes and white space made uniform, offsets kept (see :class:`Normalised`)."""
    out: list[str] = []
    offsets: list[int] = []
    breaks: set[int] = set()
    first_line = -1
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            j = i
            while j < len(text) and text[j].isspace():
                j += 1
            newline = "\n" in text[i:j] or "\r" in text[i:j]
            if newline and first_line < 0:
                first_line = len(out)
            if out:  # leading white space is dropped
                if newline:
                    breaks.add(len(out))
                out.append(" ")
                offsets.append(i)
            i = j
            continue
        mapped = _CHARS.get(ch, ch)
        for piece in mapped:
            out.append(piece)
            offsets.append(i)
        i += 1
    while out and out[-1] == " ":
        out.pop()
        offsets.pop()
    return Normalised(
        "".join(out), tuple(offsets), frozenset(breaks), first_line if first_line >= 0 else 0
    )


_CACHE: OrderedDict[str, Normalised] = OrderedDict()
_CACHE_SIZE = 512


def normalised(text: str) -> Normalised:
    """:func:`normalise`, remembered for the last few hundred texts (sources recur)."""
    hit = _CACHE.get(text)
    if hit is None:
        hit = _CACHE[text] = normalise(text)
        if len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(text)
    return hit


def strip_markers(claim: str) -> str:
    """The claim without ``[n]`` citation markers (and the space before each)."""
    return _MARKER.sub("", claim).strip()


# -- boundaries ----------------------------------------------------------------------------
def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def is_attribution(frame: str) -> bool:
    """A short neutral attribution: a reporting verb or "according to", no negation or hedge,
    at most ``MAX_FRAME_WORDS`` words."""
    words = [w.lower().strip(".") for w in _words(frame)]
    if not words or len(words) > MAX_FRAME_WORDS:
        return False
    if any(w in _FRAME_BLOCK or w.endswith("n't") for w in words):
        return False
    return any(w in REPORTING for w in words)


_ABBREVIATED = re.compile(r"(?:^|[\s.(])(?:[A-Z]|Mr|Ms|Mrs|Dr|St|Gen|Gov|Sen|Rep|No|Jr|Sr)$")


def _stops_at(s: str, k: int, stops: str = _STOPS) -> bool:
    """Whether ``s[k]`` ends a sentence or clause: a stop followed by space, a closing quote
    or the end, and not the full stop of "Mr." or an initial."""
    if s[k] not in stops or (k + 1 < len(s) and s[k + 1] not in " \"')"):
        return False
    return s[k] != "." or not _ABBREVIATED.search(s[max(0, k - 4) : k])


def _clause_start(n: Normalised, p: int) -> int:
    """Where the clause holding position ``p`` starts: after the last stop, line break, spaced
    dash or opening quote before it."""
    s = n.text
    for k in range(p - 1, -1, -1):
        if k in n.breaks or _stops_at(s, k):
            return k + 1
        if s[k] in '"(' and (k == 0 or not s[k - 1].isalnum()):
            return k + 1
        if s[k] == "-" and s[k - 1 : k] == " " and s[k + 1 : k + 2] == " ":
            return k + 1
    return 0


def _starts_clause(n: Normalised, p: int) -> bool:
    """Whether a clause copied from ``n.text[p:]`` begins where the passage's own does."""
    s = n.text
    if p == 0:
        return True
    prev = s[p - 1]
    if prev.isalnum() or prev in ".,'-$%&/" and p >= 2 and s[p - 2].isalnum():
        return False
    lead = s[_clause_start(n, p) : p].strip()
    if not lead or re.fullmatch(r"[-\"'(\s]*", lead):
        return True
    lead = lead.rstrip(" ,:-")
    if lead.lower().endswith(" that"):
        lead = lead[:-5]
    return is_attribution(lead)


def _ends_clause(s: str, q: int) -> bool:
    """Whether a clause copied up to ``s[:q]`` ends where a passage's clause does, and what
    follows does not make it conditional ("…, unless …"; a new sentence may say anything)."""
    if q >= len(s):
        return True
    if s[q].isalnum():
        return False
    if s[q - 1] in _STOPS + ",\"')":
        last = q - 1
    elif s[q] in _STOPS + ",\"')":
        if s[q] in ".," and q + 1 < len(s) and s[q + 1].isalnum():
            return False  # 3.5, 1,200
        last = q
    elif s[q : q + 3] == " - " or s[q:] == " -":
        last = q + 1
    else:
        return False
    k = last
    while k >= 0 and s[k] in "\"')":
        k -= 1
    if k >= 0 and s[k] in ".!?" and _stops_at(s, k, ".!?"):
        return True
    nxt = _words(s[last + 1 : last + 40])
    return not nxt or nxt[0].lower() not in _LIMITERS


# -- matching ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Match:
    """Where a clause stands in a passage: normalised ``[start, end)`` in source ``source``."""

    source: int
    start: int
    end: int


def _variants(clause: str) -> list[str]:
    """The clause, then without its final full stop (the passage may go on: ", he said.")."""
    c = clause.strip()
    out = [c]
    if c.endswith(".") and not c.endswith("..."):
        out.append(c[:-1].rstrip())
    if len(c) >= 2 and c[-2] in ".," and c[-1] in "\"'":
        out.append(c[:-2])
    return [v for v in dict.fromkeys(out) if v]


def _find(clause: str, n: Normalised, source: int) -> Match | None:
    """The first place ``clause`` stands whole in ``n`` (first letter in either case)."""
    if len(_words(clause)) < MIN_CLAUSE_WORDS:
        return None
    for variant in _variants(clause):
        forms = [variant]
        first = next((i for i, ch in enumerate(variant) if ch.isalpha()), None)
        if first is not None:
            flipped = variant[first].swapcase()
            forms.append(variant[:first] + flipped + variant[first + 1 :])
        for form in forms:
            at = n.text.find(form)
            while at >= 0:
                end = at + len(form)
                if _starts_clause(n, at) and _ends_clause(n.text, end):
                    return Match(source, at, end)
                at = n.text.find(form, at + 1)
    return None


def _sentence(n: Normalised, match: Match) -> tuple[int, int]:
    """The sentence around a match: from the last sentence stop or line break before it to the
    first one after it (or the match's own final stop)."""
    s = n.text
    a = next(
        (k + 1 for k in range(match.start - 1, -1, -1) if k in n.breaks or _stops_at(s, k, ".!?")),
        0,
    )
    tail = match.end
    while tail > match.start and s[tail - 1] in "\"')":
        tail -= 1
    if tail > match.start and s[tail - 1] in ".!?":
        return a, match.end
    b = next(
        (k for k in range(match.end, len(s)) if (k + 1) in n.breaks or _stops_at(s, k, ".!?")),
        len(s),
    )
    return a, b


def _neighbourhood(n: Normalised, match: Match) -> str:
    """The passage's own words next to a match, outside any quotation, up to a conjunction
    either side, plus the outlet of the passage's provenance line."""
    s = n.text
    a, b = _sentence(n, match)
    before, after = s[a : match.start], s[match.end : b]
    if before.count('"') % 2:  # the match is inside a quotation: step outside it
        before = before[: before.rfind('"')]
        close = after.find('"')
        after = after[close + 1 :] if close >= 0 else ""
    before = _QUOTE.sub(" ; ", before)
    after = _QUOTE.sub(" ; ", after)
    before = before[before.rfind('"') + 1 :]  # an unclosed quote: only what follows it
    after = after.split('"', 1)[0]
    near = f"{_CONJUNCTION.split(before)[-1]} {_CONJUNCTION.split(after)[0]}"
    return f"{near} {_outlet(n)}"


def _outlet(n: Normalised) -> str:
    """The outlet of a passage that starts with the verifier's provenance line ("Harbor Wire
    Service: Title."), else nothing: a first paragraph must not lend its names to a frame."""
    first = n.text[: n.first_line_end]
    outlet, colon, _ = first.partition(": ")
    return outlet if colon and 0 < n.first_line_end <= 300 and len(outlet.split()) <= 6 else ""


def _facts(frame: str) -> set[str]:
    """The stems of a frame's names and numbers: what the passage must say next to the quote."""
    return {
        t.stem
        for t in tx.tokens(frame)
        if (t.text[:1].isupper() or t.lower[:1].isdigit())
        and t.lower not in tx.STOPWORDS
        and t.lower not in REPORTING
    }


def _frame_holds(frame: str, n: Normalised, matches: list[Match]) -> bool:
    if not is_attribution(frame):
        return False
    facts = _facts(frame)
    if not facts:
        return True
    near = {t.stem for m in matches for t in tx.tokens(_neighbourhood(n, m))}
    return facts <= near


def _splits(claim: str) -> list[tuple[list[str], str]]:
    """Ways to read the claim as (clauses, frame): quotations, or one clause around a frame."""
    out: list[tuple[list[str], str]] = []
    quotes = _QUOTE.findall(claim)
    if 1 <= len(quotes) <= 2:
        frame = _QUOTE.sub(" ", claim)
        out.append(([q.strip().rstrip(",;:").rstrip() for q in quotes], frame))
    m = re.match(r"(?i)^according to ([^,]{1,80}), (.+)$", claim)
    if m:
        out.append(([m.group(2)], f"according to {m.group(1)}"))
    comma = claim.rfind(", ")
    if comma > 0:
        out.append(([claim[:comma] + "."], claim[comma + 2 :]))
    lead = re.match(
        r"^(.{1,120}?\b(?:" + "|".join(sorted(REPORTING - {"according"})) + r")\b)"
        r"((?:\s+\w+){0,4}?\s+that|\s*[:,])?\s+(.+)$",
        claim,
    )
    if lead:
        out.append(([lead.group(3)], claim[: lead.start(3)]))
    return out


def verbatim_match(claim: str, sources: list[str]) -> Judgement | None:
    """A Judgement of 1.0 with its exact span when ``claim`` stands verbatim in a source, or
    in one source around a short attribution frame; ``None`` when a model must decide."""
    text = strip_markers(claim)
    if not text:
        return None
    c = normalised(text).text
    passages = [normalised(s) for s in sources]
    for i, n in enumerate(passages):
        whole = _find(c, n, i)
        if whole is not None:
            return _judgement(n, [whole])
    for clauses, frame in _splits(c):
        for i, n in enumerate(passages):
            matches = [_find(clause, n, i) for clause in clauses]
            found = [m for m in matches if m is not None]
            if len(found) == len(clauses) and _frame_holds(frame, n, found):
                return _judgement(n, found)
    return None


def _judgement(n: Normalised, matches: list[Match]) -> Judgement:
    start = min(m.start for m in matches)
    end = max(m.end for m in matches)
    return Judgement(
        probability=1.0,
        source=matches[0].source,
        start=n.offsets[start],
        end=n.offsets[end - 1] + 1,
        details={"verbatim": 1.0},
    )
