"""The static archive opened from disk in headless chromium: every day shown, links followed.

Real mouse clicks (DevTools ``Input.dispatchMouseEvent``) go from the index to a day, then
along prev/next through every day and back to the index. Skipped, with the reason, only when
no chromium is installed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from browser_helpers import BROWSER, NO_BROWSER, DevTools, open_page
from daily_helpers import DAYS, Daily, evening
from deliver_helpers import add_targets

from digest.daily.deliver import deliver

pytestmark = [pytest.mark.slow, pytest.mark.skipif(BROWSER is None, reason=NO_BROWSER)]


@pytest.fixture
def index(three_days: Daily) -> Iterator[DevTools]:
    add_targets(three_days.root, '[[deliver]]\nname = "site"\ntype = "archive"\n')
    with httpx.Client() as http:
        sent = deliver(three_days.project, DAYS, now=evening(DAYS[2]), env={}, http=http)
    assert {r.status for r in sent} == {"sent"}
    page = three_days.project.output_dir / "index.html"
    with open_page(page, three_days.root / "profile", "document.querySelector('.day')") as tab:
        yield tab


def _arrive(tab: DevTools, path_end: str) -> None:
    tab.wait_for(f"location.pathname.endsWith({json.dumps(path_end)}) && "
                 "document.readyState === 'complete'", f"did not arrive at {path_end}")


def test_the_index_shows_every_day_and_its_links_lead_through_the_archive(
    index: DevTools, three_days: Daily
) -> None:
    shown = index.eval("[...document.querySelectorAll('.day h2 a')].map(a => a.textContent)")
    assert shown == [str(d) for d in reversed(DAYS)]  # newest first, every day
    for day in DAYS:
        sidecar = json.loads(three_days.digest(day, ".json").read_text(encoding="utf-8"))
        stories = index.eval(f"[...document.querySelectorAll('#day-{day} li')]"
                             ".map(li => li.textContent)")
        assert stories == sidecar["stories"]
    assert index.eval("document.querySelectorAll('script').length") == 0

    index.click(f"#day-{DAYS[-1]} h2 a")  # the newest day, then back through time
    for position, day in reversed(list(enumerate(DAYS))):
        _arrive(index, f"/archive/{day}.html")
        assert str(day) in index.eval("document.querySelector('h1').textContent")
        assert index.eval("document.querySelectorAll('script').length") == 0
        cited = index.eval("document.querySelectorAll('a[href^=\"https://\"]').length")
        assert cited > 0  # citations and sources link out to the articles
        assert index.eval("!!document.querySelector('a[rel=next]')") is (position < len(DAYS) - 1)
        if position == 0:
            assert index.eval("!!document.querySelector('a[rel=prev]')") is False
            break
        index.click("a[rel=prev]")

    index.click("a[rel=next]")
    _arrive(index, f"/archive/{DAYS[1]}.html")
    index.click("a[rel=index]")
    _arrive(index, "/index.html")
    assert index.eval("document.querySelectorAll('.day').length") == len(DAYS)
