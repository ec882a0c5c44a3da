"""Contested facts, for every writer: "Where sources differ" from the passages, never settled.

When outlets disagree on a detail (the city Putin landed in, a date, a figure), a digest must
not state one side as fact: "touched down at Beijing Capital International Airport" in the
body, while "Where sources differ" shows that the place is disputed, tells the reader the
question is settled (issue 21). So after any writer — extractive or LLM — and before
verification (:mod:`digest.write.sections`):

1. the disagreements are found in the sources (:func:`digest.write.differences.find_differences`
   over the usable sentences of the passages *and* of their whole articles: a retrieved chunk
   may leave out the very sentence that contests the writer's), whatever the writer made of
   them; only sentences of the passages can be quoted (cited) in "Where sources differ";
2. a summary or body sentence that names one side's value for the same kind of fact (a place
   of the same event, a date of the same event, a figure) is taken out and recorded in
   ``dropped`` with the reason: it belongs in the differences section, not the narrative;
3. a writer that gave no "Where sources differ" gets the found ones, each side quoted verbatim
   and cited to its own passage, when each side stands on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from digest.briefing import DraftSentence, Dropped, Passage, WriterResult
from digest.embed import Embedder
from digest.models import Chunk
from digest.sentences import split_sentences
from digest.write.differences import LABELS, Claim, difference_drafts, features, find_differences
from digest.write.standalone import full_names, is_standalone, stale_reason, strip_dateline

SHOWN = 3  # differences shown per section, as the extractive writer shows
SEARCHED = 12  # disagreements looked for (most are not quotable: not in a passage)
_WORDS = (8, 60)  # a sentence this long can state a fact (the extractive writer's bounds)


@dataclass(frozen=True)
class Contested:
    """The disagreements of one section and, per fact kind, the values outlets dispute."""

    differences: list[tuple[str, Claim, Claim]]
    values: dict[str, set[str]]  # e.g. {"place@arrival": {"Beijing", "Tianjin"}}
    extra: list[Passage] = field(default_factory=list)  # chunks a shown side is quoted from

    def side_taken(self, text: str) -> str | None:
        """Why ``text`` states one side of a disputed fact as settled (None: it does not)."""
        for kind, found in features(text).items():
            disputed = self.values.get(kind, set())
            for value in sorted(found):
                for side in sorted(disputed):
                    if re.search(rf"\b{re.escape(side)}\b", value) or value == side:
                        label = LABELS[kind.split("@")[0]]
                        others = ", ".join(sorted(disputed - {side}))
                        return (f"contested {label}: states “{value}” as fact while sources "
                                f"also say {others}")
        return None


def _claims(passages: list[Passage], text_of: Callable[[str], str | None] | None
            ) -> list[Claim]:
    """Usable sentences of the passages (quotable), then the rest of their articles' text."""
    from digest.write.extractive import candidate_sentences  # its rules for a usable sentence

    def stamp(article: object) -> float:
        published = getattr(article, "published", None)
        return published.timestamp() if published else 0.0

    claims = [Claim(s.text, s.passage.id, s.group, stamp(s.passage.article),
                    s.passage.article.id) for s in candidate_sentences(passages)]
    if text_of is None:
        return claims
    seen = {(c.article_id, c.text) for c in claims}
    articles = {p.article.id: p.article for p in passages}
    for article in articles.values():
        for span in split_sentences(text_of(article.id) or ""):
            text = span.text[strip_dateline(span.text):].strip()
            if (article.id, text) in seen or not _WORDS[0] <= len(text.split()) <= _WORDS[1]:
                continue
            seen.add((article.id, text))
            claims.append(Claim(text, "", article.duplicate_of or article.id, stamp(article),
                                article.id))
    return claims


def _quotable(claim: Claim, passages: list[Passage], chunks_of: Callable[[str], list[Chunk]],
              extra: dict[str, Passage]) -> Claim | None:
    """``claim`` cited to a passage: the chunk of its article that holds it, if any."""
    if claim.passage_id:
        return claim
    article = next(p.article for p in passages if p.article.id == claim.article_id)
    for chunk in chunks_of(claim.article_id):
        if claim.text in chunk.text:
            pid = f"C:{chunk.id}"
            extra.setdefault(pid, Passage(id=pid, chunk=chunk, article=article,
                                          story=passages[0].story))
            return replace(claim, passage_id=pid)
    return None


def _specific(kind: str, values: set[str], text: str) -> set[str]:
    """The places a sentence gives, less the broader place it names first (dates unchanged).

    "arrived in China on Wednesday, landing in … Tianjin": one arrival, two places, the
    first the region that holds the second; only Tianjin is the sentence's claim.
    """
    if len(values) < 2 or not kind.startswith("place@"):
        return values
    first = min(values, key=lambda v: (text.find(v), v))
    return values - {first}


