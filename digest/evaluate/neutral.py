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

from digest.evaluate.lexicon import COMPILED, SPEECH, UNEXCUSED
from digest.evaluate.models import NeutralityFlag
from digest.evaluate.valence import valence

_QUOTED = re.compile(r"\"[^\"]*(?:\"|$)|\u201c[^\u201d]*(?:\u201d|$)|\u00ab[^\u00bb]*(?:\u00bb|$)")
_NAME = re.compile(r"\b[A-Z][\w'\u2019.-]*")
# A scare quote: one to three lower-case words in quotation marks inside the writer's own
# sentence (the "peace plan"); a longer quotation is somebody's speech, a capitalised one a name
# or a title, and one after a verb of naming ("called it a “witch hunt”") is attributed.
_SCARE = re.compile(r"(?<=\s)[\"\u201c]([a-z][^\"\u201c\u201d]{0,39})[\"\u201d]")
_NAMING = re.compile(
    r"\b(?:call(?:s|ed|ing)?|dubb?(?:s|ed|ing)?|term(?:s|ed)|label(?:s|ed|led)|brand(?:s|ed)"
    r"|describ(?:e|es|ed|ing)|referred to|known as|saying|pledg\w*|promis\w*|vow\w*"
    r"|denounc\w*|decr\w*|accus\w*|urg\w*)\b",
    re.IGNORECASE,
)


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


def neutrality_flags(
    claim: str, *, cited: bool = False, excuse_attribution: bool = True
) -> list[NeutralityFlag]:
    """Every neutrality rule that fires on ``claim``, with the triggering words and offsets.

    ``excuse_attribution=False`` also flags the words of attributed indirect speech ("X said
    the plan was radical" -> "radical"; quoted words stay exempt): not the writer's voice, but
    a writer choosing between outlets can still prefer the one that reports it plainly.
    """
    text = mask_quotes(claim)
    attributed = excuse_attribution and bool(SPEECH.search(text))
    flags: list[NeutralityFlag] = []
    for kind, rule, pattern in COMPILED:
        for match in pattern.finditer(text):
            if kind == "vague_attribution":
                if cited:
                    continue
            elif rule in UNEXCUSED:
                pass  # the writer's own choice of verb: the attribution it makes is no excuse
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
        flags = [f for f in flags if f.kind == "vague_attribution" or f.rule in UNEXCUSED]
        return sorted(flags, key=lambda f: (f.start, f.kind))
    flags += [
        NeutralityFlag(kind="loaded", trigger=claim[m.start() : m.end()], start=m.start(),
                       end=m.end(), rule="scare quotes")
        for m in _SCARE.finditer(claim)
        if len(m.group(1).split()) <= 3 and not _NAMING.search(text, 0, m.start())
    ]
    if not flags and (scored := valence(text)).loaded and scored.triggers:
        # one flag for the sentence, on its strongest word: a tone, not a word list
        rule = f"lexicon: VADER {scored.compound:+.2f}, subjectivity {scored.subjectivity:.2f}"
        a, b = scored.strongest
        flags.append(NeutralityFlag(kind="loaded", trigger=claim[a:b], start=a, end=b, rule=rule))
    return sorted(flags, key=lambda f: (f.start, f.kind))


def loaded_terms(sentence: str) -> list[str]:
    """The words that make ``sentence`` read as the writer's own judgement, in order.

    For writers and verification: a cited digest sentence (so weasel words are excused by the
    citation), reported speech exempt where attributed, quoted words exempt. Empty = neutral.
    """
    return [f.trigger for f in neutrality_flags(sentence, cited=True)]


def reported_terms(sentence: str) -> list[str]:
    """Loaded words that ``sentence`` reports in attributed indirect speech, not in its own voice.

    "Critics said the shameless plan …" -> ["shameless"]. Empty when the sentence attributes
    nothing loaded, or when the loaded words are its own (those are :func:`loaded_terms`).
    """
    own = {(f.start, f.end) for f in neutrality_flags(sentence, cited=True)}
    return [f.trigger for f in neutrality_flags(sentence, cited=True, excuse_attribution=False)
            if (f.start, f.end) not in own]
