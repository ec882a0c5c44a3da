"""Verbatim first: a sentence that stands word for word in a cited passage needs no model.

The extractive writer ships sentences copied from their passages, and a model scoring a copy
is the one place where every "unsupported" is a false alarm (a real digest flagged its own
lead sentence, a verbatim copy, at 0.61 < 0.65). :class:`VerbatimFirst` wraps any judge:

* a sentence that stands whole in a cited passage, or whose clauses do around a short neutral
  attribution (:func:`digest.judges.copies.verbatim_match`: the rules of what counts), gets
  probability 1.0 and its exact span, without calling the model;
* a copy with two roles exchanged or one fact edited (:mod:`digest.judges.rolecheck`) has its
  score capped at ``ROLE_CAP``;
* anything else goes to the wrapped judge (in one batch when that judge batches), and a
  judgement under the threshold comes back with its ``reason`` in words
  (:mod:`digest.judges.explain`), whichever judge made it.
"""

from __future__ import annotations

from dataclasses import replace

from digest.judges.base import Judge, Judgement, JudgeWrapper
from digest.judges.copies import normalise, normalised, strip_markers, verbatim_match
from digest.judges.explain import reason_for
from digest.judges.rolecheck import edited_fact, role_error

ROLE_CAP = 0.05  # the score of a sentence the role check finds to be a role-swapped copy

__all__ = [
    "ROLE_CAP",
    "VerbatimFirst",
    "normalise",
    "normalised",
    "strip_markers",
    "verbatim_match",
]


class VerbatimFirst(JudgeWrapper):
    """Any judge, with verbatim sentences settled before it is asked (see the module doc).

    ``name`` and ``threshold`` are the wrapped judge's, so thresholds, labels and calibration
    stay keyed as before; every other attribute is read from, and set on, the wrapped judge.
    ``role_check``: cap the score of a sentence that is a role-swapped copy of a passage.
    """

    role_check: bool = True  # declared here so that setting it stays on the wrapper

    def __init__(self, inner: Judge, *, role_check: bool = True) -> None:
        super().__init__(inner)
        self.role_check = role_check

    def judge(self, claim: str, sources: list[str]) -> Judgement:
        found = verbatim_match(claim, sources)
        return (
            found
            if found is not None
            else self._explained(claim, sources, self.inner.judge(claim, sources))
        )

    def _explained(self, claim: str, sources: list[str], judged: Judgement) -> Judgement:
        """A role error (:mod:`digest.judges.rolecheck`) caps the score at ``ROLE_CAP``; a
        judgement under the threshold gets its reason in words, unless it has one."""
        if self.role_check:
            error = role_error(claim, sources) or edited_fact(claim, sources)
            if error is not None:
                quote = sources[error.source][error.start : error.end]
                kind = "the roles: it has " if error.kind == "roles" else ""
                return replace(
                    judged,
                    probability=min(judged.probability, ROLE_CAP),
                    source=error.source,
                    start=error.start,
                    end=error.end,
                    reason=f"differs from the cited passage in {kind}{error.what}. "
                    f"Closest evidence: “{' '.join(quote.split())}”",
                )
        if judged.probability >= self.threshold or judged.reason:
            return judged
        return replace(judged, reason=reason_for(claim, sources, judged))

    def judge_many(self, items: list[tuple[str, list[str]]]) -> list[Judgement]:
        """Verbatim items settled here; the rest in one call of the wrapped judge's
        ``judge_many`` (one by one when it has none)."""
        out: list[Judgement | None] = [verbatim_match(c, s) for c, s in items]
        rest = [i for i, j in enumerate(out) if j is None]
        many = getattr(self.inner, "judge_many", None)
        todo = [items[i] for i in rest]
        judged = list(many(todo)) if many is not None else [self.inner.judge(*x) for x in todo]
        for i, j in zip(rest, judged, strict=True):
            out[i] = self._explained(*items[i], j)
        return [j for j in out if j is not None]