def find_contested(passages: list[Passage], embedder: Embedder,
                   text_of: Callable[[str], str | None] | None = None,
                   chunks_of: Callable[[str], list[Chunk]] | None = None) -> Contested:
    """The disagreements among the sources of ``passages`` and the values they dispute.

    ``text_of`` (``Store.article_text``) widens the search to the passages' whole articles;
    ``chunks_of`` (``Store.chunks_of``) finds the chunk that lets such a sentence be quoted
    and cited (``Contested.extra``). ``Contested.differences`` keeps only quotable ones.
    """
    # Only a sentence naming a place, date or figure can take part in a disagreement: the
    # others are not embedded at all (most of a whole article's sentences).
    claims = [c for c in _claims(passages, text_of) if features(c.text)]
    if len(claims) < 2:
        return Contested([], {})
    vectors = embedder.embed([c.text for c in claims])
    differences = find_differences(claims, vectors, limit=SEARCHED)
    values: dict[str, set[str]] = {}
    for label, first, second in differences:
        a, b = features(first.text), features(second.text)
        for kind in a.keys() & b.keys():
            if LABELS[kind.split("@")[0]] == label and a[kind] - b[kind] and b[kind] - a[kind]:
                # A value the other side also names ("… left China", beside "arrived in
                # Beijing") is not in dispute: "China" holds both Beijing and Tianjin.
                ours = _specific(kind, a[kind], first.text) - b[kind]
                theirs = _specific(kind, b[kind], second.text) - a[kind]
                values.setdefault(kind, set()).update(
                    {v for v in ours if v not in second.text}
                    | {v for v in theirs if v not in first.text})
    extra: dict[str, Passage] = {}
    quotable = []
    for label, first, second in differences:
        if chunks_of is not None:
            first = _quotable(first, passages, chunks_of, extra) or first
            second = _quotable(second, passages, chunks_of, extra) or second
        if first.passage_id and second.passage_id:
            quotable.append((label, first, second))
    quotable = quotable[: 2 * SHOWN]
    used = {c.passage_id for _, a, b in quotable for c in (a, b)}
    return Contested(quotable, values, [p for pid, p in extra.items() if pid in used])


def settle_contested(result: WriterResult, passages: list[Passage], contested: Contested
                     ) -> WriterResult:
    """``result`` with no narrative sentence taking a side, and the differences shown."""
    kept: list[DraftSentence] = []
    dropped = list(result.dropped)
    for draft in result.drafts:
        reason = None if draft.section == "differences" else contested.side_taken(draft.text)
        if reason is None:
            kept.append(draft)
        else:
            dropped.append(Dropped(text=draft.text, reason=reason))
    if kept and not any(d.section == "summary" for d in kept) \
            and any(d.section == "summary" for d in result.drafts):
        first = next(i for i, d in enumerate(kept) if d.section == "body") \
            if any(d.section == "body" for d in kept) else None
        if first is not None:  # the lead took a side: the next sentence leads
            kept[first] = kept[first].model_copy(update={"section": "summary"})
            kept.insert(0, kept.pop(first))
    if not any(d.section == "differences" for d in kept) and contested.differences:
        kept += _shown(kept, passages, contested)
    return result.model_copy(update={"drafts": kept, "dropped": dropped})


def _stale(claim: Claim, passages: list[Passage]) -> bool:
    """A forward-looking side that a later article of the section overtook."""
    newest = max((p.article.published for p in passages if p.article.published), default=None)
    published = next((p.article.published for p in passages if p.id == claim.passage_id), None)
    return stale_reason(claim.text, published, newest) is not None


def _shown(kept: list[DraftSentence], passages: list[Passage], contested: Contested
           ) -> list[DraftSentence]:
    """Up to SHOWN differences whose two sides stand where they land."""
    surnames = full_names(p.chunk.text for p in passages)
    earlier = " ".join(d.text for d in kept)
    shown: list[tuple[str, Claim, Claim]] = []
    for label, first, second in contested.differences:
        if len(shown) == SHOWN:
            break
        if is_standalone(first.text, earlier, surnames=surnames) and is_standalone(
                second.text, f"{earlier} {first.text}", surnames=surnames) \
                and not any(_stale(c, passages + contested.extra) for c in (first, second)):
            shown.append((label, first, second))
            earlier += f" {first.text} {second.text}"
    groups = [d.group for d in kept if d.group is not None]
    start = max(groups) + 1 if groups else 0
    return difference_drafts(shown, first_group=start)
