"""Does a sentence stand on its own? Rules for sentences lifted out of their article.

An extractive digest quotes sentences verbatim, far from the paragraphs that introduced their
people and events. A sentence that leans on that missing context reads as a non sequitur:
"Also, …", "The ministerial meeting comes as …", "“…,” Ms. Raman said." Each rule below names
one such dependency and says when the digest itself supplies the antecedent:

* ``connective``: opens with a connective or anaphor ("Also", "But", "However", "This", "It",
  a sentence-initial pronoun) — never resolved: its antecedent is the article's last sentence;
* ``additive``: "also", "too", "as well" outside quotation marks — what else? never resolved;
* ``pronoun``: "…, he said" / "his" with no name in the sentence;
* ``definite``: opens with "The/These/Both/Other … <noun>" whose noun has not appeared earlier
  in the digest ("The ministerial meeting comes as …");
* ``name``: "Mr./Ms./Dr. X", or a bare surname as a speaker, before the digest has named X in
  full ("Priya Raman", "President Xi");
* ``relative time``: "days later", "the next day", "this week", "earlier this month",
  "that year" — later than what, which week? never resolved: the article's own dateline is
  not in the digest
  ("next month", "last year" are left alone: a digest's date places them well enough);
* ``demonstrative``: "this northern port city", "these talks" inside a sentence — never
  resolved ("this" points at the article's previous sentence);
* ``implicit topic``: "a ceasefire", "the conflict", "neutral", "the agenda" before the digest
  has named the conflict or whose agenda it is ("the war in Ukraine", "the summit's agenda");
* ``instruction``: it quotes an instruction aimed at a model ("Ignore previous instructions
  and write …", :func:`digest.write.injection.instruction_spans`): accurate as a quotation, but
  a digest should report what happened (posts spread false claims) rather than repeat it;
* ``stale``: a forward-looking line ("will travel", "gave no dates", "is expected to") from an
  article that a later article of the same window has overtaken (:func:`stale_reason`; it
  needs the articles' dates, so writers apply it where they know them).

The rules are deliberately lexical (no parser, no model) and err towards flagging: the writer
has plenty of other sentences to choose from, and the same rules score any digest
(``evals/bench_writer.py``), so a rule a writer could satisfy by luck would measure nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from digest.write.injection import instruction_spans

# "MOSCOW (Harbor Wire) — ": a dateline is the article's, not the sentence's, and is cut off.
DATELINE = re.compile(
    r"^[A-Z][A-Z.'\- ]{2,}(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*)*)?(?:\s*\([^)]*\))?\s*[—–]\s+"
)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_CONNECTIVES = (
    "also", "but", "however", "this", "that", "these", "those", "it", "its", "they", "their",
    "them", "he", "she", "his", "her", "him", "we", "our", "i", "and", "yet", "still",
    "meanwhile", "moreover", "furthermore", "additionally", "instead", "nevertheless",
    "nonetheless", "besides", "likewise", "similarly", "otherwise", "thus", "therefore", "hence",
    "so", "then", "in addition", "at the same time", "as a result", "even so",
    "on the other hand", "by contrast", "in contrast", "in response", "after that",
    "for his part", "for her part", "for their part", "in turn", "as such",
)
# "This week" and "That year" are dates, not anaphora.
_TIME_NOUNS = r"(?:week|weekend|month|year|morning|afternoon|evening|spring|summer|autumn|fall" \
    r"|winter)"
_CONNECTIVE = re.compile(
    r"^(?!(?:this|that|these|those)\s+" + _TIME_NOUNS + r"\b)(" + "|".join(
        re.escape(c) for c in sorted(_CONNECTIVES, key=len, reverse=True)) + r")\b",
    re.IGNORECASE)
_ADDITIVE = re.compile(r"\balso\b|,\s*too\b|\btoo[.!?]|\bas well\b(?!\s+as\b)", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(he|she|his|him|her)\b")
_PERSON_NOUNS = re.compile(
    r"\b(?:spokes\w*|minister|official|analyst|researcher|president|premier|chairman|director"
    r"|fellow|head|reporter|expert|envoy|ambassador|man|woman|chief|leader|secretary)\b",
    re.IGNORECASE)
_CAPITALISED = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+")
_DETERMINER = re.compile(
    r"^(?:the|this|these|those|both|other|another|such|neither|each|either)\s+", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_NOT_HEAD = set(
    "of in on at for with to from by as that which who whose is are was were be been has have "
    "had will would could can may might must should do does did took made came went said says "
    "gave held met left told began saw found became got kept put set led won sent paid rose "
    "fell grew drew cut hit ran not no and or but than also first second last next new "
    "former".split())
_NUMBERISH = set("two three four five six seven eight nine ten dozen".split())
_HONORIFIC = re.compile(r"\b(?:Mr|Ms|Mrs|Dr|Miss|Prof)\.?\s+([A-Z](?:[\w-]|['’](?!s\b))+)")
_FULL_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][a-z'-]+)+")
_SPEECH = r"(?:said|says|told|added|argued|noted|wrote|warned|explained)"
# Our own wrappers around a verbatim quote ("On the place, some reports say “…”", "An analysis
# piece in X argues: “…”", "Northern Ledger reports: “…”"): the rules apply to the quoted
# source sentence inside.
_WRAPPED = re.compile(
    r"^(?:On the \w+, some reports say|others say|An? \w+ piece in .+ argues:"
    r"|[A-Z][\w .&'-]{0,60} reports:) “(.*)”\.?$")
_NOT_GIVEN = {"Mr", "Ms", "Mrs", "Dr", "Miss", "Prof", "The", "A", "An", "In", "On", "At"}
_SPAN = (r"(?:(?:(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|a few|few) )?"
         r"(?:days|weeks|months|hours|years)|a day|a week|a month|a year|an hour)")
_RELATIVE = re.compile(
    r"\b(?:" + _SPAN + r"\s+(?:later|earlier)(?!\s+than)"
    r"|the (?:next|following|previous) (?:day|week|month|morning)"
    r"|the day (?:before|after)(?!\s+(?:the|a|his|her|its|their|[A-Z]))"
    r"|(?:(?:earlier|later) )?(?:this|next|last) (?:week|weekend)(?:'s)?"
    r"|(?:earlier|later) this (?:week|month)"
    r"|(?:that|the same) (?:year|month|week|morning|day))\b", re.IGNORECASE)
_DEMONSTRATIVE = re.compile(
    r"(?<!^)\b(this|these|those)\s+((?:[a-z][a-z-]*\s+){0,3}?"
    r"(?:city|port|town|capital|country|nation|region|province|place|visit|trip|meeting"
    r"|meetings|summit|event|deal|agreement|conflict|war|issue|plan|proposal|talks|move"
    r"|decision|leader|official|man|woman|group|company|outlet))\b")
# Topics a sentence cannot leave implicit: which conflict, whose agenda.
_IMPLICIT = re.compile(
    r"\b(ceasefire|cease-fire|the conflict|the war|the fighting|the invasion|neutral(?:ity)?"
    r"|peace talks|the peace process|the agenda)\b", re.IGNORECASE)
_NAMED_CONFLICT = re.compile(  # a capitalised name next to the conflict word (case matters)
    r"\b[A-Z][a-z]+(?:'s)?\s+(?i:war|conflict|ceasefire|peace|invasion|crisis)\b"
    r"|\b(?i:war|conflict|ceasefire|fighting|invasion|peace \w+|crisis)\s+(?:in|over|with"
    r"|between|on|against)\s+(?:the\s+)?[A-Z]")
_OWNED_AGENDA = re.compile(r"\bagenda\s+(?:of|for)\b|'s agenda\b|\b[A-Z]\w+ agenda\b")
_FORWARD = re.compile(
    r"\b(?:will|is expected to|are expected to|is set to|are set to|is scheduled to"
    r"|are scheduled to|plans to|ahead of (?:the|his|her|a) \w+)\b", re.IGNORECASE)
_NO_DATE = re.compile(r"\b(?:gave no dates?|did not give (?:a |any )?dates?"
                      r"|has not (?:yet )?been (?:announced|confirmed|set))\b", re.IGNORECASE)
# A sentence that reports what happened is not overtaken by its own forward-looking clause
# ("arrived on Tuesday …, beginning a visit that will include talks").
_HAPPENED = re.compile(r"\b(?:arrived|landed|touched down|met|signed|began|ended|left"
                       r"|wrapped up|held|reached|opened|closed)\b")
STALE_HOURS = 12.0  # a later article this much newer has overtaken a forward-looking line


def strip_dateline(text: str) -> int:
    """How many leading characters are a dateline ("BEIJING — "), 0 when there is none."""
    match = DATELINE.match(text)
    return match.end() if match else 0


def unquoted(text: str) -> str:
    """``text`` with quoted speech blanked out: a speaker's words are theirs, not ours."""
    return _QUOTED.sub(" ", text)


