"""Why a sentence was judged unsupported, in words: the evidence span and what differs.

A score alone ("0.41 < 0.65") tells a reader nothing to act on. The judge already points at the
passage span that best supports the sentence, so a cheap lexical comparison of the sentence
with that span names the usual culprit (FRANK, Pagnoni et al. 2021, finds most summary errors
are wrong entities, numbers, dates, negations or roles):

* a **number** of the sentence that the span lacks ("says 345; the passage says 245");
* a **date** (month, weekday, year) likewise;
* a **name** the span lacks, with the names the span gives instead;
* a **negation** on one side only;
* a **role**: every name is in the span, but in another order ("from Moscow to Beijing"
  against "from Beijing to Moscow"), so someone does what another did;
* otherwise: "the cited passage does not state this".

The comparison is a reading aid, not a second judge: it never changes a score or a verdict.
"""

from __future__ import annotations

from digest.judges import text as tx
from digest.judges.base import Judgement
from digest.judges.features import split_windows_sentences

MAX_QUOTE = 160  # characters of the evidence span quoted in a reason


def _quote(claim: str, span: str) -> str:
    """The span quoted; a long one is cut to its sentence that shares most words with the claim."""
    span = " ".join(span.split())
    if len(span) > MAX_QUOTE:
        words = {t.stem for t in tx.content(tx.tokens(claim))}
        sentences = [span[a:b] for a, b in split_windows_sentences(span)] or [span]
        span = max(sentences, key=lambda x: len(words & {t.stem for t in tx.tokens(x)}))
    return f"“{span if len(span) <= MAX_QUOTE else span[: MAX_QUOTE - 1].rstrip() + '…'}”"


def _number(value: float) -> str:
    return f"{value:g}" if value < 1e6 else f"{value:,.0f}"


def _names(toks: list[tx.Token]) -> list[str]:
    """Capitalised words, sentence starts included (a swapped subject is often the first
    word), that are not stopwords, months or weekdays: in order, once each."""
    out = [
        t.text
        for t in toks
        if t.text[:1].isupper()
        and t.lower not in tx.STOPWORDS
        and t.lower not in tx.NEGATIONS
        and t.lower not in tx.MONTHS
        and t.lower not in tx.WEEKDAYS
    ]
    return list(dict.fromkeys(out))


def _dates(toks: list[tx.Token]) -> dict[str, tuple[str, str]]:
    """Months (capitalised: not the verb "may"), weekdays and years: key -> (kind, word)."""
    out: dict[str, tuple[str, str]] = {}
    for t in toks:
        if t.lower in tx.WEEKDAYS:
            out.setdefault(t.lower[:3], ("weekday", t.text))
        elif t.lower in tx.MONTHS and t.text[:1].isupper():
            out.setdefault(t.lower[:3], ("month", t.text))
        elif len(t.lower) == 4 and t.lower.isdigit() and 1800 <= int(t.lower) <= 2100:
            out.setdefault(t.lower, ("year", t.text))
    return out


def _numbers(toks: list[tx.Token]) -> set[float]:
    """Numbers, without years and days of the month ("May 19"): those are dates."""
    skip = {i for i, t in enumerate(toks) if t.lower in tx.MONTHS and t.text[:1].isupper()}
    kept = [
        t for i, t in enumerate(toks) if i - 1 not in skip and i + 1 not in skip and not _dates([t])
    ]
    return tx.numbers(kept)


def _phrases(toks: list[tx.Token]) -> list[list[str]]:
    """Runs of capitalised words mid-sentence ("Russian President Vladimir Putin")."""
    runs: list[list[str]] = []
    last = -2
    for i, t in enumerate(toks):
        if t.capital and t.lower not in tx.STOPWORDS and not _dates([t]):
            if i == last + 1 and runs:
                runs[-1].append(t.text)
            else:
                runs.append([t.text])
            last = i
    return runs


def differences(claim: str, span: str) -> list[str]:
    """What the claim says that ``span`` does not, each in a short phrase (may be empty)."""
    c, s = tx.tokens(claim), tx.tokens(span)
    out: list[str] = []
    c_numbers, s_numbers = _numbers(c), _numbers(s)
    missing = sorted(c_numbers - s_numbers)
    if missing:
        given = sorted(s_numbers - c_numbers)
        also = f"; the passage says {', '.join(_number(v) for v in given[:3])}" if given else ""
        out.append(f"the number {', '.join(_number(v) for v in missing[:3])}{also}")
    c_dates, s_dates = _dates(c), _dates(s)
    for key, (kind, word) in c_dates.items():
        if key not in s_dates:
            given = [w for k, (kd, w) in s_dates.items() if kd == kind and k not in c_dates]
            also = f"; the passage says {', '.join(given[:3])}" if given else ""
            out.append(f"the {kind} {word}{also}")
    span_stems = {t.stem for t in s}
    c_names = _names(c)
    absent = [n for n in c_names if tx.stem(n) not in span_stems]
    if absent:
        own = {tx.stem(x) for x in c_names}
        other = [" ".join(run) for run in _phrases(s) if not any(tx.stem(w) in own for w in run)]
        also = f" (it names {', '.join(dict.fromkeys(other[:3]))})" if other else ""
        out.append(f"the name {', '.join(absent[:3])}, which the passage does not give{also}")
    if tx.negated(c) != tx.negated(s):
        side = "the sentence" if tx.negated(c) else "the passage"
        out.append(f"a negation: only {side} says no/not")
    if not out:
        order = _role_order(c_names, s)
        if order:
            out.append(f"the roles: the passage has {order}")
    return out


def _role_order(names: list[str], span: list[tx.Token]) -> str | None:
    """When every name of the claim is in the span but two appear in the other order."""
    if len(names) < 2:
        return None
    first: dict[str, int] = {}
    for i, t in enumerate(span):
        first.setdefault(t.stem, i)
    positions = [first.get(tx.stem(n)) for n in names]
    if any(p is None for p in positions):
        return None
    for a in range(len(names)):
        for b in range(a + 1, len(names)):
            pa, pb = positions[a], positions[b]
            if pa is not None and pb is not None and pa > pb:
                return f"{names[b]} before {names[a]}"
    return None


def explain(claim: str, span: str) -> str:
    """The reason in words: what differs, then the evidence span quoted."""
    if not span.strip():
        return "no cited passage supports it: none of its words could be located"
    found = differences(claim, span)
    what = "; ".join(found) if found else "the cited passage does not state this"
    if found:
        what = f"differs from the cited passage in {what}"
    return f"{what}. Closest evidence: {_quote(claim, span)}"


def reason_for(claim: str, sources: list[str], judged: Judgement) -> str:
    """:func:`explain` against the judgement's evidence span, or, when the judge located none,
    the window of the sources that covers most of the claim."""
    from digest.judges.trained import clean_claim, select_windows

    text = clean_claim(claim)
    if 0 <= judged.source < len(sources) and 0 <= judged.start < judged.end:
        return explain(text, sources[judged.source][judged.start : judged.end])
    best = select_windows(text, sources, 1) if text else []
    return explain(text, sources[best[0].source][best[0].start : best[0].end] if best else "")
