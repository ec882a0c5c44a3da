"""One section per event: a contested-city pair becomes one section with a differences line.

Fixture articles (fictional) ingested into a real Chroma store with the real embedder; the
stories are split on purpose (a similarity cut no two articles reach) so that the merge, not
the clustering, is what puts them back together.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from digest.briefing import Briefing
from digest.ingest.pipeline import IngestOptions, ingest
from digest.store import Store, date_where
from digest.write.extractive import ExtractiveWriter
from digest.write.sections import write_sections
from digest.write.standalone import dangling_reasons
from digest.write.stories import group_stories, merge_same_event

DAY = datetime(2026, 6, 3, tzinfo=UTC)
ARTICLES = {
    "beijing.md": ("Northline News", "Kessler flies into Beijing for talks with Lin", "09:00", """\
Austrian Chancellor Maria Kessler arrived in Beijing on Wednesday for a two-day visit and talks \
with Chinese Premier Lin Wei on trade and climate cooperation.

Her plane landed at the capital's main airport in the morning, where she was met by a deputy \
foreign minister and a small honor guard.

Trade between the two countries reached $41 billion last year, according to customs data.
"""),
    "tianjin.md": ("Harbour Post", "Austria's chancellor starts China trip at a port", "11:30", """\
Austrian Chancellor Maria Kessler arrived in China on Wednesday, landing in the port city of \
Tianjin before heading to talks with Chinese Premier Lin Wei on trade and climate cooperation.

Officials said the chancellor would tour a container terminal run by an Austrian logistics group.

Ms. Kessler is travelling with a delegation of twenty business leaders, officials said.
"""),
    "ferry.md": ("Coastal Daily", "Ferry strike halts crossings in the Baltic", "10:00", """\
Ferry workers in Rostock went on strike on Wednesday over pay, halting crossings to Denmark and \
Sweden for the second time this year.

The union said the strike would last until Friday unless the operators improved their offer.
"""),
}


def _ingest(root: Path, store: Store) -> None:
    root.mkdir()
    for name, (outlet, title, time, body) in ARTICLES.items():
        (root / name).write_text(
            f'---\ntitle: "{title}"\noutlet: "{outlet}"\nurl: "https://{outlet.split()[0].lower()}'
            f'.example.com/{name[:-3]}"\npublished: "2026-06-03T{time}:00+00:00"\n---\n{body}',
            encoding="utf-8")
    report = ingest([str(root)], store=store, fetcher=None, options=IngestOptions())
    assert not report.failures


def test_a_contested_city_pair_is_one_section_with_a_differences_line(
    tmp_path: Path, store: Store
) -> None:
    _ingest(tmp_path / "articles", store)
    articles, vectors = store.article_vectors(date_where(DAY, DAY.replace(day=4)))
    split = group_stories(articles, vectors, similarity=0.999)
    assert len(split) == 3  # every article its own story before the merge

    stories = merge_same_event(split, text_of=store.article_text, embed=store.embedder.embed)

    assert len(stories) == 2
    visit = next(s for s in stories if len(s.articles) == 2)
    assert sorted(visit.outlets) == ["Harbour Post", "Northline News"]
    assert "Beijing" not in visit.headline and "Tianjin" not in visit.headline  # takes no side
    empty = Briefing(title="t", generated_at=DAY, writer="extractive", sentences=[], sources=[])
    briefing = write_sections(store, ExtractiveWriter(store.embedder), stories, empty, k=8,
                              since=DAY, until=DAY.replace(day=4))
    section = briefing.stories.index(f"{visit.headline} (2 outlets)")
    clauses = [s for s in briefing.sentences
               if s.story == section and s.section == "differences"]
    assert len(clauses) == 2
    assert clauses[0].text.startswith("On the place, some reports say “")
    assert clauses[1].text.startswith("others say “")
    quoted = " ".join(c.text for c in clauses)
    assert "Beijing" in quoted and "Tianjin" in quoted
    assert clauses[0].numbers != clauses[1].numbers  # each side cites its own outlet
    earlier = ""
    for sentence in briefing.sentences:
        if sentence.section != "differences":
            assert dangling_reasons(sentence.text, earlier) == [], sentence.text
            earlier += " " + sentence.text


def test_different_events_in_different_places_are_not_merged(tmp_path: Path, store: Store) -> None:
    _ingest(tmp_path / "articles", store)
    articles, vectors = store.article_vectors()
    split = group_stories(articles, vectors, similarity=0.999)
    kept = [s for s in split if {a.outlet for a in s.articles} != {"Harbour Post"}]
    # Beijing visit and Rostock ferry strike: different places, but nothing alike to contest.
    merged = merge_same_event(kept, text_of=store.article_text, embed=store.embedder.embed)
    assert len(merged) == len(kept) == 2
