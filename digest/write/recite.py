"""Citations put right by code: a sentence that stands word for word in a shown passage cites it.

Why: small models copy source sentences faithfully and then pick the wrong passage id (9 of 16
sentences of one Qwen-0.5B daily were verbatim source sentences cited to the wrong article).
Nothing about such a sentence needs a model to fix: the passage it came from is found by a
verbatim search over the passages the writer was shown (quotes, dashes, spaces, case and
citation markers normalised, :func:`digest.write.passages.normalise`). So before judging:

* the whole sentence stands in a shown passage the writer did not cite: it is re-cited to that
  passage (one from the article it cited, else from an outlet the sentence names, else the
  first shown);
* otherwise every clause of four words or more is looked up on its own; clauses found outside
  the cited passages bring their passage in, the writer's citations stay for the rest (the
  precision check drops any that turn out unneeded), at most :data:`MAX_CITATIONS` in all;
* the sentence names one shown outlet ("Northern Ledger reports …") but its words stand only in
  another outlet's passage: the outlet's name is corrected to the passage's.

Every change is returned as a :class:`Recitation` and lands in the sidecar
(``SentenceCheck.recited_from`` / ``recited_to`` / ``recited``). The judge still checks every
sentence afterwards: re-citation only decides *which* passage is checked; only what no shown
passage supports is left to repair.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from digest.briefing import MAX_CITATIONS, DraftSentence, Passage
from digest.write.passages import normalise

logger = logging.getLogger(__name__)

MIN_WORDS = 4  # shorter clauses ("officials said") are too common to locate a source by
# clause boundaries: punctuation, dashes, and an attribution frame ("X reported that ...")
_CLAUSE = re.compile(r"\s*(?:[,;:]|\s-\s|\s--\s|\b(?:reported|reports|said|says|wrote|writes"
                     r"|added|adds|stated|states|according to)(?:\s+that)?\b)\s*")


@dataclass(frozen=True)
class Recitation:
    """What code changed in one draft: the citations (and, for a wrong outlet, the text)."""

    cited: list[str]  # the passage ids the writer gave
    now: list[str]  # the passage ids the words stand in
    note: str  # the change in words, for the sidecar and the reader
    original: str | None = None  # the writer's text, when an outlet name was corrected


def _clauses(text: str) -> list[str]:
    return [c for c in _CLAUSE.split(normalise(text)) if len(c.split()) >= MIN_WORDS]


class _Index:
    """The shown passages' normalised texts, searched for verbatim words."""

    def __init__(self, passages: list[Passage]) -> None:
        self.passages = {p.id: p for p in passages}
        self.texts = {p.id: normalise(p.chunk.text) for p in passages}

    def holding(self, words: str) -> list[str]:
        return [pid for pid, text in self.texts.items() if words and words in text]

    def best(self, found: list[str], cited: list[str], named: list[str]) -> str:
        """Prefer the article the writer cited, then an outlet the sentence names."""
        articles = {self.passages[c].article.id for c in cited if c in self.passages}
        return min(found, key=lambda pid: (
            self.passages[pid].article.id not in articles,
            (self.passages[pid].article.outlet or "") not in named, found.index(pid)))

    def outlet(self, pid: str) -> str:
        return self.passages[pid].article.outlet or ""


def _named_outlets(text: str, outlets: set[str]) -> list[str]:
    return [o for o in outlets
            if o and re.search(rf"(?<!\w){re.escape(o)}(?!\w)", text, re.IGNORECASE)]


def _locate(draft: DraftSentence, index: _Index, named: list[str]) -> list[str] | None:
    """The passage ids the sentence's words stand in (None: not located verbatim)."""
    cited = [c for c in draft.passage_ids if c in index.passages]
    whole = normalise(draft.text)
    if len(whole.split()) < MIN_WORDS:
        return None
    found = index.holding(whole)
    if found:
        if any(c in found for c in cited):
            return None  # already cites a passage it stands in
        return [index.best(found, cited, named)]
    clauses = _clauses(draft.text)
    if not clauses or clauses == [whole]:
        return None
    chosen: list[str] = []
    located = 0
    for clause in clauses:
        holders = index.holding(clause)
        if not holders:
            continue
        located += 1
        if not any(c in holders for c in cited):
            pid = index.best(holders, cited, named)
            if pid not in chosen:
                chosen.append(pid)
    if not chosen:
        return None
    kept = cited if located < len(clauses) else [
        c for c in cited if any(cl in index.texts[c] for cl in clauses)]
    now = list(dict.fromkeys([*kept, *chosen]))
    return now if len(now) <= MAX_CITATIONS else None


def _fix_outlet(text: str, named: list[str], now: list[str], index: _Index) -> str | None:
    """The text with a wrongly named outlet replaced by the one whose passage holds the words."""
    outlets = {index.outlet(pid) for pid in now}
    if len(named) != 1 or len(outlets) != 1 or named[0] in outlets:
        return None
    wrong, right = named[0], outlets.pop()
    if not right or any(normalise(wrong) in index.texts[pid] for pid in now):
        return None  # the passage itself names that outlet: the words are quoted from it
    return re.sub(rf"(?<!\w){re.escape(wrong)}(?!\w)", right, text, flags=re.IGNORECASE)


def recite(drafts: list[DraftSentence], passages: list[Passage]
           ) -> tuple[list[DraftSentence], dict[int, Recitation]]:
    """The drafts with citations put right by code, and what changed, by draft index.

    Code-made clauses of "Where sources differ" (``group`` set) and drafts citing ids that were
    not shown are left alone (numbering records the latter).
    """
    index = _Index(passages)
    outlets = {p.article.outlet for p in passages if p.article.outlet}
    out: list[DraftSentence] = []
    changes: dict[int, Recitation] = {}
    for i, draft in enumerate(drafts):
        if draft.group is not None or not draft.text.strip() \
                or any(pid not in index.passages for pid in draft.passage_ids):
            out.append(draft)
            continue
        named = _named_outlets(draft.text, outlets)
        now = _locate(draft, index, named)
        if now is None:
            out.append(draft)
            continue
        fixed = _fix_outlet(draft.text, named, now, index)
        where = ", ".join(f"{pid} ({index.outlet(pid) or 'unknown outlet'})" for pid in now)
        note = f"re-cited by code: its words stand in {where}"
        if fixed is not None:
            note += f"; the outlet named was corrected from {named[0]!r}"
        changes[i] = Recitation(cited=list(draft.passage_ids), now=now, note=note,
                                original=draft.text if fixed is not None else None)
        out.append(draft.model_copy(update={"passage_ids": now, "text": fixed or draft.text}))
    if changes:
        logger.info("re-cited %d sentence(s) by code to the passages their words stand in",
                    len(changes))
    return out, changes
