"""The HTML digest in a real headless browser: clicking a citation reveals the cited passage.

Drives Debian's chromium over the DevTools protocol (loopback websocket, ``websocket-client``)
with a real mouse click at the marker's on-screen position. Skipped, with the reason, only when
no chromium binary is installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from digest.briefing import Briefing
from digest.render.markdown import write_briefing

BROWSER = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))
                if p), None)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(BROWSER is None, reason="no chromium installed (apt-get install chromium)"),
]


class DevTools:
    """A minimal Chrome DevTools Protocol session on one page."""

    def __init__(self, ws_url: str) -> None:
        import websocket  # websocket-client

        self._ws = websocket.create_connection(ws_url, timeout=10, suppress_origin=True)
        self._id = 0

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self._id += 1
        self._ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.recv())
            if message.get("id") == self._id:
                assert "error" not in message, message
                return message.get("result", {})

    def eval(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def close(self) -> None:
        self._ws.close()


@pytest.fixture
def page(tmp_path: Path, briefing: Briefing) -> Iterator[DevTools]:
    html = tmp_path / "digest.html"
    write_briefing(briefing, html, "html")
    profile = tmp_path / "profile"
    process = subprocess.Popen(
        [str(BROWSER), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--no-first-run", "--remote-debugging-port=0",
         f"--user-data-dir={profile}", "--window-size=1200,900", html.as_uri()],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    session = None
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            assert time.monotonic() < deadline, "chromium did not open its DevTools port"
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        while True:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as r:
                pages = [t for t in json.load(r) if t["type"] == "page"]
            if pages and pages[0]["url"].startswith("file:"):
                break
            assert time.monotonic() < deadline, "the digest page did not open"
            time.sleep(0.1)
        session = DevTools(pages[0]["webSocketDebuggerUrl"])
        ready = "document.readyState === 'complete' && !!document.querySelector('.cite')"
        while session.eval(ready) is not True:
            assert time.monotonic() < deadline, "the digest page did not load"
            time.sleep(0.1)
        yield session
    finally:
        if session is not None:
            session.close()
        process.terminate()
        process.wait(timeout=10)


def _click(page: DevTools, selector: str) -> None:
    box = page.eval(
        f"(() => {{ const el = document.querySelector({json.dumps(selector)});"
        " el.scrollIntoView({block: 'center'}); const r = el.getBoundingClientRect();"
        " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()"
    )
    for kind in ("mousePressed", "mouseReleased"):
        page.send("Input.dispatchMouseEvent", type=kind, x=box["x"], y=box["y"],
                  button="left", clickCount=1)


def test_clicking_a_citation_shows_its_passage(page: DevTools, briefing: Briefing) -> None:
    first = ".cite a"
    passage = "document.querySelector('.cite .passage')"
    assert page.eval(f"getComputedStyle({passage}).display") == "none"  # hidden until asked
    _click(page, first)
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
    _click(page, "h1")  # clicking elsewhere closes it again
    assert page.eval(f"getComputedStyle({passage}).display") == "none"
    assert page.eval("document.querySelectorAll('.cite.open').length") == 0


def test_page_is_self_contained(tmp_path: Path, briefing: Briefing) -> None:
    html = tmp_path / "d.html"
    write_briefing(briefing, html, "html")
    text = html.read_text(encoding="utf-8")
    assert "<script src" not in text and "<link" not in text and "@import" not in text
    assert text.count('class="cite"') == sum(len(s.citations) for s in briefing.sentences)
