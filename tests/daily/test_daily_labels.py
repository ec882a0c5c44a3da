"""Issue 14's mislabels: what a run record and a digest say must be what happened."""

from __future__ import annotations

from datetime import timedelta

import pytest
from daily_helpers import DAYS, Daily, FunctionWriter, evening

from digest.briefing import Briefing
from digest.daily.run import run_daily
from digest.daily.runs import read_records
from digest.errors import LLMError


def failing_llm(passages):  # type: ignore[no-untyped-def]
    raise LLMError("the LLM writer failed 3 attempts, last: HTTP 500")


def test_a_failed_backfill_records_the_articles_it_found(three_days: Daily, days) -> None:
    writer = FunctionWriter("llm", "tiny-model", failing_llm)
    with pytest.raises(LLMError):
        run_daily(three_days.project, store=three_days.store, fetcher=None, writer=writer,
                  now=evening(DAYS[2]) + timedelta(days=1), backfill=DAYS[0])
    failed = read_records(three_days.project.runs_file)[-1]
    assert failed.outcome == "failed" and failed.backfill
    assert failed.articles == len(days[DAYS[0]]) > 0  # not "0 article(s)" for a day with five
    assert failed.stories > 0


def test_a_no_news_digest_does_not_say_an_llm_wrote_it(daily: Daily) -> None:
    writer = FunctionWriter("llm", "tiny-model", failing_llm)  # never called: nothing to write
    result = run_daily(daily.project, store=daily.store, fetcher=None, writer=writer,
                       now=evening(DAYS[0]))
    assert result.record.outcome == "no-news"
    text = daily.digest(DAYS[0]).read_text(encoding="utf-8")
    assert "LLM writer" not in text and "tiny-model" not in text
    assert "no writer ran" in text
    sidecar = Briefing.model_validate_json(daily.digest(DAYS[0], ".json").read_text())
    assert sidecar.writer == "none" and sidecar.model is None and sidecar.prompts == {}