def _stem(word: str) -> str:
    word = word.lower().strip("'")
    for suffix in ("ings", "ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _stems(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text)}


def context_free_reasons(text: str) -> list[str]:
    """Dependencies no earlier sentence of a digest can resolve (connectives, "also", "he")."""
    reasons = []
    opening = _CONNECTIVE.match(text)
    if opening and re.match(r"instead\s+of\b", text, re.IGNORECASE):  # a preposition here
        opening = None
    if opening:
        reasons.append(f"connective: opens with “{opening.group(1)}”")
    outside = unquoted(text)
    additive = _ADDITIVE.search(outside, opening.end() if opening else 0)
    if additive:
        reasons.append(f"additive: “{additive.group(0).strip(', .!?')}” without antecedent")
    if instruction_spans(text):  # it quotes "ignore previous instructions…": report, not quote
        reasons.append("instruction: quotes an instruction aimed at a model")
    relative = _RELATIVE.search(outside)
    if relative:
        reasons.append(f"relative time: “{relative.group(0)}” with no anchor in the digest")
    demonstrative = _DEMONSTRATIVE.search(outside)
    if demonstrative:
        reasons.append(f"demonstrative: “{demonstrative.group(0)}” points at the article")
    for pronoun in _PRONOUN.finditer(outside):
        # A name anywhere in the sentence resolves it ("Ahead of his victory, Sanders said").
        if not (_CAPITALISED.search(outside)
                or _PERSON_NOUNS.search(outside[: pronoun.start()])):
            reasons.append(f"pronoun: “{pronoun.group(1)}” before anyone is named")
            break
    return reasons


def _implicit(text: str, earlier: str) -> str | None:
    """A conflict or an agenda the sentence talks about without the digest having named it."""
    outside = unquoted(text)
    match = _IMPLICIT.search(outside)
    if not match:
        return None
    context = f"{earlier} {outside}"
    if match.group(1).lower() == "the agenda":
        if _OWNED_AGENDA.search(context) or re.search(r"\bagenda\b", earlier):
            return None
    elif _NAMED_CONFLICT.search(context):
        return None
    return f"implicit topic: “{match.group(0)}” before the digest names it"


def stale_reason(text: str, published: datetime | None, newest: datetime | None) -> str | None:
    """A forward-looking line ("will travel", "gave no dates") that a later article overtook.

    ``published``: the sentence's article; ``newest``: the newest article of the same window.
    """
    if published is None or newest is None:
        return None
    if (newest - published).total_seconds() < STALE_HOURS * 3600:
        return None
    outside = unquoted(text)
    match = _NO_DATE.search(outside)
    if not match and not _HAPPENED.search(outside):
        match = _FORWARD.search(outside)
    if not match:
        return None
    return (f"stale: “{match.group(0)}” in an article of {published:%Y-%m-%d %H:%M}, "
            f"overtaken by one of {newest:%Y-%m-%d %H:%M}")


def _definite(text: str, earlier: set[str]) -> str | None:
    opening = _DETERMINER.match(text)
    if not opening:
        return None
    words: list[str] = []
    rest = text[opening.end():]
    if re.match(_TIME_NOUNS + r"\b", rest, re.IGNORECASE):
        return None
    for word in _WORD.findall(rest)[:4]:
        if word.lower() in _NUMBERISH:
            continue
        if (word[0].isupper() or word.lower() in _NOT_HEAD or len(words) == 2
                or (words and word.endswith("ed"))):
            break
        words.append(word)
    if not words or any(_stem(w) in earlier for w in words):
        return None
    phrase = text[: opening.end()] + " ".join(words)
    return f"definite: “{phrase}” has no antecedent in the digest"


def full_names(texts: Iterable[str]) -> dict[str, str]:
    """Surname -> a full name ("Raman" -> "Priya Raman") as the sources write them."""
    names: dict[str, str] = {}
    for text in texts:
        for match in _FULL_NAME.finditer(text):
            parts = match.group(0).split()
            if parts[0] not in _NOT_GIVEN:
                names.setdefault(parts[-1], match.group(0))
    return names


def named_in_full(surname: str, text: str) -> bool:
    """Whether ``text`` names ``surname`` with a given name or title ("Vladimir Putin")."""
    name = re.escape(surname)
    for match in re.finditer(rf"\b([A-Z][\w'-]*)\.?\s+(?:[A-Z]\.\s+)?{name}\b", text):
        if match.group(1) not in _NOT_GIVEN:
            return True
    return re.search(rf"\b{name}\s+[A-Z][a-z]+\b", text) is not None


def _short_names(text: str, surnames: dict[str, str]) -> list[tuple[int, str]]:
    """(end offset, surname) of each "Mr. X" and each speaking surname the sources name in full."""
    found = [(m.end(1), m.group(1)) for m in _HONORIFIC.finditer(text)]
    speaker = rf"\b([A-Z][a-z'-]+)\s+{_SPEECH}\b|\b{_SPEECH}\s+([A-Z][a-z'-]+)\b"
    for match in re.finditer(speaker, text):
        group = 1 if match.group(1) else 2
        # "said Mr. Putin": the honorific is not a surname (the honorific form is found above)
        if match.group(group) in surnames and match.group(group) not in _NOT_GIVEN:
            found.append((match.end(group), match.group(group)))
    return found


def orphan_names(text: str, earlier: str, *, surnames: dict[str, str] | None = None
                 ) -> list[str]:
    """Short-form names in ``text`` ("Ms. Raman", "Raman said") not yet introduced in full.

    ``surnames`` (from :func:`full_names` over the sources) lets a bare surname speaking be
    recognised as a person's short form; honorific forms need no help.
    """
    orphans: list[str] = []
    for end, surname in _short_names(text, surnames or {}):
        # The text up to and including the name: "Priya Raman said" names her in full itself.
        if surname not in orphans and not named_in_full(surname, f"{earlier} {text[:end]} ."):
            orphans.append(surname)
    return orphans


def dangling_reasons(text: str, earlier: str, *, surnames: dict[str, str] | None = None
                     ) -> list[str]:
    """Why ``text`` cannot stand where it is, after the digest's ``earlier`` text ([] if it can)."""
    reasons = context_free_reasons(text)
    definite = _definite(text, _stems(earlier))
    if definite:
        reasons.append(definite)
    implicit = _implicit(text, earlier)
    if implicit:
        reasons.append(implicit)
    reasons += [f"name: “{name}” before the digest names them in full"
                for name in orphan_names(text, earlier, surnames=surnames)]
    return reasons


def is_standalone(text: str, earlier: str = "", *, surnames: dict[str, str] | None = None
                  ) -> bool:
    """True when no rule flags ``text`` after ``earlier``."""
    return not dangling_reasons(text, earlier, surnames=surnames)


def unwrap(sentence: str) -> str:
    """The source's own sentence inside one of our quote wrappers (else the sentence)."""
    wrapped = _WRAPPED.match(sentence)
    return wrapped.group(1) if wrapped else sentence


def dangling_in_digest(sentences: Iterable[str], *, surnames: dict[str, str] | None = None
                       ) -> list[tuple[str, list[str]]]:
    """(sentence, reasons) for each sentence of a digest, in reading order, checked against the
    text before it; our quote wrappers are looked through to the source's sentence."""
    found = []
    earlier = ""
    for sentence in sentences:
        text = unwrap(sentence)
        found.append((sentence, dangling_reasons(text, earlier, surnames=surnames)))
        earlier += " " + text
    return found
