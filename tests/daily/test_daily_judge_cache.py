"""`digest daily` keeps judge results in its state: a re-run or a `--date` rebuild of the same
day asks the judge nothing it has already answered."""

from __future__ import annotations

import json

from daily_helpers import DAYS, Daily, evening, write_project

from digest.judges.base import Judgement
from digest.judges.embedded import EmbeddedJudge
from digest.write.verify import VerifyOptions


class CountingJudge:
    """The real lexical judge, counting every claim it is asked about."""

    name = "embedded"

    def __init__(self) -> None:
        self.real = EmbeddedJudge(None)
        self.threshold = self.real.threshold
        self.asked = 0

    def judge(self, claim: str, sources: list[str]) -> Judgement:
        self.asked += 1
        return self.real.judge(claim, sources)


def _sentences(sidecar: bytes) -> object:
    return json.loads(sidecar)["sentences"]


def test_rebuilding_a_day_makes_no_judge_call(three_days: Daily) -> None:
    day = DAYS[1]
    first = CountingJudge()
    built = three_days.run(evening(DAYS[2], 23), backfill=day, verify=VerifyOptions(first))
    assert built.record.outcome == "written" and first.asked > 0
    assert (three_days.project.state_dir / "judgements.sqlite3").is_file()
    sidecar = three_days.digest(day, ".json").read_bytes()

    rerun = CountingJudge()  # `digest daily --date D` again: nothing new
    again = three_days.run(evening(DAYS[2], 23), backfill=day, verify=VerifyOptions(rerun))
    assert again.record.outcome == "unchanged" and rerun.asked == 0

    # A setting outside the text changes (an HTML page too): the day is rendered again, and
    # every sentence's verdict comes from the cache.
    write_project(three_days.root, more="html = true")
    rebuild = CountingJudge()
    redone = three_days.run(evening(DAYS[2], 23), backfill=day, verify=VerifyOptions(rebuild))
    assert redone.record.outcome == "written" and rebuild.asked == 0
    same = {"seconds"}  # time spent differs; every count and verdict does not
    assert redone.record.verification is not None and built.record.verification is not None
    assert (redone.record.verification.model_dump(exclude=same)
            == built.record.verification.model_dump(exclude=same))
    assert _sentences(three_days.digest(day, ".json").read_bytes()) == _sentences(sidecar)
    assert three_days.digest(day, ".html").is_file()
