"""Verify before shipping: every draft sentence is judged against the passages it cites.

Runs between writing and numbering, for ``brief`` and ``daily`` alike, so no file is written
with a sentence its passages do not say:

0. **Citations put right by code** (:mod:`digest.write.recite`): a sentence whose words stand
   verbatim in another shown passage is re-cited to it first (recorded in
   ``SentenceCheck.recited_*``), so a model's wrong passage id never reaches repair.
1. **Recall** (ALCE citation recall): the sentence is judged against its cited passages
   together (at most three, ALCE's convention). A supported sentence that judges in the
   digest's own voice (``digest eval``'s neutrality rules) counts as needing repair too.
2. **Precision** (ALCE citation precision): with several citations, a passage that does not
   support the sentence alone, while the others still do, is not needed and its citation is
   dropped (recorded in ``SentenceCheck.dropped_citations``).
3. **Repair, then cut or flag.** Failed sentences from a writer that can repair (the LLM
   writer) go back one per request with the passage holding the best evidence span and the
   judge's reason or a verdict in words ("the passage says Tianjin; the sentence says
   Beijing"); repaired sentences are judged again. One still not neutral is flagged
   ``not neutral: …``.
   What still fails (the writer's own sentence, not the failed repair) is cut (recorded in
   ``Briefing.dropped`` with the reason), or, when the judge is not trusted to cut (its measured
   false-cut rate on faithful sentences is above 10 %), flagged: shipped and marked unverified.

A clause of a joined "Where sources differ" sentence that is cut takes its whole group with it
("others say … [4]" alone would misstate the disagreement). Numbering happens afterwards, so a
cut never leaves a dangling ``[n]``.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field, replace
from typing import Literal

from digest.briefing import (
    MAX_CITATIONS,
    DraftSentence,
    Dropped,
    EvidenceSpan,
    Passage,
    SentenceCheck,
    Usage,
    Verification,
    WriterResult,
    provenance,
)
from digest.errors import DigestError, UnderSupportedError
from digest.evaluate.neutral import neutrality_flags
from digest.judges import judge_all
from digest.judges.base import Judge, Judgement
from digest.prompts import prompt_versions
from digest.write.injection import discount_injected, injected_reason
from digest.write.recite import Recitation, recite
from digest.write.writer import Repairer, RepairRequest, Writer

logger = logging.getLogger(__name__)

# Measured share of faithful sentences each judge calls unsupported (evals/bench_verify.py,
# faithful paraphrases and verbatim/attributed sentences against their passages). A judge
# above FALSE_CUT_LIMIT flags instead of cutting. Unknown judges (LLM judges, whose quality
# depends on the model) flag unless the user asks for ``cut``.
# Measured (22 sentences): embedded 27 %, trained 45 % -> both flag; so no shipped judge cuts by
# default, and DIGEST_VERIFY_ACTION=cut is the user's explicit choice.
FALSE_CUT_LIMIT = 0.10

Action = Literal["auto", "cut", "flag"]


@dataclass(frozen=True)
class VerifyOptions:
    """How ``brief``/``daily`` verify: the judge (built in :mod:`digest.app`), cut or flag, and
    the share of sentences that must ship supported (0: no minimum)."""

    judge: Judge
    action: Action = "auto"
    min_supported: float = 0.0


def resolve_action(judge: Judge, action: Action) -> Literal["cut", "flag"]:
    """``auto``: cut only with a judge whose false-cut rate was measured under the limit."""
    if action != "auto":
        return action
    return "flag"


@dataclass
class _Item:
    """One draft under verification, with what the judge said about it."""

    index: int
    draft: DraftSentence
    passages: list[Passage]
    joint: Judgement | None = None
    singles: dict[str, Judgement] = field(default_factory=dict)
    dropped_citations: list[str] = field(default_factory=list)
    original: str | None = None
    repair_tried: bool = False
    recitation: Recitation | None = None


_NEGATION = re.compile(r"\b(not|no|never|none|nobody|neither|nor|without|n't)\b", re.I)
_SALIENT = re.compile(r"\b(?:[A-Z][\w'-]*|\d[\d,.]*%?)")


def _salient(text: str) -> list[str]:
    """Names, places, months and numbers: what a meaning-changing swap usually touches."""
    words = _SALIENT.findall(text)
    first = text.split()[0] if text.split() else ""
    return list(dict.fromkeys(w.strip(".,") for w in words if w != first or w[0].isdigit()))


def explain(sentence: str, evidence: str, score: float, threshold: float) -> str:
    """The judge's verdict in words a writer can act on (names what differs where it can)."""
    low_evidence = evidence.lower()
    low_sentence = sentence.lower()
    novel = [w for w in _salient(sentence) if w.lower() not in low_evidence]
    missing = [w for w in _salient(evidence) if w.lower() not in low_sentence]
    score_note = f"(judge score {score:.2f} < {threshold:.2f})"
    if novel and missing:
        return (f"the passage says {', '.join(missing[:3])}; the sentence says "
                f"{', '.join(novel[:3])} {score_note}")
    if bool(_NEGATION.search(sentence)) != bool(_NEGATION.search(evidence)):
        return f"the sentence and the passage differ in negation {score_note}"
    if novel:
        return f"the passage does not mention {', '.join(novel[:3])} {score_note}"
    return f"the cited passage does not say this {score_note}"


