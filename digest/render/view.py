"""One structured view of a :class:`Briefing`, rendered by every format.

The daily ``.html`` page once lost its story headings while the Markdown, the email and the
archive kept them (issue 21): each format walked the Briefing its own way. Now every format —
Markdown, the interactive HTML page, the script-free email/archive page, the Slack payload —
renders this one view, so they show the same sections in the same order:

* one :class:`SectionView` per story (``Briefing.stories``), or one unnamed section for a
  topic brief, each with its lead, paragraphs and "Where sources differ";
* each sentence's clauses with their citations (and, for the interactive page, the cited
  passage with the sentence highlighted);
* a flagged (unverified) sentence carries the number of its footnote, and :attr:`DigestView.flags`
  holds the footnotes with the judge's reason, so no format can show it as verified;
* a sentence that quotes an instruction from an article (``digest.write.injection``) is marked
  ``quoted``, and formats show it as the quotation it is.

Values are plain one-line text (untrusted article text included): each format escapes for
itself (Markdown escaping, Jinja autoescape, Slack mrkdwn).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count, groupby

from digest.briefing import Briefing, CitedSentence, Usage
from digest.render.text import SENTENCES_PER_PARAGRAPH, flat, header, sentence_units

NO_NEWS = "No new coverage in this window."
NO_SENTENCES = "No citable sentence could be drawn from this window's articles."
DIFFERENCES = "Where sources differ"
FLAGS = "Unverified sentences"
SOURCES = "Sources"
FLAG = "⚠"  # the visible mark next to a sentence the judge could not confirm
UNCONFIRMED = "the judge could not confirm it against its cited passages"

_STOP = re.compile(r"([.!?]+)$")
_QUOTE = re.compile(r"“([^”]+)”")


@dataclass(frozen=True)
class CitationView:
    """One ``[n]``: the source number, its link, and the cited passage (sentence highlighted)."""

    n: int
    id: str
    url: str
    source: str
    before: str
    match: str
    after: str


@dataclass(frozen=True)
class ClauseView:
    """A sentence, or one clause of a joined "some … others …" sentence."""

    text: str
    stop: str
    citations: list[CitationView]
    flag: int | None = None  # footnote number when the sentence is unverified
    quoted: bool = False  # it quotes an instruction found in an article

    @property
    def numbers(self) -> list[int]:
        return [c.n for c in self.citations]


@dataclass(frozen=True)
class UnitView:
    """What a reader sees as one sentence: one clause, or a group joined with "; "."""

    clauses: list[ClauseView]


@dataclass(frozen=True)
class SectionView:
    """A story's section (``heading`` None: the one section of a topic brief)."""

    heading: str | None
    number: int | None
    summary: list[UnitView]
    paragraphs: list[list[UnitView]]
    differences: list[UnitView]


@dataclass(frozen=True)
class FlagView:
    """The footnote of an unverified sentence: why it is marked."""

    n: int
    text: str
    reason: str


@dataclass(frozen=True)
class SourceView:
    n: int
    outlet: str
    title: str
    date: str
    url: str  # only http(s) URLs become links ("" otherwise)


@dataclass(frozen=True)
class DigestView:
    """Everything a format shows, in reading order."""

    title: str
    header: str
    sections: list[SectionView]
    sources: list[SourceView]
    flags: list[FlagView]
    notes: list[str]
    footer: list[str]
    empty: str
    has_text: bool = field(default=True)

    def titles(self) -> list[str]:
        """The section titles a reader sees, in order (the cross-format test compares these)."""
        found: list[str] = []
        for section in self.sections:
            if section.heading is not None:
                found.append(f"{section.number}. {section.heading}")
            if section.differences:
                found.append(DIFFERENCES)
        if self.flags:
            found.append(FLAGS)
        if self.sources:
            found.append(SOURCES)
        return found


def _split_stop(text: str) -> tuple[str, str]:
    match = _STOP.search(text)
    return (text[: match.start()], match.group(1)) if match else (text, "")


def _highlight(passage: str, sentence: str) -> tuple[str, str, str]:
    """(before, match, after) of the passage, matching the sentence or its quoted part."""
    for needle in [sentence, *_QUOTE.findall(sentence)]:
        needle = needle.strip().rstrip(".")
        at = passage.find(needle) if needle else -1
        if at >= 0:
            return passage[:at], passage[at : at + len(needle)], passage[at + len(needle) :]
    return passage, "", ""


def _quotes_instruction(text: str) -> bool:
    """Whether the sentence quotes an instruction aimed at a model (hardening's detector)."""
    try:
        from digest.write.injection import instruction_spans
    except ImportError:  # the detector is optional: without it nothing is marked
        return False
    return bool(instruction_spans(text))


