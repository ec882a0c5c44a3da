"""Our own digests, read from the ``Briefing`` JSON: no Markdown round trip.

A digest we wrote already knows its sentences, their ``[n]`` numbers and the exact chunk and
character offsets behind every citation. Rendering it to Markdown and parsing it back (as
:mod:`digest.evaluate.parse` must do for other people's digests) could only lose that: a
sentence splitter can merge ``… his "dear friend." [2] Officials …`` into one claim, and links
had to be recovered by fuzzy matching. Here each shipped sentence — or each group of clauses
rendered as one sentence ("Some reports say … [1]; others … [4].") — becomes one claim, with its
citations as links and its clauses as clauses.

The Markdown next to a sidecar is trusted to be the sidecar's rendering only when every
sentence of the sidecar is still found in it (:func:`markdown_matches`); a hand-edited digest
falls back to the Markdown parser, so what the reader sees is what gets checked.
"""

from __future__ import annotations

import re

from digest.briefing import Briefing, Citation, CitedSentence
from digest.evaluate.models import Clause, DigestSentence, ParsedDigest, SentenceKind, SourceRef
from digest.render.text import flat, marker, md_escape, reader_units

_FINAL_STOP = re.compile(r"[.!?]+$")


def _units(briefing: Briefing) -> list[list[CitedSentence]]:
    """Summary, body, then differences, a clause group as one: as the header counts them."""
    return reader_units(briefing)


def _numbers(unit: list[CitedSentence]) -> list[int]:
    return list(dict.fromkeys(n for s in unit for n in s.numbers))


def _sentence(index: int, paragraph: int, unit: list[CitedSentence]) -> DigestSentence:
    grouped = len(unit) > 1 or unit[0].group is not None
    kind: SentenceKind = "list" if unit[0].section == "differences" else "prose"
    if grouped:
        text = "; ".join(f"{flat(s.text)} {marker(s.numbers)}" for s in unit) + "."
        claim = "; ".join(_FINAL_STOP.sub("", flat(s.text)) for s in unit) + "."
    else:
        claim = flat(unit[0].text)
        text = f"{claim} {marker(unit[0].numbers)}"
    clauses = (
        [Clause(claim=_FINAL_STOP.sub("", flat(s.text)).strip(" ,;:"), citations=s.numbers)
         for s in unit]
        if grouped and len(unit) > 1
        else []
    )
    links: list[Citation] = list(dict.fromkeys(c for s in unit for c in s.citations))
    return DigestSentence(
        index=index,
        paragraph=paragraph,
        kind=kind,
        text=text,
        claim=claim,
        start=-1,  # no Markdown file offsets: the sentence comes from the JSON
        end=-1,
        citations=_numbers(unit),
        links=links,
        clauses=clauses,
    )


def parse_own_briefing(briefing: Briefing, *, path: str = "<briefing>") -> ParsedDigest:
    """A :class:`Briefing` as claims: one per shipped sentence or clause group."""
    sentences: list[DigestSentence] = []
    paragraph = 0
    previous: tuple[str, int] | None = None
    for unit in _units(briefing):
        where = (unit[0].section, unit[0].story)
        if where != previous or unit[0].section != "body":
            paragraph += 1
            previous = where
        sentences.append(_sentence(len(sentences) + 1, paragraph, unit))  # from 1
    refs = [
        SourceRef(
            n=s.n,
            label=s.article.title or s.article.outlet or s.article.id,
            url=s.article.url,
            article_id=s.article.id,
        )
        for s in briefing.sources
    ]
    return ParsedDigest(
        path=path,
        sentences=sentences,
        sources=refs,
        has_sources_list=True,
        sidecar=path,
        briefing=briefing,
    )


def markdown_matches(markdown: str, briefing: Briefing) -> bool:
    """Whether every sidecar sentence still stands, as rendered, in the Markdown file.

    The renderer puts the marker before a sentence's final stop, so the escaped text without
    that stop is what must be found. An edited sentence makes this False (then the Markdown is
    what gets checked); an added *uncited* sentence is not detected — accepted, because our
    writers never ship one and the Markdown parser would report it as uncited only by guessing.
    """
    return all(
        _FINAL_STOP.sub("", md_escape(s.text)) in markdown for s in briefing.sentences
    )