def not_neutral(text: str) -> str | None:
    """Why ``text`` is not neutral in the digest's own voice (None: it is), by the rules of
    ``digest eval`` (:func:`digest.evaluate.neutral.neutrality_flags`; the citation names the
    source, so only an unattributed judgement counts)."""
    flags = neutrality_flags(text, cited=True)
    if not flags:
        return None
    words = ", ".join(dict.fromkeys(f"'{f.trigger}' ({f.kind})" for f in flags[:3]))
    return f"not neutral: {words} in the briefing's own voice, not attributed to a source"


def _reason(judged: Judgement | None) -> str | None:
    """The judge's own reason for its verdict, where it gives one."""
    reason = getattr(judged, "reason", None)
    return str(reason).strip() or None if reason else None


def _source_text(passage: Passage) -> str:
    return provenance(passage.article) + passage.chunk.text


def _unshift(judged: Judgement, passages: list[Passage]) -> Judgement:
    """Offsets back into the chunk text (the judge saw the provenance line first)."""
    if not 0 <= judged.source < len(passages) or judged.start < 0:
        return judged
    shift = len(provenance(passages[judged.source].article))
    return replace(judged, start=max(judged.start - shift, 0), end=max(judged.end - shift, 0))


def _span(judged: Judgement, passages: list[Passage]) -> EvidenceSpan | None:
    if not 0 <= judged.source < len(passages):
        return None
    passage = passages[judged.source]
    located = 0 <= judged.start < judged.end
    return EvidenceSpan(
        passage_id=passage.id, chunk_id=passage.chunk.id,
        start=passage.chunk.start + judged.start if located else -1,
        end=passage.chunk.start + judged.end if located else -1,
        probability=round(judged.probability, 4),
    )


def _evidence_text(judged: Judgement | None, passages: list[Passage]) -> str:
    if judged is not None and 0 <= judged.source < len(passages) \
            and 0 <= judged.start < judged.end:
        return passages[judged.source].chunk.text[judged.start:judged.end]
    return " … ".join(p.chunk.text[:400] for p in passages)