def marked(clause: ClauseView, text: str, refs: str, quote: Callable[[str], str]) -> str:
    """"text ⚠1 [refs]." in any format: ``text`` and ``refs`` already in the format's syntax,
    ``quote`` labels a quoted instruction; the flag sits next to the sentence, the marker
    before its final stop."""
    if clause.quoted:
        text = quote(text)
    flag = f" {FLAG}{clause.flag}" if clause.flag is not None else ""
    return f"{text}{flag} [{refs}]{clause.stop}"


def usage_line(usage: Usage) -> str:
    """"LLM usage: 2 request(s), 5898 prompt + 188 completion tokens, estimated $0.0010"."""
    cost = (f", estimated ${usage.estimated_cost_usd:.4f}"
            if usage.estimated_cost_usd is not None else "")
    return (f"LLM usage: {usage.requests} request(s), {usage.prompt_tokens} prompt + "
            f"{usage.completion_tokens} completion tokens{cost}")


def _usage_lines(briefing: Briefing) -> list[str]:
    lines = []
    if briefing.dropped:
        lines.append(f"{len(briefing.dropped)} sentence(s) left out (citation problems, cut by "
                     "verification, or not standing on their own); the JSON form lists each "
                     "with its reason.")
    if briefing.usage.requests:
        lines.append(usage_line(briefing.usage) + ".")
    check = briefing.verification
    if check is not None and check.usage.requests:
        lines.append(f"LLM usage for verification (repair requests): {check.usage.requests} "
                     f"request(s), {check.usage.prompt_tokens} prompt + "
                     f"{check.usage.completion_tokens} completion tokens.")
    return lines


def digest_view(briefing: Briefing, *, had_articles: bool | None = None) -> DigestView:
    """The view of ``briefing`` (``had_articles``: the window had articles, for the empty text)."""
    chunks = {p.chunk.id: p.chunk.text for p in briefing.passages}
    articles = {s.n: s.article for s in briefing.sources}
    links = {n: a.url or "" for n, a in articles.items()
             if (a.url or "").startswith(("http://", "https://"))}
    ids = count(1)
    flags: list[FlagView] = []

    def clause(sentence: CitedSentence, last: bool, grouped: bool) -> ClauseView:
        text = flat(sentence.text)
        body, stop = (text, "." if last else "") if grouped else _split_stop(text)
        citations = []
        for citation in sorted(sentence.citations, key=lambda c: c.n):
            article = articles[citation.n]
            passage = chunks.get(citation.chunk_id, "(passage not included in this digest)")
            before, match, after = _highlight(passage, text)
            citations.append(CitationView(
                n=citation.n, id=f"c{next(ids)}", url=links.get(citation.n, ""),
                source=flat(f"{article.outlet or 'Unknown outlet'} — "
                            f"{article.title or 'Untitled'}"),
                before=before, match=match, after=after))
        flag = None
        if sentence.check is not None and sentence.check.status == "flagged":
            flag = len(flags) + 1
            flags.append(FlagView(n=flag, text=text,
                                  reason=flat(sentence.check.reason or UNCONFIRMED)))
        return ClauseView(text=body, stop=stop, citations=citations, flag=flag,
                          quoted=_quotes_instruction(text))

    def units(sentences: list[CitedSentence]) -> list[UnitView]:
        out = []
        for unit in sentence_units(sentences):
            grouped = unit[0].group is not None
            out.append(UnitView([clause(s, i == len(unit) - 1, grouped)
                                 for i, s in enumerate(unit)]))
        return out

    def section(heading: str | None, number: int | None, own: list[CitedSentence]
                ) -> SectionView:
        summary = units([s for s in own if s.section == "summary"])
        paragraphs: list[list[UnitView]] = []
        body = [s for s in own if s.section == "body"]
        for _story, items in groupby(body, key=lambda s: s.story):
            run = units(list(items))
            paragraphs += [run[i : i + SENTENCES_PER_PARAGRAPH]
                           for i in range(0, len(run), SENTENCES_PER_PARAGRAPH)]
        return SectionView(heading=heading, number=number, summary=summary,
                           paragraphs=paragraphs,
                           differences=units([s for s in own if s.section == "differences"]))

    if briefing.stories:
        sections = [section(flat(h), i + 1, [s for s in briefing.sentences if s.story == i])
                    for i, h in enumerate(briefing.stories)]
    elif briefing.sentences:
        sections = [section(None, None, briefing.sentences)]
    else:
        sections = []
    had = bool(briefing.passages) if had_articles is None else had_articles
    return DigestView(
        title=flat(briefing.title),
        header=header(briefing),
        sections=sections,
        sources=[SourceView(
            n=s.n, outlet=flat(s.article.outlet or "Unknown outlet"),
            title=flat(s.article.title or "Untitled"),
            date=f"{s.article.published:%Y-%m-%d}" if s.article.published else "",
            url=links.get(s.n, "")) for s in briefing.sources],
        flags=flags,
        notes=[flat(n) for n in briefing.notes],
        footer=_usage_lines(briefing),
        empty=NO_SENTENCES if had else NO_NEWS,
        has_text=bool(briefing.sentences),
    )
