"""The neutrality lexicon: which words make a news sentence read as opinion, not report.

Sources, so the list can be argued with rather than guessed at:

* Wikipedia's Manual of Style, "Words to watch" (MOS:WTW): puffery and contentious labels
  (``loaded``), unsupported attributions / weasel words (``vague_attribution``), editorializing
  and expressions of doubt (``editorializing``, ``opinion``).
* Recasens, Danescu-Niculescu-Mizil & Jurafsky (2013), "Linguistic Models for Analyzing and
  Detecting Biased Language" (ACL): *epistemological* bias from hedges and assertive/factive
  verbs (``opinion``: "suggests", "appears to", "is designed to") and *framing* bias from
  subjective intensifiers (``loaded``: "critical", "high-stakes", "historic").

Each rule is ``(kind, name, regex)``. Regexes are case-insensitive and matched on the claim with
quoted speech blanked out. Exemptions (attributed speech, quotes, "according to") live in
:mod:`digest.evaluate.neutral`, not here. Add words with a test that shows the sentence they
catch; the lexicon is deliberately short, because a flag on every sentence is a flag on none.
"""

from __future__ import annotations

import re

from digest.evaluate.models import FlagKind


def _words(*words: str) -> str:
    return r"\b(?:" + "|".join(words) + r")\b"


RULES: list[tuple[FlagKind, str, str]] = [
    # -- unattributed opinion, speculation, motive ---------------------------------------------
    (
        "opinion",
        "hedge",
        _words(
            "likely",
            "unlikely",
            "probably",
            "perhaps",
            "possibly",
            "arguably",
            "presumably",
            "apparently",
            "seemingly",
            "may well",
            "could well",
        ),
    ),
    ("opinion", "appearance", r"\b(?:seems?|seemed|appears?|appeared) to\b"),
    (
        "opinion",
        "inference verb",
        _words(
            "suggests?",
            "suggested",
            "signals?",
            "signall?ed",
            "indicates?",
            "implies",
        ),
    ),
    (
        "opinion",
        "imputed motive",
        r"\b(?:is|are|was|were|seems|appears) (?:clearly |partly )?"
        r"(?:intended|designed|meant|calculated|aimed) to\b",
    ),
    ("opinion", "imputed aim", r"\b(?:aims?|aimed|attempting|attempts?|trying|tries|tried) to\b"),
    ("opinion", "unknowable", r"\b(?:it remains to be seen|only time will tell)\b"),
    # -- weasel words: an opinion hung on unnamed people -----------------------------------------
    (
        "vague_attribution",
        "unnamed group",
        r"\b(?:some|many|several|most|other)?\s*"
        r"(?:diplomatic |western |political )?(?:observers|experts|analysts|critics|commentators"
        r"|pundits|insiders) "
        r"(?:say|said|suggest|suggested|believe|argue|note|contend|warn|agree)\b",
    ),
    (
        "vague_attribution",
        "passive belief",
        r"\bit is (?:widely |generally )?"
        r"(?:believed|thought|said|argued|understood|felt)\b",
    ),
    (
        "vague_attribution",
        "seen as",
        r"\b(?:is|are|was|were) (?:widely |generally )?"
        r"(?:seen|regarded|viewed|considered|perceived) as\b",
    ),
    # -- loaded or evaluative wording ------------------------------------------------------------
    (
        "loaded",
        "intensifier",
        _words(
            "critical",
            "crucial",
            "pivotal",
            "historic",
            "landmark",
            "unprecedented",
            "high-stakes",
            "dramatic(?:ally)?",
            "stunning",
            "shocking",
            "alarming(?:ly)?",
            "remarkabl[ey]",
            "staggering",
            "extraordinary",
            "momentous",
            "seismic",
        ),
    ),
    (
        "loaded",
        "judgement",
        _words(
            "necessary",
            "vital",
            "bold",
            "brazen",
            "aggressive",
            "provocative",
            "reckless",
            "disastrous",
            "catastrophic",
            "heroic",
            "courageous",
            "iconic",
            "legendary",
            "notorious",
            "infamous",
            "controversial",
            "regime",
            "strongman",
            "so-called",
        ),
    ),
    ("loaded", "slant verb", _words("slammed", "blasted", "lashed out", "caved", "bowed to")),
    (
        "loaded",
        "certainty",
        _words(
            "clearly",
            "obviously",
            "undeniably",
            "undoubtedly",
            "of course",
            "sadly",
            "unfortunately",
            "fortunately",
            "merely",
        ),
    ),
    # -- editorializing conclusions --------------------------------------------------------------
    (
        "editorializing",
        "significance verb",
        _words(
            "underscor(?:es|ed|ing|e)",
            "highlight(?:s|ed|ing)?",
            "demonstrat(?:es|ed|ing|e)",
            "illustrat(?:es|ed|ing|e)",
            "showcas(?:es|ed|ing|e)",
            "cement(?:s|ed|ing)?",
            "solidif(?:y|ies|ied|ying)",
            "leverag(?:e|es|ed|ing)",
        ),
    ),
    (
        "editorializing",
        "framing",
        r"\b(?:moving beyond|a sign that|a testament to|"
        r"paves? the way|ushers? in|provides? a platform|serves? as|positioning \w+ as|"
        r"sends? a (?:clear |strong )?(?:message|signal)|marks? a (?:new|turning|watershed|"
        r"milestone|significant)|regardless of|raises? (?:serious )?questions)\b",
    ),
    (
        "editorializing",
        "commentary adverb",
        _words(
            "notably",
            "interestingly",
            "tellingly",
            "ironically",
            "ultimately",
            "in other words",
            "it should be noted",
            "it is worth noting",
        ),
    ),
]

COMPILED: list[tuple[FlagKind, str, re.Pattern[str]]] = [
    (kind, name, re.compile(pattern, re.IGNORECASE)) for kind, name, pattern in RULES
]

#: Speech verbs: "X said …" reports a claim instead of making it (exempts the sentence).
SPEECH = re.compile(
    _words(
        "said",
        "says",
        "say",
        "told",
        "stated",
        "according to",
        "announced",
        "added",
        "noted",
        "wrote",
        "confirmed",
        "declared",
        "quoted",
        "reported",
        "reports",
        "argued",
        "warned",
        "told reporters",
        "statement",
    ),
    re.IGNORECASE,
)
