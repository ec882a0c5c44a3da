"""A section as an editor orders it: lead, corroborated facts, reactions, analysis, differences.

The extractive writer picks sentences for salience (:mod:`digest.write.extractive`); this module
puts them in reading order and makes sure each one stands where it lands:

* **order**: within a story, plain reporting first, the facts most independent outlets agree
  on ahead of single-source ones; then reactions (sentences built around a quotation), in
  article order so a speaker's introduction comes before their words; then analysis and
  opinion, attributed;
* **self-contained**: every sentence is checked against the text before it
  (:mod:`digest.write.standalone`). A quote from "Ms. Raman" is preceded by the source's own
  sentence that introduces Priya Raman when the passages have one, otherwise left out; a
  sentence with any other dangling reference is left out and the pick refilled without it;
* **differences last**, each side checked the same way.

The writer never rewrites a source's words: it may only choose another sentence or none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from digest.write.standalone import is_standalone, named_in_full, orphan_names

CORROBORATED = 0.6  # cosine at which another outlet's sentence reports the same fact
ROUNDS = 4  # pick, check, refill without the rejects; bounded
_REACTION = re.compile(r"“(?:\S+\s+){5,}[^”]*”|\"(?:\S+\s+){5,}[^\"]*\"")
_WHEN = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday"
    r"|(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\s+\d{1,2})\b")
_WHO = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z'-]+)+")

Pick = Callable[[list[int], set[int]], list[int]]  # (chosen, banned) -> picked, chosen first
Difference = tuple[str, int, int]  # (label, earlier sentence, later sentence)


def lead_bonus(text: str) -> float:
    """A small edge for a lead that says who (a full name) and when (a day or date)."""
    return 0.05 * bool(_WHO.search(text)) + 0.05 * bool(_WHEN.search(text))


def _corroboration(vectors: np.ndarray, groups: Sequence[str]) -> list[int]:
    """For each sentence, how many *other* independent sources report something close to it."""
    sims = vectors @ vectors.T
    names = sorted(set(groups))
    member = np.array([[g == name for name in names] for g in groups])
    close = (sims >= CORROBORATED).astype(int) @ member.astype(int) > 0
    return [int(close[i].sum()) - int(close[i][names.index(groups[i])]) for i in range(len(groups))]


def compose_section(
    lead: int,
    pick: Pick,
    *,
    texts: Sequence[str],
    vectors: np.ndarray,
    groups: Sequence[str],
    stories: Sequence[int],
    opinions: Sequence[bool],
    reading: Sequence[tuple[object, ...]],
    articles: Sequence[str],
    surnames: dict[str, str],
    differences: Sequence[Difference] = (),
    limit: int = 3,
) -> tuple[list[int], list[Difference]]:
    """Sentence indexes in reading order (lead first) and the differences that can be shown."""
    corroboration = _corroboration(vectors, groups)
    quoted = {i for d in differences for i in d[1:]}

    def order(i: int) -> tuple[object, ...]:
        kind = 2 if opinions[i] else 1 if _REACTION.search(texts[i]) else 0
        return (stories[i], kind, -corroboration[i] if kind == 0 else 0, reading[i])

    def introduction(name: str, i: int, kept: list[int], earlier: str) -> int | None:
        """A sentence of the sources that names ``name`` in full and stands here itself."""
        found = [j for j in range(len(texts)) if j not in kept and j not in quoted
                 and named_in_full(name, texts[j])
                 and is_standalone(texts[j], earlier, surnames=surnames)]
        return min(found, key=lambda j: (articles[j] != articles[i], reading[j]), default=None)

    banned: set[int] = set()
    kept: list[int] = [lead]
    for _round in range(ROUNDS):
        body = sorted((i for i in pick([lead], banned) if i != lead), key=order)
        kept, earlier, rejected = [lead], texts[lead], set()
        for i in body:
            if i in kept:  # already shipped as another sentence's introduction
                continue
            for name in orphan_names(texts[i], earlier, surnames=surnames):
                intro = introduction(name, i, kept, earlier)
                if intro is not None:
                    kept.append(intro)
                    earlier += " " + texts[intro]
            if not is_standalone(texts[i], earlier, surnames=surnames):
                rejected.add(i)
                continue
            kept.append(i)
            earlier += " " + texts[i]
        if not rejected:
            break
        banned |= rejected
    shown: list[Difference] = []
    for label, a, b in differences:
        if len(shown) < limit and is_standalone(texts[a], earlier, surnames=surnames) \
                and is_standalone(texts[b], f"{earlier} {texts[a]}", surnames=surnames):
            shown.append((label, a, b))
            earlier += f" {texts[a]} {texts[b]}"
    return kept, shown
