"""The faithfulness harness behind ``digest eval DIGEST``: parse, resolve, check, report.

``digest eval DIGEST [--sources DIR|MAP] [--store] [--judge NAME] [--format table|json|md|html]
[-o FILE] [--fail-under X]``

* **parse**: our own digests are read from their ``Briefing`` JSON (:mod:`.own`: one claim
  per shipped sentence or clause group, exact chunk links, no Markdown round trip) — ``X.json``,
  or ``X.md`` whose sidecar ``X.json`` it still matches; anyone else's Markdown/text digest
  (:mod:`.parse`) with ``[1]``, ``[3, 4]``, ``[1-3]``, ``[1][2]`` markers, each marker given to
  the sentence it closes (``friend." [2] Officials``), and a Sources/References list.
* **resolve** (:mod:`.sources`): source ``n`` from ``--sources`` (a folder of ``1.md``,
  ``2.txt``, ``3-slug.html``… or a JSON/YAML map), else the store (``--store``) by the Sources
  list's id or URL, else the sidecar's passages. Anything else is *unavailable*: reported, and
  left out of the totals rather than counted as unsupported.
* **check** (:mod:`.check`): per sentence — uncited; out of range (not in the Sources list);
  supported (ALCE citation recall: the cited sources together entail it; clause by clause for
  "X [3]; Y [4]."); each citation needed (ALCE precision; at most 3 checked); best passage per
  citation with article offsets; neutrality flags with their trigger words (:mod:`.neutral`).
* **total** (:mod:`.metrics`): citation recall, citation precision, share uncited, share
  non-neutral; NaN (JSON ``null``) when nothing could be scored, never 0.
* **report** (:mod:`.report`): rich table, JSON, Markdown, self-contained HTML.

``--fail-under X`` exits 1 when citation recall is below X (or NaN); library errors exit 2.

``digest eval run SUITE`` (:mod:`.suite`, :mod:`.aggregate`, :mod:`.coverage`, :mod:`.gates`) builds every variant's digests over a suite's inputs, scores them the
same way, and reports per-variant bootstrap intervals, paired tests against a baseline and CI
gates.
"""

from digest.evaluate.check import SentenceChecker
from digest.evaluate.metrics import (
    CitationPrecision,
    CitationRecall,
    NeutralityShare,
    UncitedShare,
)
from digest.evaluate.models import EvalReport, ParsedDigest, SentenceResult
from digest.evaluate.neutral import neutrality_flags
from digest.evaluate.parse import parse_digest, parse_digest_text
from digest.evaluate.run import check_digest, evaluate_briefing, evaluate_digest
from digest.evaluate.sources import ResolvedSources, resolve_sources

__all__ = [
    "CitationPrecision",
    "CitationRecall",
    "EvalReport",
    "NeutralityShare",
    "ParsedDigest",
    "ResolvedSources",
    "SentenceChecker",
    "SentenceResult",
    "UncitedShare",
    "check_digest",
    "evaluate_briefing",
    "evaluate_digest",
    "neutrality_flags",
    "parse_digest",
    "parse_digest_text",
    "resolve_sources",
]
