"""Loaded, subjective wording measured with maintained lexicons, not a hand-kept word list.

A sentence reads as the writer's own judgement when it is both *strongly valenced* and
*subjective*: "The visit was shameless, dangerous and deeply troubling" is both; "Five people
were killed in the attack" is strongly negative but factual, and "Officials met on Tuesday" is
neither. Two published, MIT-licensed lexicons give the two halves:

* VADER (Hutto & Gilbert 2014, ``vaderSentiment``): human-rated valence of ~7,500 words, with
  its rules for boosters ("deeply"), negation and punctuation; its ``compound`` score is the
  sentence's valence in [-1, 1].
* TextBlob's pattern lexicon (``textblob.en``): subjectivity in [0, 1] of ~2,900 adjectives.

Both ship their lexicons inside the wheel: nothing is downloaded at run time. The caller passes
text with quoted speech blanked out and skips attributed sentences, so reported opinion is not
counted as ours (:mod:`digest.evaluate.neutral`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# VADER's own "clearly positive/negative" cut-off is 0.05; we want strong only. At 0.5/0.5 the
# rule fired on 5.5 % of NeuS source-lead sentences and 4.7 % of the editors' neutral roundup
# sentences (training clusters): no separation. At 0.8/0.6, one flag per sentence, it no longer
# drags the measure's AUC down (evals/bench_neutral.py; evals/RESULTS.md).
COMPOUND = 0.8
SUBJECTIVITY = 0.6  # TextBlob: 0 = objective, 1 = subjective
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


@dataclass(frozen=True)
class Valence:
    """A sentence's valence and subjectivity, and the lexicon words behind them."""

    compound: float
    subjectivity: float
    triggers: tuple[tuple[int, int], ...]  # (start, end) of each lexicon word that fired
    strongest: tuple[int, int] = (0, 0)  # the trigger with the largest VADER valence

    @property
    def loaded(self) -> bool:
        return abs(self.compound) >= COMPOUND and self.subjectivity >= SUBJECTIVITY


@lru_cache(maxsize=1)
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _pattern() -> Any:
    from textblob.en import sentiment

    return sentiment


def _subjective_word(word: str) -> bool:
    senses = _pattern().get(word)
    return bool(senses) and max(float(v[1]) for v in senses.values()) >= SUBJECTIVITY


def valence(text: str) -> Valence:
    """VADER compound and TextBlob subjectivity of ``text``, with the words that carry them."""
    if not text.strip():
        return Valence(0.0, 0.0, ())
    compound = float(_vader().polarity_scores(text)["compound"])
    subjectivity = float(_pattern()(text)[1])
    lexicon = _vader().lexicon
    triggers = tuple(
        (m.start(), m.end())
        for m in _WORD.finditer(text)
        if abs(lexicon.get(m.group(0).lower(), 0.0)) >= 1.0 or _subjective_word(m.group(0).lower())
    )
    strongest = max(triggers, default=(0, 0),
                    key=lambda t: abs(lexicon.get(text[t[0]:t[1]].lower(), 0.0)))
    return Valence(compound, subjectivity, triggers, strongest)
