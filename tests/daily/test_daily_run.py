"""End to end, in-process: the sample corpus arriving over three days, one digest per day."""

from __future__ import annotations

import json
import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from daily_helpers import DAYS, Daily, article, evening, write_project

from digest.briefing import Briefing
from digest.daily.runs import read_records, runs
from digest.errors import LockedError

MARKER = re.compile(r"\[\d+(?:, \d+)*\]")


def _urls(files: list[Path], daily: Daily) -> set[str]:
    from digest.ingest.readers import read_file

    return {a.url for f in files for a in read_file(f, None) if not isinstance(a, Exception)}


def _body_lines(markdown: str) -> list[str]:
    """The digest's prose lines: below the header, above the Sources list."""
    body = markdown.split("## Sources")[0].split("\n")[3:]
    return [line for line in body
            if line.strip() and not line.startswith(("## ", "### ", "*Where", "- ⚠"))]


def test_three_days_give_three_digests_each_citing_only_its_own_day(
    three_days_root, embedder, days
) -> None:
    root, results = three_days_root
    daily = Daily(root, embedder)

    for day in DAYS:
        result = results[day]
        assert result.record.outcome == "written", result.record
        assert result.record.articles == len(days[day])
        md, sidecar = daily.digest(day), daily.digest(day, ".json")
        assert md.is_file() and sidecar.is_file()
        text = md.read_text(encoding="utf-8")
        assert text.startswith(f"# Daily digest — {day.isoformat()}\n")
        lines = _body_lines(text)
        assert lines and all(MARKER.search(line) for line in lines), lines
        briefing = Briefing.model_validate_json(sidecar.read_text(encoding="utf-8"))
        assert 1 <= len(briefing.stories) <= 3
        assert all(s.citations for s in briefing.sentences)
        assert {s.story for s in briefing.sentences} == set(range(len(briefing.stories)))
        cited = {s.article.url for s in briefing.sources}
        assert cited and cited <= _urls(days[day], daily), f"{day} cites another day's article"
        assert [s.n for s in briefing.sources] == list(range(1, len(briefing.sources) + 1))
    # One store, no article twice, although the inbox was re-read on every run.
    assert len(daily.store.articles()) == 13


def test_rerun_without_news_rewrites_nothing_and_content_is_deterministic(
    three_days: Daily,
) -> None:
    daily = three_days
    last = DAYS[-1]
    before = {s: (daily.digest(last, s).read_bytes(), daily.digest(last, s).stat().st_mtime_ns)
              for s in (".md", ".json")}

    for later in (timedelta(0), timedelta(minutes=20)):
        again = daily.run(evening(last) + later)
        assert again.record.outcome == "unchanged"
        assert again.record.new_articles == 0 and again.written == []
        for suffix, (data, mtime) in before.items():
            assert daily.digest(last, suffix).read_bytes() == data
            assert daily.digest(last, suffix).stat().st_mtime_ns == mtime

    # Without the shortcut (files gone), the same inputs give the same bytes again.
    for suffix in before:
        daily.digest(last, suffix).unlink()
    rebuilt = daily.run(evening(last))
    assert rebuilt.record.outcome == "written"
    for suffix, (data, _) in before.items():
        assert daily.digest(last, suffix).read_bytes() == data


def test_an_article_arriving_late_updates_the_days_digest(three_days: Daily) -> None:
    daily, last = three_days, DAYS[-1]
    before = daily.digest(last).read_bytes()
    article(daily.root, "late-port-report", published="2026-05-20T12:00:00+00:00",
            outlet="Late Courier", text=(
                "Russian President Vladimir Putin flew into Beijing on Wednesday for talks with "
                "Chinese President Xi Jinping, four days after U.S. President Donald Trump left "
                "China, officials in Beijing said. Putin and Xi were expected to discuss trade, "
                "energy and the war in Ukraine, the officials said."))

    update = daily.run(evening(last) + timedelta(minutes=10))

    assert update.record.outcome == "written" and update.record.new_articles == 1
    assert update.record.articles == 6
    assert daily.digest(last).read_bytes() != before
    sources = Briefing.model_validate_json(daily.digest(last, ".json").read_text()).sources
    assert "https://example.org/late-port-report" in {s.article.url for s in sources}
    first = runs(read_records(daily.project.runs_file))[2]
    assert update.record.window_start == first.window_start  # the day's window keeps its start


def test_a_day_without_articles_says_so_and_invents_nothing(daily: Daily) -> None:
    result = daily.run(evening(DAYS[0]))
    assert result.record.outcome == "no-news" and result.record.articles == 0
    text = daily.digest(DAYS[0]).read_text(encoding="utf-8")
    assert "No new coverage in this window." in text
    assert not MARKER.search(text) and "## Sources" not in text
    assert Briefing.model_validate_json(daily.digest(DAYS[0], ".json").read_text()).sentences == []