class _Verifier:
    """Batches judge calls per round, so LLM judges run them concurrently (``judge_all``)."""

    def __init__(self, judge: Judge) -> None:
        self.judge = judge
        self.calls = 0

    def batch(self, requests: list[tuple[str, list[Passage]]]) -> list[Judgement]:
        self.calls += len(requests)
        if not requests:
            return []
        judged = judge_all(self.judge, [(text, [_source_text(p) for p in ps])
                                        for text, ps in requests])
        return [discount_injected(_unshift(j, ps), [p.chunk.text for p in ps], text)  # issue 24
                for j, (text, ps) in zip(judged, requests, strict=True)]

    def recall(self, items: list[_Item]) -> None:
        for item, judged in zip(items, self.batch([(i.draft.text, i.passages) for i in items]),
                                strict=True):
            item.joint = judged

    def precision(self, items: list[_Item]) -> None:
        """Singles for multi-citation sentences; drop a citation the others do without.

        Each round batches one "without this citation" check per sentence (the first citation
        that does not support the sentence alone), so LLM judges run them concurrently.
        """
        multi = [i for i in items if len(i.passages) > 1 and self.passes(i)]
        pairs = [(i, p) for i in multi for p in i.passages]
        for (item, passage), judged in zip(
                pairs, self.batch([(i.draft.text, [p]) for i, p in pairs]), strict=True):
            item.singles[passage.id] = judged
        tried: set[tuple[int, str]] = set()
        while True:
            trials = []
            for item in multi:
                weak = next((p for p in item.passages if len(item.passages) > 1
                             and (item.index, p.id) not in tried
                             and not self.ok(item.singles[p.id])), None)
                if weak is not None:
                    tried.add((item.index, weak.id))
                    trials.append((item, weak, [p for p in item.passages if p.id != weak.id]))
            if not trials:
                return
            for (item, weak, rest), without in zip(
                    trials, self.batch([(i.draft.text, rest) for i, _, rest in trials]),
                    strict=True):
                if self.ok(without):
                    item.passages = rest
                    item.dropped_citations.append(weak.id)
                    item.joint = without

    def ok(self, judged: Judgement) -> bool:
        return judged.probability >= self.judge.threshold

    def passes(self, item: _Item) -> bool:
        return item.joint is not None and self.ok(item.joint)


def _items(drafts: list[DraftSentence], passages: list[Passage]) -> list[_Item]:
    known = {p.id: p for p in passages}
    items = []
    for index, draft in enumerate(drafts):
        cited = [known[pid] for pid in dict.fromkeys(draft.passage_ids) if pid in known]
        if cited and draft.text.strip() and len(cited) == len(set(draft.passage_ids)):
            items.append(_Item(index, draft, cited[:MAX_CITATIONS]))
    return items


def _request(item: _Item, verifier: _Verifier, biased: str | None) -> RepairRequest:
    """What the repairer is told: the sentence, the passage holding the judge's evidence span,
    the span, and what is wrong (the judge's reason, else our verdict in words)."""
    judged = item.joint
    evidence = _evidence_text(judged, item.passages)
    where = (item.passages[judged.source].id
             if judged is not None and 0 <= judged.source < len(item.passages) else None)
    ids = [p.id for p in item.passages]
    if biased:
        return RepairRequest(text=item.draft.text, passage_ids=ids, evidence=evidence,
                             verdict=biased, evidence_passage=where, kind="not_neutral")
    score = judged.probability if judged else 0.0
    verdict = _reason(judged) or explain(item.draft.text, evidence, score,
                                         verifier.judge.threshold)
    return RepairRequest(text=item.draft.text, passage_ids=ids, evidence=evidence,
                         verdict=verdict, evidence_passage=where)


