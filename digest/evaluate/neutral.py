"""Neutrality flags: opinion, weasel words, loaded wording and editorializing, with triggers.

A neutral digest reports what sources say; it does not conclude, speculate or praise in its
own voice. The check is deliberately lexical and explainable (every flag names the words that
fired, from :mod:`digest.evaluate.lexicon`), so a writer can fix the sentence and a reviewer
can disagree with the rule. Beyond the short list, a sentence that is both strongly valenced
and subjective by VADER's and TextBlob's lexicons (:mod:`digest.evaluate.valence`) is flagged
``loaded`` with the lexicon words that fired. What is *not* the digest's own voice is exempt:

* text inside quotation marks (quoted speech belongs to the speaker);
* sentences that attribute their content to someone: "X said …", "according to X", "X told";
* inference verbs ("suggests", "signals") whose subject names a source ("Analysis from NBC News
  suggests …"), as opposed to "The proximity of the visits suggests …".

Weasel-word attributions ("observers suggest") are never exempt in an uncited sentence: naming
nobody is exactly the problem. In a cited sentence the citation names the source.
"""

from __future__ import annotations

import re

from digest.evaluate.lexicon import COMPILED, SPEECH
from digest.evaluate.models import NeutralityFlag
from digest.evaluate.valence import valence

_QUOTED = re.compile(r"\"[^\"]*(?:\"|$)|\u201c[^\u201d]*(?:\u201d|$)|\u00ab[^\u00bb]*(?:\u00bb|$)")
_NAME = re.compile(r"\b[A-Z][\w'\u2019.-]*")


def mask_quotes(text: str) -> str:
    """``text`` with quoted spans blanked out (same length, so offsets stay valid)."""
    return _QUOTED.sub(lambda m: " " * len(m.group(0)), text)


def _names_a_source(text: str, verb_start: int) -> bool:
    """Whether the words before an inference verb include a proper name after the first word."""
    clause_start = max(text.rfind(p, 0, verb_start) for p in (",", ";", ":")) + 1
    before = text[clause_start:verb_start]
    names = [m for m in _NAME.finditer(before)]
    first_word = re.match(r"\s*\S+", before)
    first_end = first_word.end() if first_word else 0
    return any(m.start() >= first_end for m in names)


def neutrality_flags(claim: str, *, cited: bool = False) -> list[NeutralityFlag]:
    """Every neutrality rule that fires on ``claim``, with the triggering words and offsets."""
    text = mask_quotes(claim)
    attributed = bool(SPEECH.search(text))
    flags: list[NeutralityFlag] = []
    for kind, rule, pattern in COMPILED:
        for match in pattern.finditer(text):
            if kind == "vague_attribution":
                if cited:
                    continue
            elif attributed:
                continue
            elif rule == "inference verb" and _names_a_source(text, match.start()):
                attributed = True  # a named source speaks: the whole sentence is reported
                break
            flags.append(
                NeutralityFlag(
                    kind=kind,
                    trigger=claim[match.start() : match.end()],
                    start=match.start(),
                    end=match.end(),
                    rule=rule,
                )
            )
    if attributed:
        flags = [f for f in flags if f.kind == "vague_attribution"]
    elif (scored := valence(text)).loaded:
        rule = f"lexicon: VADER {scored.compound:+.2f}, subjectivity {scored.subjectivity:.2f}"
        flags += [
            NeutralityFlag(kind="loaded", trigger=claim[a:b], start=a, end=b, rule=rule)
            for a, b in scored.triggers
            if not any(f.start <= a < f.end for f in flags)
        ]
    return sorted(flags, key=lambda f: (f.start, f.kind))
