"""The faithfulness harness behind ``digest eval DIGEST``: parse, resolve, check, report."""

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
