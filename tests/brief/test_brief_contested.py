"""A contested detail is never stated as settled, whichever writer wrote the digest (issue 21).

Two independent outlets disagree on where Putin landed (Beijing or Tianjin). For the offline
extractive writer and for the LLM writer (a scripted OpenAI-compatible server answers for the
model), the digest must show the disagreement under "Where sources differ" — computed from
the sources, not left to the writer — and no summary or body sentence may assert one side.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from langchain_openai import ChatOpenAI

from digest.briefing import Briefing
from digest.embed import MiniLMEmbedder
from digest.ingest.pipeline import IngestOptions, ingest
from digest.llm import LLM
from digest.store import Store, open_client
from digest.write.brief import build_briefing
from digest.write.contested import find_contested
from digest.write.extractive import ExtractiveWriter
from digest.write.llm import LLMWriter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "llm"))
from openai_stub import OpenAIStub, reply  # noqa: E402

NOW = datetime(2026, 5, 21, 6, 0, tzinfo=UTC)
ARTICLES = {
    "beijing": ("Pacific Dispatch", "2026-05-20T09:00:00+00:00", (
        "Russian President Vladimir Putin arrived in Beijing on Wednesday for a two-day state "
        "visit and talks with Chinese President Xi Jinping, officials said. "
        "Mr. Putin's plane touched down at Beijing Capital International Airport at about "
        "9:40 a.m. local time, where he was met by a senior Chinese official. "
        "Trade between Russia and China reached a record $245 billion last year, according to "
        "Chinese customs data. "
        "The two leaders are expected to sign agreements on energy and transport.")),
    "tianjin": ("Eastern Bulletin", "2026-05-20T10:00:00+00:00", (
        "Russian President Vladimir Putin arrived in Tianjin on Wednesday for a two-day state "
        "visit and talks with Chinese President Xi Jinping, state media reported. "
        "Mr. Putin's plane landed at Tianjin Binhai International Airport shortly after 6 p.m. "
        "local time, where a red carpet had been laid out for the Russian delegation. "
        "Chinese customs data show that trade between Russia and China reached a record "
        "$245 billion last year. "
        "Energy cooperation, including a new gas pipeline, is high on the list of talks.")),
}


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory, embedder: MiniLMEmbedder) -> Store:
    folder = tmp_path_factory.mktemp("planted")
    for name, (outlet, published, text) in ARTICLES.items():
        (folder / f"{name}.md").write_text(
            f'---\ntitle: "Putin arrives for talks with Xi"\noutlet: "{outlet}"\n'
            f'url: "https://{name}.example.org/putin"\npublished: "{published}"\n---\n{text}\n',
            encoding="utf-8")
    store = Store(open_client(path=str(folder / "chroma")), embedder)
    report = ingest([str(folder)], store=store, fetcher=None, options=IngestOptions())
    assert not report.failures
    return store


def _check(briefing: Briefing, store: Store) -> None:
    narrative = [s for s in briefing.sentences if s.section != "differences"]
    contested = find_contested(briefing.passages, store.embedder, store.article_text)
    assert {"Beijing", "Tianjin"} <= contested.values["place@arrival"]
    for sentence in narrative:
        assert contested.side_taken(sentence.text) is None, sentence.text
        assert "Beijing" not in sentence.text and "Tianjin" not in sentence.text, sentence.text
    shown = " ".join(s.text for s in briefing.sentences if s.section == "differences")
    assert shown.startswith("On the place, some reports say “")
    assert "Beijing" in shown and "Tianjin" in shown
    sides = [s for s in briefing.sentences if s.section == "differences"]
    assert len({n for s in sides[:2] for n in s.numbers}) == 2  # each side cited to its outlet


def test_the_extractive_writer_states_no_side(planted: Store) -> None:
    briefing = build_briefing(planted, topic="Putin arrives for talks with Xi", k=8,
                              writer=ExtractiveWriter(planted.embedder), now=NOW)
    _check(briefing, planted)


def test_the_llm_writer_states_no_side_and_gets_the_differences(planted: Store) -> None:
    answer = {"sentences": [
        {"text": "Putin touched down at Beijing Capital International Airport on Wednesday.",
         "passage_ids": ["P1"], "section": "summary"},
        {"text": "Russia and China traded a record $245 billion worth of goods last year.",
         "passage_ids": ["P1", "P2"], "section": "body"},
        {"text": "Putin and Xi Jinping were to hold talks during a two-day state visit.",
         "passage_ids": ["P2"], "section": "body"},
    ]}
    with OpenAIStub() as stub:
        stub.push(reply(answer))
        chat = ChatOpenAI(model="gpt-4o-mini", api_key="test-key", base_url=stub.base_url,
                          timeout=10, max_retries=0)
        writer = LLMWriter(LLM(chat, max_attempts=1, backoff=0.01))
        briefing = build_briefing(planted, topic="Putin arrives for talks with Xi", k=8,
                                  writer=writer, now=NOW)
    _check(briefing, planted)
    dropped = {d.text: d.reason for d in briefing.dropped}
    reason = dropped["Putin touched down at Beijing Capital International Airport on Wednesday."]
    assert reason.startswith("contested place: states “Beijing Capital International Airport”")
    assert briefing.sentences[0].section == "summary"  # the next sentence leads