def test_no_news_skip_writes_no_file(tmp_path: Path, embedder) -> None:
    write_project(tmp_path / "p", more='no_news = "skip"')
    daily = Daily(tmp_path / "p", embedder)
    result = daily.run(evening(DAYS[0]))
    assert result.record.outcome == "skipped" and result.written == []
    assert not daily.digest(DAYS[0]).exists()


def test_failing_sources_are_reported_and_the_others_still_make_it_in(
    tmp_path: Path, embedder
) -> None:
    root = tmp_path / "p"
    write_project(root, extra_sources=', "no-such-folder", "feeds/world.xml"')
    (root / "feeds").mkdir()
    (root / "feeds" / "world.xml").write_text("<rss><channel><item><title>broken", encoding="utf-8")
    daily = Daily(root, embedder)
    article(root, "terminal", published="2026-05-18T09:00:00+00:00")
    article(root, "terminal-reaction", published="2026-05-18T10:00:00+00:00", outlet="Other Post")

    result = daily.run(evening(DAYS[0]))

    assert result.record.outcome == "written" and result.record.articles == 2
    failed = {Path(f.source).name.split("#")[0]: f.reason for f in result.record.failed_sources}
    assert set(failed) == {"no-such-folder", "world.xml"}, failed
    assert "malformed" in failed["world.xml"]
    footer = daily.digest(DAYS[0]).read_text(encoding="utf-8").split("\n---\n")[-1]
    assert "no-such-folder" in footer and "world.xml" in footer
    stored = runs(read_records(daily.project.runs_file))[-1]
    assert len(stored.failed_sources) == 2
    assert Briefing.model_validate_json(daily.digest(DAYS[0], ".json").read_text()).sources


def test_backfill_rebuilds_a_past_day_from_the_store_only(three_days: Daily) -> None:
    daily = three_days
    first = daily.digest(DAYS[0])
    original = first.read_bytes()
    first.unlink()
    late = daily.root / "inbox" / "late.md"
    late.write_text("---\ntitle: Late\noutlet: X\npublished: 2026-05-18T10:00:00+00:00\n---\n"
                    "A late article that a backfill must not ingest, since it reads the store.\n")

    result = daily.run(evening(DAYS[2]) + timedelta(days=1), backfill=DAYS[0])

    assert result.record.backfill and result.record.outcome == "written"
    assert first.read_bytes() == original
    assert len(daily.store.articles()) == 13


def test_backfill_of_a_day_never_run_covers_its_calendar_day(three_days: Daily) -> None:
    daily = three_days
    daily.project.runs_file.unlink()  # as if the days had been ingested but never digested

    result = daily.run(evening(DAYS[2]), backfill=DAYS[1])

    assert result.record.articles == 4
    assert (result.record.window_start.isoformat(), result.record.window_end.isoformat()) == (
        "2026-05-19T00:00:00+00:00", "2026-05-20T00:00:00+00:00")


def test_a_failed_run_leaves_the_previous_digest_intact_and_the_next_run_completes(
    three_days: Daily,
) -> None:
    daily = three_days
    out = daily.project.output_dir  # every file, the day sets under .days/ included
    before = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def crash(stage: str) -> None:
        if stage == "rendered":
            raise RuntimeError("simulated crash after rendering, before writing")

    article(daily.root, "next-day", published="2026-05-21T08:00:00+00:00")
    with pytest.raises(RuntimeError):
        daily.run(evening(DAYS[2]) + timedelta(days=1), fault=crash)
    assert {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()} \
        == before
    assert runs(read_records(daily.project.runs_file))[-1].outcome == "failed"
    stale = daily.project.output_dir / ".2026-05-21.md.k1ll3d.tmp"  # as a kill mid-write leaves
    stale.write_text("half a digest")

    done = daily.run(evening(DAYS[2]) + timedelta(days=1))
    assert not stale.exists()
    assert done.record.outcome == "written" and done.record.articles == 1
    assert done.record.new_articles == 0  # ingested by the failed run, not twice
    assert done.record.window_start == runs(read_records(daily.project.runs_file))[2].window_end
    assert len(daily.store.articles()) == 14


def test_two_concurrent_runs_one_is_refused_with_the_lock_message(daily: Daily) -> None:
    inside, tried = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def hold(stage: str) -> None:
        if stage == "ingested":
            inside.set()
            assert tried.wait(60)

    def first() -> None:
        try:
            daily.run(evening(DAYS[0]), fault=hold)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    thread = threading.Thread(target=first)
    thread.start()
    assert inside.wait(120)
    try:
        with pytest.raises(LockedError, match="another `digest daily` is running"):
            daily.run(evening(DAYS[0]))
    finally:
        tried.set()
        thread.join(120)
    assert not errors
    assert daily.digest(DAYS[0]).is_file()
    outcomes = [r.outcome for r in runs(read_records(daily.project.runs_file))]
    assert outcomes == ["no-news"], "the refused run must leave no record"