def _repair(
    failed: list[_Item], biased: dict[int, str], writer: Repairer, passages: list[Passage],
    topic: str | None, verifier: _Verifier,
) -> Usage:
    """Repair requests (unsupported, or ``biased``: supported but not neutral); a repaired
    draft replaces the failed one only if the judge then finds it supported (and neutral, where
    neutrality was the problem)."""
    requests = [_request(item, verifier, biased.get(item.index)) for item in failed]
    try:
        repaired, usage = writer.repair(passages, topic, requests)
    except DigestError as exc:
        logger.warning("repair request failed; the failed sentences are handled unrepaired: %s",
                       exc)
        return Usage()
    known = {p.id: p for p in passages}
    retry: list[tuple[_Item, tuple[DraftSentence, list[Passage], Judgement | None]]] = []
    for item, new in zip(failed, repaired, strict=False):
        item.repair_tried = True
        if new is None or not new.text.strip():
            continue
        cited = [known[pid] for pid in dict.fromkeys(new.passage_ids) if pid in known]
        if not cited:
            continue
        retry.append((item, (item.draft, item.passages, item.joint)))
        item.original = item.draft.text
        item.draft = item.draft.model_copy(update={"text": new.text.strip(),
                                                   "passage_ids": [p.id for p in cited]})
        item.passages = cited[:MAX_CITATIONS]
    verifier.recall([item for item, _ in retry])
    for item, (draft, cited_before, joint) in retry:
        still_biased = item.index in biased and not_neutral(item.draft.text) is not None
        if not verifier.passes(item) or still_biased:  # failed: keep the writer's own sentence
            item.draft, item.passages, item.joint, item.original = draft, cited_before, joint, None
    logger.info("repair: %d of %d sentence(s) repaired", sum(
        1 for item, _ in retry if item.original is not None), len(failed))
    return usage


def verify_drafts(
    drafts: list[DraftSentence],
    passages: list[Passage],
    judge: Judge,
    *,
    writer: Writer | None = None,
    topic: str | None = None,
    action: Action = "auto",
) -> tuple[list[DraftSentence], list[Dropped], Verification]:
    """Drafts to ship (each with its ``check``), the cut ones with reasons, and the summary.

    Drafts with unknown or missing passage ids pass through untouched: numbering
    (:func:`digest.write.cite.number_citations`) drops and records them.
    """
    started = time.perf_counter()
    mode = resolve_action(judge, action)
    verifier = _Verifier(judge)
    drafts, recitations = recite(drafts, passages)
    items = _items(drafts, passages)
    for item in items:
        item.recitation = recitations.get(item.index)
    verifier.recall(items)
    usage = Usage()
    failed = [i for i in items if not verifier.passes(i)]
    biased = {i.index: why for i in items if verifier.passes(i)
              and (why := not_neutral(i.draft.text)) is not None}
    if (failed or biased) and isinstance(writer, Repairer):
        usage = _repair(failed + [i for i in items if i.index in biased], biased, writer,
                        passages, topic, verifier)
    verifier.precision(items)

    checks: dict[int, SentenceCheck] = {}
    reasons: dict[int, str] = {}
    for item in items:
        score = round(item.joint.probability, 4) if item.joint else 0.0
        recited = _recited(item)
        if verifier.passes(item):
            biased_now = not_neutral(item.draft.text)
            checks[item.index] = SentenceCheck(
                score=score, status="supported" if item.original is None else "repaired",
                evidence=_spans(item), dropped_citations=item.dropped_citations,
                original=item.original, **recited)
            if biased_now is not None:  # supported, but a judgement in our own voice
                checks[item.index] = checks[item.index].model_copy(
                    update={"status": "flagged", "reason": biased_now})
            continue
        reason = injected_reason(item.joint) or explain(
            item.draft.text, _evidence_text(item.joint, item.passages), score, judge.threshold)
        if mode == "flag":
            checks[item.index] = SentenceCheck(score=score, status="flagged", evidence=_spans(item),
                                               original=item.original, reason=reason, **recited)
        else:
            reasons[item.index] = reason + (" (after one repair request)"
                                            if item.repair_tried else "")
    cut_groups = {drafts[i].group for i in reasons if drafts[i].group is not None}
    for index, draft in enumerate(drafts):
        if index not in reasons and draft.group is not None and draft.group in cut_groups:
            reasons[index] = "another clause of the same sentence was cut"

    by_index = {i.index: i for i in items}
    shipped: list[DraftSentence] = []
    cut: list[Dropped] = []
    for index, draft in enumerate(drafts):
        item = by_index.get(index)
        if index in reasons:
            text = item.draft.text if item else draft.text
            cut.append(Dropped(text=text, reason=f"cut by verification: {reasons[index]}"))
        elif item is None:
            shipped.append(draft)
        else:
            shipped.append(item.draft.model_copy(update={
                "passage_ids": [p.id for p in item.passages], "check": checks[index]}))
    kept = [d.check for d in shipped if d.check is not None]
    summary = Verification(
        judge=judge.name, threshold=judge.threshold, action=mode, checked=len(items),
        judge_prompts=prompt_versions(judge),
        supported=sum(c.status == "supported" for c in kept),
        repaired=sum(c.status == "repaired" for c in kept),
        flagged=sum(c.status == "flagged" for c in kept),
        cut=sum(1 for i in reasons if i in by_index),
        citations_dropped=sum(len(c.dropped_citations) for c in kept),
        recited=sum(1 for i in items if i.recitation is not None),
        not_neutral=sum(1 for c in kept if (c.reason or "").startswith("not neutral")),
        judge_calls=verifier.calls, seconds=round(time.perf_counter() - started, 3), usage=usage,
    )
    logger.info("verified %d sentence(s) with %s: %d supported, %d repaired, %d cut, %d flagged",
                summary.checked, judge.name, summary.supported, summary.repaired, summary.cut,
                summary.flagged)
    return shipped, cut, summary


