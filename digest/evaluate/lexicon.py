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

The second half (loaded speech verbs, imputed intent, judgement and emphasis words, scare quotes
in :mod:`digest.evaluate.neutral`) was chosen against human judgement: NeuS (Lee et al. 2022)
pairs three outlets' leads with an editor's neutral roundup of them, so a word belongs here only
if it is a recognised bias cue (the sources above) *and* editors removed it, measured on the
NeuS *training* clusters (share of source-lead sentences with the word over the share of
roundup sentences, base rate 1; ``evals/bench_neutral.py`` reports the separation on the
validation clusters). Cues the editors kept were left out on that evidence: "claimed" (1.05),
"critical of" (0.26), "significantly" (0.54), "reportedly"/"allegedly" (0.3, the editors' own
hedges). "significant" stays on the issue's own example ("a significant diplomatic move", 2.1).
"""

from __future__ import annotations

import re

from digest.evaluate.models import FlagKind


def _words(*words: str) -> str:
    return r"\b(?:" + "|".join(words) + r")\b"


#: Verbs of saying that judge what was said (MOS:SAID: "said" is neutral; "admitted" implies
#: guilt, "slammed" anger, "touted" salesmanship). They attribute, so the words they report are
#: exempt, but the verb itself is the writer's and is always flagged.
LOADED_SPEECH = _words(
    "slam(?:s|med|ming)",
    "blast(?:s|ed|ing)",
    "lash(?:es|ed|ing) out",
    "tore into",
    "trash(?:es|ed|ing)",
    "ripp(?:ed|ing)",
    "insist(?:s|ed|ing)",
    "tout(?:s|ed|ing)",
    "boast(?:s|ed|ing)",
    "brag(?:s|ged|ging)",
    "admit(?:s|ted|ting)",
    "conced(?:e|es|ed|ing)",
    "confess(?:es|ed|ing)",
    "fum(?:es|ed|ing)",
    "rail(?:s|ed|ing) against",
    "mock(?:s|ed|ing)",
    "scoff(?:s|ed|ing)",
)

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
    (
        "opinion",
        "imputed intent",
        r"\bin (?:a|an) (?:apparent |desperate |last-ditch )?bid to\b"
        r"|\bin an apparent (?:attempt|effort) to\b|\b(?:ploy|gambit|power grab)\b",
    ),
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
            "critical(?! of)",
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
    ("loaded", "slant verb", _words("caved", "bowed to")),
    # the writer's verb for what someone said: never excused by the attribution it makes
    ("loaded", "loaded speech verb", LOADED_SPEECH),
    (
        "loaded",
        "contentious label",
        _words(
            "radical",
            "shameless(?:ly)?",
            "significant",
            "embattled",
            "beleaguered",
            "disgraced",
            "far-left",
            "far-right",
            "extremists?",
            "mob",
            "sham",
            "hoax",
            "bogus",
            "baseless",
            "draconian",
            "unhinged",
            "bombshell",
        ),
    ),
    (
        "loaded",
        "emotive adjective",
        _words(
            "sweeping",
            "massive",
            "huge",
            "explosive",
            "scathing",
            "blistering",
            "furious(?:ly)?",
            "outrage(?:ous)?",
            "ridiculous",
            "absurd",
            "fierce(?:ly)?",
            "bitter(?:ly)?",
            "dire",
            "grim",
            "devastating",
            "horrific",
            "brutal",
            "vicious",
            "bizarre",
            "desperate(?:ly)?",
            "embarrassing",
            "humiliating",
            "long-awaited",
            "bad",
            "worse",
            "badly",
            "crushing",
            "alarming",
            "dangerous",
            "stark",
            "abrupt(?:ly)?",
            "unexpectedly",
            "suddenly",
            "overwhelmingly",
            "chaotic",
            "chaos",
            "striking",
            "tough",
            "powerful",
        ),
    ),
    ("loaded", "blow", r"\b(?:dealt|deals?|dealing) (?:a|an) [\w-]*\s?blow\b|\bblow to\b"),
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
        "emphasis",
        r"\beven\b(?! (?:as|if|though|when|before|after|so|more|less|further)\b)"
        r"|\b(?:really|actually|truly|simply|totally|utterly|incredibly|finally)\b",
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

#: Rules that attribution does not excuse: the writer chose the verb, not the speaker.
UNEXCUSED = frozenset({"loaded speech verb"})

#: Speech verbs: "X said …" reports a claim instead of making it (exempts the sentence).
SPEECH = re.compile(
    LOADED_SPEECH + "|" + _words(
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
