"""The HTML digest in a real headless browser: clicking a citation reveals the cited passage.

Drives Debian's chromium over the DevTools protocol (loopback websocket, ``websocket-client``)
with a real mouse click at the marker's on-screen position. Skipped, with the reason, only when
no chromium binary is installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_helpers import BROWSER, NO_BROWSER, DevTools, open_page

from digest.briefing import Briefing
from digest.render.formats import write_briefing

pytestmark = [pytest.mark.slow, pytest.mark.skipif(BROWSER is None, reason=NO_BROWSER)]


@pytest.fixture
def page(tmp_path: Path, briefing: Briefing) -> Iterator[DevTools]:
    html = tmp_path / "digest.html"
    write_briefing(briefing, html, "html")
    with open_page(html, tmp_path / "profile", "document.querySelector('.cite')") as session:
        yield session


def test_clicking_a_citation_shows_its_passage(page: DevTools, briefing: Briefing) -> None:
    first = ".cite a"
    passage = "document.querySelector('.cite .passage')"
    assert page.eval(f"getComputedStyle({passage}).display") == "none"  # hidden until asked
    page.click(first)
    assert page.eval(f"getComputedStyle({passage}).display") == "block"
    assert page.eval("document.querySelector('.cite').classList.contains('open')") is True
    shown = page.eval(f"{passage}.innerText")
    highlighted = page.eval(f"{passage}.querySelector('mark').innerText")
    summary = next(s for s in briefing.sentences if s.section == "summary")
    cited = next(p for p in briefing.passages if p.chunk.id == summary.citations[0].chunk_id)
    assert highlighted and highlighted in summary.text  # the sentence, marked in its passage
    assert " ".join(cited.chunk.text.split())[:80] in " ".join(shown.split())
    source = briefing.sources[summary.citations[0].n - 1].article
    assert source.outlet in shown
    page.click("h1")  # clicking elsewhere closes it again
    assert page.eval(f"getComputedStyle({passage}).display") == "none"
    assert page.eval("document.querySelectorAll('.cite.open').length") == 0


def test_page_is_self_contained(tmp_path: Path, briefing: Briefing) -> None:
    html = tmp_path / "d.html"
    write_briefing(briefing, html, "html")
    text = html.read_text(encoding="utf-8")
    assert "<script src" not in text and "<link" not in text and "@import" not in text
    assert text.count('class="cite"') == sum(len(s.citations) for s in briefing.sentences)
