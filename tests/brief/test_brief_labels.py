"""Issue 14: "no headline summary survived citation checks" only when something was dropped."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from digest.briefing import DraftSentence, Passage, WriterResult
from digest.store import Store
from digest.write.brief import build_briefing


class BodyOnlyWriter:
    """A writer that cites every passage but writes no summary sentence (nothing dropped)."""

    name, model, prompts = "llm", "m", {}

    def __init__(self, bad_id: bool = False) -> None:
        self.bad_id = bad_id

    def write(self, passages: list[Passage], topic: str | None) -> WriterResult:
        drafts = [DraftSentence(text=f"Reports covered the visit ({p.id}).", passage_ids=[p.id])
                  for p in passages]
        if self.bad_id:
            drafts.append(DraftSentence(text="Invented.", passage_ids=["nope"],
                                        section="summary"))
        return WriterResult(drafts=drafts)


@pytest.mark.parametrize(("bad_id", "said"), [(False, False), (True, True)])
def test_summary_warning_only_when_a_sentence_was_dropped(
    corpus_store: Store, caplog: pytest.LogCaptureFixture, bad_id: bool, said: bool
) -> None:
    with caplog.at_level(logging.WARNING, logger="digest.write.brief"):
        briefing = build_briefing(corpus_store, topic="Putin visit to China", k=4,
                                  writer=BodyOnlyWriter(bad_id), now=datetime.now(UTC))
    assert briefing.sentences and len(briefing.dropped) == int(bad_id)
    assert ("survived citation checks" in caplog.text) is said
