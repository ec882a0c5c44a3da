"""Per-sentence citation checks: cited, in range, supported (ALCE recall), each needed
(ALCE precision), best evidence per citation, neutrality flags.

See :mod:`digest.evaluate.metrics` for the definitions and how they are totalled. Cheap
deterministic checks (uncited, out of range, neutrality) run before any judge call, and the
judge is called only where a cited source can be read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from digest.briefing import MAX_CITATIONS
from digest.errors import ConfigError
from digest.evaluate.models import (
    Clause,
    DigestSentence,
    Evidence,
    SentenceResult,
)
from digest.evaluate.neutral import neutrality_flags
from digest.evaluate.sources import ResolvedSources, SourceText
from digest.judges.base import Judge, Judgement


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
            found = next(((c, j) for c, j in clauses if n in c.citations), None)
            if found is None:  # cited by the sentence but by none of its clauses (issue 13)
                continue
            clause, judged = found
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
