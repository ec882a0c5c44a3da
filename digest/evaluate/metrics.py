"""Per-sentence citation checks (ALCE) and the metric classes that total them.

Citation recall and precision follow ALCE (Gao et al. 2023, "Enabling Large Language Models to
Generate Text with Citations"):

* **recall** — a sentence is *supported* when the concatenation of its cited sources entails it
  (the judge is given all cited sources at once). Uncited sentences count as unsupported.
* **precision** — a citation is *irrelevant* when it does not support the sentence alone AND the
  remaining citations still do; every citation of an unsupported sentence counts as irrelevant.
  Like ALCE, at most the first three citations of a sentence are checked.

Two cases ALCE does not have, because its sources are always at hand: a number outside the
digest's Sources list (*out of range*: a citation to nothing, so the sentence is unsupported if
it has no other citation) and a source we cannot read (*unavailable*: the sentence is left out
of the totals instead of being counted as unsupported).

Cheap deterministic checks (uncited, out of range, neutrality) run before any judge call.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from digest.errors import ConfigError
from digest.evaluate.models import (
    Clause,
    DigestSentence,
    Evidence,
    MetricResult,
    SentenceResult,
    SentenceScore,
)
from digest.evaluate.neutral import neutrality_flags
from digest.evaluate.sources import ResolvedSources, SourceText
from digest.judges.base import Judge, Judgement

MAX_CITATIONS = 3
NAN = float("nan")


@dataclass
class SentenceChecker:
    """Runs every per-sentence check; the judge is only called where sources are available."""

    judge: Judge | None
    sources: ResolvedSources
    valid: set[int] | None = None  # the digest's declared source numbers, when it has a list
    calls: int = field(default=0, init=False)

    def check(self, sentence: DigestSentence) -> SentenceResult:
        cited = sentence.citations
        result = SentenceResult(
            index=sentence.index,
            paragraph=sentence.paragraph,
            kind=sentence.kind,
            text=sentence.text,
            claim=sentence.claim,
            citations=cited,
            verdict="uncited",
            flags=neutrality_flags(sentence.claim, cited=bool(cited)),
        )
        if not cited:
            return result
        result.out_of_range = [
            n for n in cited if n < 1 or (self.valid is not None and n not in self.valid)
        ]
        in_range = [n for n in cited if n not in result.out_of_range][:MAX_CITATIONS]
        result.checked = in_range
        result.unavailable = [n for n in in_range if n not in self.sources.texts]
        available = [n for n in in_range if n in self.sources.texts]
        if not in_range:
            result.verdict = "out_of_range"
        elif not available:
            result.verdict = "unavailable"
        else:
            self._judge_support(sentence, result, available)
        return result

    def _ask(self, claim: str, numbers: Sequence[int]) -> Judgement:
        if self.judge is None:
            raise ConfigError("sources are available but no judge was given to check them")
        self.calls += 1
        return self.judge.judge(claim, [self.sources.texts[n].text for n in numbers])

    def _judge_support(
        self, sentence: DigestSentence, result: SentenceResult, available: list[int]
    ) -> None:
        joint = self._ask(sentence.claim, available)
        threshold = self.judge.threshold if self.judge is not None else 0.5
        result.probability = joint.probability
        clauses = self._clause_judgements(sentence, available)
        by_clauses = bool(clauses) and all(j.probability >= threshold for _, j in clauses)
        if joint.probability >= threshold or by_clauses:
            result.verdict = "supported"
            result.by_clauses = joint.probability < threshold
        else:
            # A missing source might hold the support: "cannot check", not "unsupported".
            result.verdict = "unavailable" if result.unavailable else "unsupported"
        if clauses:
            self._clause_evidence(sentence, result, available, clauses, threshold)
            return
        singles = (
            {available[0]: joint}
            if len(available) == 1
            else {n: self._ask(sentence.claim, [n]) for n in available}
        )
        for n in available:
            relevant: bool | None = None  # unavailable: unknown
            if result.verdict == "supported":
                relevant = self._needed(sentence.claim, n, singles[n], available, threshold)
            elif result.verdict == "unsupported":
                relevant = False  # ALCE: every citation of an unsupported sentence
            self._add_evidence(result, sentence, n, singles[n], relevant)

    def _clause_judgements(
        self, sentence: DigestSentence, available: list[int]
    ) -> list[tuple[Clause, Judgement]]:
        """Each clause against its own citations: "Some say X [3]; others say Y [4]."

        If [3] entails X and [4] entails Y, then [3, 4] together entail the sentence (ALCE's
        condition), and judges score a long two-source claim worse than its parts. A clause
        not supported by its own citation is a citation to the wrong source even when the
        sentence as a whole is supported. Empty unless every clause cites available sources.
        """
        clauses = sentence.clauses
        if not clauses or any(
            not c.citations or set(c.citations) - set(available) for c in clauses
        ):
            return []
        return [(c, self._ask(c.claim, c.citations[:MAX_CITATIONS])) for c in clauses]

    def _clause_evidence(
        self,
        sentence: DigestSentence,
        result: SentenceResult,
        available: list[int],
        clauses: list[tuple[Clause, Judgement]],
        threshold: float,
    ) -> None:
        """Precision per clause: a citation is needed for the clause it is attached to."""
        for n in available:
            clause, judged = next((c, j) for c, j in clauses if n in c.citations)
            numbers = clause.citations[:MAX_CITATIONS]
            alone = judged if numbers == [n] else self._ask(clause.claim, [n])
            relevant = (
                result.verdict == "supported"
                and judged.probability >= threshold
                and self._needed(clause.claim, n, alone, numbers, threshold)
            )
            self._add_evidence(result, sentence, n, alone, relevant)

    def _add_evidence(
        self,
        result: SentenceResult,
        sentence: DigestSentence,
        n: int,
        judged: Judgement,
        relevant: bool | None,
    ) -> None:
        result.evidence.append(_evidence(n, judged, self.sources.texts[n], sentence, relevant))

    def _needed(
        self, claim: str, n: int, alone: Judgement, available: list[int], threshold: float
    ) -> bool:
        """ALCE precision: irrelevant iff not sufficient alone and the others still suffice."""
        if alone.probability >= threshold:
            return True
        rest = [m for m in available if m != n]
        if not rest:
            return True
        return self._ask(claim, rest).probability < threshold


def _evidence(
    n: int,
    judgement: Judgement,
    source: SourceText,
    sentence: DigestSentence,
    relevant: bool | None,
) -> Evidence:
    start, end = judgement.start, judgement.end
    text = source.text[start:end] if 0 <= start < end else ""
    link = next((c for c in sentence.links if c.n == n), None)
    return Evidence(
        n=n,
        probability=judgement.probability,
        text=text,
        start=source.article_offset(start),
        end=source.article_offset(end) if end >= 0 else -1,
        relevant=relevant,
        linked_start=link.start if link else None,
        linked_end=link.end if link else None,
    )


def _ratio(hits: int, total: int) -> float:
    return hits / total if total else NAN


class CitationRecall:
    """Share of claim sentences supported by their cited sources (ALCE citation recall).

    Uncited and out-of-range sentences count as unsupported; sentences whose cited sources are
    unavailable are left out. NaN when no sentence could be scored.
    """

    name = "citation_recall"
    _scored = {"supported": 1.0, "unsupported": 0.0, "uncited": 0.0, "out_of_range": 0.0}

    def score(self, results: Sequence[SentenceResult]) -> MetricResult:
        verdicts = [
            SentenceScore(index=r.index, score=self._scored.get(r.verdict), note=r.verdict)
            for r in results
        ]
        scored = [v.score for v in verdicts if v.score is not None]
        value = _ratio(int(sum(scored)), len(scored))
        skipped = len(verdicts) - len(scored)
        reason = (
            f"{int(sum(scored))} of {len(scored)} checkable sentences supported by their citations"
            + (f"; {skipped} left out (sources unavailable)" if skipped else "")
            if scored
            else "no sentence could be checked (no sources available)"
        )
        return MetricResult(name=self.name, value=value, reason=reason, verdicts=verdicts)


class CitationPrecision:
    """Share of checked citations that are needed (ALCE citation precision).

    Out-of-range citations count as irrelevant; citations to unavailable sources are left out.
    """

    name = "citation_precision"

    def score(self, results: Sequence[SentenceResult]) -> MetricResult:
        verdicts: list[SentenceScore] = []
        relevant = total = 0
        for r in results:
            judged = [e.relevant for e in r.evidence if e.relevant is not None]
            bad = len(r.out_of_range)
            if not judged and not bad:
                verdicts.append(SentenceScore(index=r.index, score=None, note=r.verdict))
                continue
            good = sum(1 for x in judged if x)
            relevant, total = relevant + good, total + len(judged) + bad
            irrelevant = [e.n for e in r.evidence if e.relevant is False]
            note = (
                ", ".join(
                    ([f"irrelevant [{', '.join(map(str, irrelevant))}]"] if irrelevant else [])
                    + ([f"out of range [{', '.join(map(str, r.out_of_range))}]"] if bad else [])
                )
                or "all citations needed"
            )
            verdicts.append(
                SentenceScore(index=r.index, score=good / (len(judged) + bad), note=note)
            )
        reason = (
            f"{relevant} of {total} checked citations needed"
            if total
            else "no citation could be checked"
        )
        return MetricResult(
            name=self.name, value=_ratio(relevant, total), reason=reason, verdicts=verdicts
        )


class UncitedShare:
    """Share of claim sentences that carry no citation at all (lower is better)."""

    name = "uncited_share"

    def score(self, results: Sequence[SentenceResult]) -> MetricResult:
        verdicts = [
            SentenceScore(index=r.index, score=float(r.verdict == "uncited"), note=r.verdict)
            for r in results
        ]
        uncited = sum(1 for r in results if r.verdict == "uncited")
        return MetricResult(
            name=self.name,
            value=_ratio(uncited, len(results)),
            reason=f"{uncited} of {len(results)} sentences have no citation",
            verdicts=verdicts,
        )


class NeutralityShare:
    """Share of claim sentences with at least one neutrality flag (lower is better)."""

    name = "non_neutral_share"

    def score(self, results: Sequence[SentenceResult]) -> MetricResult:
        verdicts = [
            SentenceScore(
                index=r.index,
                score=float(bool(r.flags)),
                note="; ".join(f"{f.kind}: {f.trigger}" for f in r.flags),
            )
            for r in results
        ]
        flagged = sum(1 for r in results if r.flags)
        return MetricResult(
            name=self.name,
            value=_ratio(flagged, len(results)),
            reason=f"{flagged} of {len(results)} sentences flagged "
            f"({sum(len(r.flags) for r in results)} flags)",
            verdicts=verdicts,
        )


METRICS = (CitationRecall, CitationPrecision, UncitedShare, NeutralityShare)


def is_nan(value: float | None) -> bool:
    return value is None or math.isnan(value)
