"""From passage ids to ``[n]``: our code numbers citations, never the writer.

Writers cite opaque passage ids (``P3``). Here each cited *article* gets a number in order of
first citation across the shipped sentences, so ``[1]`` is the first source a reader meets and
the same drafts always give the same numbers. A draft that cites nothing, cites an id that was
never shown, or has no text is not shipped: it is returned as :class:`Dropped` with the reason,
so evals can count it (never silently stripped).
"""

from __future__ import annotations

from digest.briefing import Citation, CitedSentence, DraftSentence, Dropped, Passage, Source


def _problem(draft: DraftSentence, known: dict[str, Passage]) -> str | None:
    if not draft.text.strip():
        return "empty sentence"
    if not draft.passage_ids:
        return "cites no passage"
    unknown = [pid for pid in dict.fromkeys(draft.passage_ids) if pid not in known]
    if unknown:
        return f"cites unknown passage id(s): {', '.join(unknown)}"
    return None


def number_citations(
    drafts: list[DraftSentence], passages: list[Passage]
) -> tuple[list[CitedSentence], list[Source], list[Dropped]]:
    """Number sources by first citation; return shipped sentences, the Sources list, drops.

    A clause of a joined sentence (``group``) that is dropped drops its whole group, because
    "others say … [4]" without its "some reports say … [1]" would misstate the disagreement.
    """
    known = {p.id: p for p in passages}
    bad_groups = {d.group for d in drafts if d.group is not None and _problem(d, known)}
    numbers: dict[str, int] = {}
    articles: dict[str, Passage] = {}
    cited: list[CitedSentence] = []
    dropped: list[Dropped] = []
    for draft in drafts:
        problem = _problem(draft, known)
        if problem is None and draft.group is not None and draft.group in bad_groups:
            problem = "another clause of the same sentence was dropped"
        if problem is not None:
            dropped.append(Dropped(text=draft.text, reason=problem))
            continue
        citations = []
        for pid in dict.fromkeys(draft.passage_ids):
            passage = known[pid]
            article_id = passage.article.id
            if article_id not in numbers:
                numbers[article_id] = len(numbers) + 1
                articles[article_id] = passage
            citations.append(
                Citation(
                    n=numbers[article_id],
                    article_id=article_id,
                    chunk_id=passage.chunk.id,
                    start=passage.chunk.start,
                    end=passage.chunk.end,
                )
            )
        cited.append(
            CitedSentence(
                text=draft.text.strip(),
                section=draft.section,
                story=draft.story,
                group=draft.group,
                citations=citations,
                check=draft.check,
            )
        )
    sources = [Source(n=n, article=articles[aid].article) for aid, n in numbers.items()]
    return cited, sources, dropped
