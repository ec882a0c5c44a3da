"""The metric classes that total the per-sentence checks of :mod:`digest.evaluate.check`.

Citation recall and precision follow ALCE (Gao et al. 2023, "Enabling Large Language Models to
Generate Text with Citations"):

* **recall** — a sentence is *supported* when the concatenation of its cited sources entails it
  (the judge is given all cited sources at once). Unlike ALCE, an uncited sentence is counted
  as *uncited* (``uncited_share``), not as an unsupported checkable one (issue 21).
* **precision** — a citation is *irrelevant* when it does not support the sentence alone AND the
  remaining citations still do; every citation of an unsupported sentence counts as irrelevant.
  Like ALCE, at most the first three citations of a sentence are checked.

Two cases ALCE does not have, because its sources are always at hand: a number outside the
digest's Sources list (*out of range*: a citation to nothing, so the sentence is unsupported if
it has no other citation) and a source we cannot read (*unavailable*: the sentence is left out
of the totals instead of being counted as unsupported).

A sentence whose markers split it into clauses ("Some say X [3]; others say Y [4].") is also
checked clause by clause: it is supported when each clause is entailed by its own citations
(which implies ALCE's condition), and a citation is needed only for the clause it is attached
to, so a clause cited to the wrong source costs precision.
"""

from __future__ import annotations

from collections.abc import Sequence

from digest.evaluate.models import MetricResult, SentenceResult, SentenceScore

NAN = float("nan")


def _ratio(hits: int, total: int) -> float:
    return hits / total if total else NAN


class CitationRecall:
    """Share of checkable sentences supported by their cited sources (ALCE citation recall).

    A *checkable* sentence cites at least one source: out-of-range citations count as
    unsupported; sentences whose cited sources are unavailable are left out. An uncited
    sentence is not an unsupported checkable one: it is counted as uncited (and in
    :class:`UncitedShare`), outside this ratio. NaN ("n/a") when nothing could be checked.
    """

    name = "citation_recall"
    _scored = {"supported": 1.0, "unsupported": 0.0, "out_of_range": 0.0}

    def score(self, results: Sequence[SentenceResult]) -> MetricResult:
        verdicts = [
            SentenceScore(index=r.index, score=self._scored.get(r.verdict), note=r.verdict)
            for r in results
        ]
        scored = [v.score for v in verdicts if v.score is not None]
        value = _ratio(int(sum(scored)), len(scored))
        uncited = sum(1 for r in results if r.verdict == "uncited")
        skipped = len(verdicts) - len(scored) - uncited
        aside = ([f"{uncited} uncited"] if uncited else []) + (
            [f"{skipped} left out (sources unavailable)"] if skipped else [])
        if scored:
            reason = (f"{int(sum(scored))} of {len(scored)} checkable sentences supported by "
                      f"their citations" + (f"; {'; '.join(aside)}" if aside else ""))
        else:
            why = ([f"{uncited} uncited"] if uncited else []) + (
                [f"{skipped} citing only unavailable sources"] if skipped else [])
            reason = "no checkable sentence" + (f": {', '.join(why)}" if why else "")
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
