"""Headless Debian chromium driven over the DevTools protocol, for tests that open real pages.

Shared by the HTML briefing test (tests/brief) and the daily archive test (tests/daily): one
launcher, one minimal CDP session (loopback websocket, ``websocket-client``). Tests skip with
the reason when no chromium binary is installed (``BROWSER is None``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BROWSER = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))
                if p), None)
NO_BROWSER = "no chromium installed (apt-get install chromium)"


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

    def click(self, selector: str) -> None:
        """A real mouse click at the middle of the first element matching ``selector``."""
        box = self.eval(
            f"(() => {{ const el = document.querySelector({json.dumps(selector)});"
            " el.scrollIntoView({block: 'center'}); const r = el.getBoundingClientRect();"
            " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=box["x"], y=box["y"],
                      button="left", clickCount=1)

    def wait_for(self, expression: str, what: str, seconds: float = 30) -> None:
        """Poll ``expression`` until it is true; fail with ``what`` after ``seconds``."""
        deadline = time.monotonic() + seconds
        while self.eval(expression) is not True:
            assert time.monotonic() < deadline, what
            time.sleep(0.1)

    def close(self) -> None:
        self._ws.close()


@contextmanager
def open_page(page: Path, profile: Path, ready: str) -> Iterator[DevTools]:
    """Start headless chromium on ``page`` and yield a session once ``ready`` (JS) is true."""
    assert BROWSER is not None, NO_BROWSER
    process = subprocess.Popen(
        [str(BROWSER), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--no-first-run", "--remote-debugging-port=0",
         f"--user-data-dir={profile}", "--window-size=1200,900", page.as_uri()],
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
            assert time.monotonic() < deadline, "the page did not open"
            time.sleep(0.1)
        session = DevTools(pages[0]["webSocketDebuggerUrl"])
        session.wait_for(f"document.readyState === 'complete' && !!({ready})",
                         "the page did not load")
        yield session
    finally:
        if session is not None:
            session.close()
        process.terminate()
        process.wait(timeout=10)
