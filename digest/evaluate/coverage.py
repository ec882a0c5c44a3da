"""How much of a reference roundup a digest states: content words, named entities, numbers,
and ROUGE-L.

NeuS clusters come with an editor-written neutral roundup. A digest that is faithful but says
nothing the roundup says is not a good digest, so next to faithfulness the suite reports recall
of the reference's

* **content words** (stems, stopwords dropped) — the topic vocabulary;
* **named entities** — capitalised words that do not open a sentence, a cheap stand-in for NER
  that needs no model (names are what a roundup must get right);
* **numbers** — in digits or words ("three" = 3);

each as the share of the reference's distinct items the digest contains (NaN when the reference
has none), plus **ROUGE-L** F1 from Google's ``rouge-score`` (the package the summarisation
papers report with; Porter stemming on). Tokens, stems and numbers come from the embedded
judge's tokenizer (:mod:`digest.judges.text`) so "the digest states X" means the same thing
there and here.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

from digest.judges.text import content, numbers, tokens


def _recall(reference: set[Any], digest: set[Any]) -> float:
    return len(reference & digest) / len(reference) if reference else math.nan


@lru_cache(maxsize=1)
def _rouge() -> Any:
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)


def coverage(digest: str, reference: str) -> dict[str, float]:
    """Recall of the reference's content words, entities and numbers, and ROUGE-L F1."""
    ours, theirs = tokens(digest), tokens(reference)
    ours_entities = {t.lower for t in ours if t.capital or t.text[:1].isupper()}
    words = {t.stem for t in content(theirs)}, {t.stem for t in content(ours)}
    return {
        "coverage_words": _recall(*words),
        "coverage_entities": _recall(
            {t.lower for t in theirs if t.capital and t.lower not in _COMMON}, ours_entities
        ),
        "coverage_numbers": _recall(numbers(theirs), numbers(ours)),
        "rouge_l": float(_rouge().score(reference, digest)["rougeL"].fmeasure),
    }


# Capitalised mid-sentence words that are not names ("The", "I" after a colon or a quote).
_COMMON = frozenset({"i", "the", "a", "an", "and", "but", "he", "she", "it", "they", "we"})
