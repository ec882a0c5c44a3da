"""Where sources differ on wording: one fact, told plainly by one outlet and in loaded words by
another (or in different loaded words by each).

A neutral digest must not adopt one outlet's framing, and it should not hide that the framing
exists either. When two *independent* sources state the same fact (embedding similarity of at
least ``SAME_FACT``, stricter than the place/date/figure check's, because here the words are
expected to differ) and their loaded wording differs (:func:`digest.evaluate.neutral.loaded_terms`
plus the loaded words they report), the pair is shown under "Where sources differ" like any
other disagreement: "On the wording, some reports say “the embattled governor …” [1]; others
say “the governor …” [2]". Each side is quoted verbatim and cited to its own article; nothing
is judged. One such pair per section at most: framing is worth a mention, not a section.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from digest.evaluate.neutral import loaded_terms, reported_terms

if TYPE_CHECKING:  # differences.py imports this module: no import cycle at run time
    from digest.write.differences import Claim

WORDING = "wording"
SAME_FACT = 0.75  # cosine above which two sentences of different outlets state the same fact
SHOWN = 1


def wording(text: str) -> frozenset[str]:
    """The loaded words of a sentence, its own and those it reports, lower-cased."""
    return frozenset(t.lower() for t in loaded_terms(text) + reported_terms(text))


def framing_differences(
    claims: list[Claim],
    vectors: np.ndarray,
    found: list[tuple[str, Claim, Claim]],
    *,
    limit: int = SHOWN,
    same_fact: float = SAME_FACT,
) -> list[tuple[str, Claim, Claim]]:
    """Up to ``min(limit, SHOWN)`` (``"wording"``, earlier, later) pairs, most similar first.

    Sentences already in ``found`` (a place, date or figure difference) are not used again.
    """
    limit = min(limit, SHOWN)
    if limit <= 0 or len(claims) < 2:
        return []
    taken = {(c.passage_id, c.text) for _, a, b in found for c in (a, b)}
    words = [wording(c.text) for c in claims]
    sims = vectors @ vectors.T
    pairs = sorted(
        ((float(sims[i, j]), i, j)
         for i in range(len(claims)) for j in range(i + 1, len(claims))
         if claims[i].group != claims[j].group and sims[i, j] >= same_fact
         and words[i] != words[j]
         and not {(claims[k].passage_id, claims[k].text) for k in (i, j)} & taken),
        key=lambda p: (-p[0], p[1], p[2]),
    )
    out: list[tuple[str, Claim, Claim]] = []
    used: set[int] = set()
    for _score, i, j in pairs:
        if len(out) == limit:
            break
        if i in used or j in used:
            continue
        used |= {i, j}
        first, second = sorted((claims[i], claims[j]), key=lambda c: (c.published, c.article_id))
        out.append((WORDING, first, second))
    return out