def _recited(item: _Item) -> dict[str, object]:
    """The sidecar's record of a citation put right by code (empty when none was)."""
    if item.recitation is None:
        return {}
    return {"recited_from": item.recitation.cited, "recited_to": [p.id for p in item.passages],
            "recited": item.recitation.note}


def _spans(item: _Item) -> list[EvidenceSpan]:
    """One evidence span per citation: its own judgement where it was judged alone."""
    if item.singles:
        found = [_span(item.singles[p.id], [p]) for p in item.passages if p.id in item.singles]
    else:
        found = [_span(item.joint, item.passages)] if item.joint else []
    return [s for s in found if s is not None]


def require_supported(summary: Verification, minimum: float) -> None:
    """Raise when the share of checked sentences that ship supported is below ``minimum``."""
    if minimum <= 0 or summary.checked == 0:
        return
    share = (summary.supported + summary.repaired) / summary.checked
    if share < minimum:
        raise UnderSupportedError(
            f"only {summary.supported + summary.repaired} of {summary.checked} sentences "
            f"({share:.0%}) are supported by their cited passages (judge: {summary.judge}), "
            f"below --min-supported {minimum:.0%}; no digest was written"
        )


def verify_result(
    result: WriterResult, passages: list[Passage], options: VerifyOptions | None,
    writer: Writer, topic: str | None,
) -> tuple[WriterResult, Verification | None]:
    """A writer's result with failing sentences repaired, cut or flagged (None: not verified)."""
    if options is None:
        return result, None
    kept, cut, summary = verify_drafts(result.drafts, passages, options.judge, writer=writer,
                                       topic=topic, action=options.action)
    return result.model_copy(update={"drafts": kept, "dropped": [*result.dropped, *cut]}), summary


def combine(parts: list[Verification]) -> Verification | None:
    """One summary for a digest verified in parts (one per daily section)."""
    if not parts:
        return None
    first = parts[0]
    total = first.model_copy(update={"usage": first.usage.model_copy()})
    for part in parts[1:]:
        for name in ("checked", "supported", "repaired", "cut", "flagged", "citations_dropped",
                     "recited", "not_neutral", "judge_calls"):
            setattr(total, name, getattr(total, name) + getattr(part, name))
        total.seconds = round(total.seconds + part.seconds, 3)
        total.usage = total.usage.plus(part.usage)
    return total