def test_run_records_carry_window_counts_writer_and_duration(three_days_root, embedder) -> None:
    daily = Daily(three_days_root[0], embedder)
    lines = daily.project.runs_file.read_text().splitlines()
    assert len(lines) == 6  # a start and an end line per run
    ends = [json.loads(line) for line in lines if json.loads(line)["event"] == "end"]
    assert [e["articles"] for e in ends] == [4, 4, 5]
    assert all(e["writer"] == "extractive" and e["duration_s"] > 0 and e["stories"] >= 1
               for e in ends)
    # Each window starts where the previous successful one ended: no gap, no overlap.
    assert ends[1]["window_start"] == ends[0]["window_end"]
    assert ends[2]["window_start"] == ends[1]["window_end"]


def test_writer_usage_and_uncovered_topics_reach_the_record_and_the_footer(
    tmp_path: Path, embedder
) -> None:
    from daily_helpers import FunctionWriter

    from digest.briefing import DraftSentence, Usage, WriterResult
    from digest.daily.run import run_daily

    write_project(tmp_path / "p", more='topics = ["volcanic eruptions in Iceland"]')
    daily = Daily(tmp_path / "p", embedder)
    article(daily.root, "terminal", published="2026-05-18T09:00:00+00:00")
    seen: list[list[str]] = []

    def stub(passages):  # stands in for the LLM writer: one cited sentence, counted tokens
        seen.append([p.id for p in passages])
        return WriterResult(
            drafts=[DraftSentence(text="Port officials said a terminal would open next month.",
                                  passage_ids=[passages[0].id])],
            usage=Usage(prompt_tokens=120, completion_tokens=30, requests=1),
        )

    result = run_daily(daily.project, store=daily.store, fetcher=None,
                       writer=FunctionWriter("llm", "stub-model", stub), now=evening(DAYS[0]))

    assert seen and all(ids for ids in seen)
    assert (result.record.writer, result.record.model) == ("llm", "stub-model")
    assert (result.record.prompt_tokens, result.record.completion_tokens) == (120, 30)
    text = daily.digest(DAYS[0]).read_text(encoding="utf-8")
    assert "Port officials said a terminal would open next month [1]." in text
    assert "LLM usage: 1 request(s), 120 prompt + 30 completion tokens" in text
    assert "No coverage of “volcanic eruptions in Iceland” in this window." in text


def test_a_reprinted_wire_story_is_cited_to_its_original(three_days_root, embedder) -> None:
    daily = Daily(three_days_root[0], embedder)
    sources = Briefing.model_validate_json(daily.digest(DAYS[1], ".json").read_text()).sources
    outlets = {s.article.outlet for s in sources}
    assert "Harbor Wire Service" in outlets and "Meridian Daily" not in outlets


def test_a_bad_clause_drops_only_its_own_storys_joined_sentence(tmp_path: Path, embedder) -> None:
    from daily_helpers import FunctionWriter

    from digest.briefing import DraftSentence, WriterResult
    from digest.daily.run import run_daily

    write_project(tmp_path / "p")
    daily = Daily(tmp_path / "p", embedder)
    article(daily.root, "terminal", published="2026-05-18T09:00:00+00:00")
    article(daily.root, "football", published="2026-05-18T10:00:00+00:00", outlet="Sports Desk",
            text="The home side won the cup final three goals to one on Saturday evening. The "
                 "captain scored twice in the second half, the club said.")
    calls = iter(range(2))

    def stub(passages):  # both stories' writers number their joined sentence group 0
        bad = next(calls) == 0
        return WriterResult(drafts=[
            DraftSentence(text="On one point, some say this", passage_ids=[passages[0].id],
                          section="differences", group=0),
            DraftSentence(text="others say that", section="differences", group=0,
                          passage_ids=["P999"] if bad else [passages[0].id]),
        ])

    result = run_daily(daily.project, store=daily.store, fetcher=None,
                       writer=FunctionWriter("llm", "stub", stub), now=evening(DAYS[0]))

    briefing = result.briefing
    assert briefing is not None and len(briefing.stories) == 2
    assert [(s.story, s.text) for s in briefing.sentences] == [
        (1, "On one point, some say this"), (1, "others say that")]
    assert {d.reason for d in briefing.dropped} == {
        "cites unknown passage id(s): P999", "another clause of the same sentence was dropped"}
