"""Time and peak memory of `digest ingest` on the hostile inputs of issue 13 (not a test).

Each case runs ``digest ingest BAD GOOD1..GOOD10`` in a fresh process under ``/usr/bin/time -v``
with a fresh store, and prints the wall time, the peak resident memory, the exit code and how
many of the ten good articles were stored. The first row is the baseline: the good files alone.
No run may peak above the baseline by more than noise, and each must finish in seconds.

    .venv/bin/python evals/bench_hostile.py            # all cases (~3 minutes on 2 busy cores)
    .venv/bin/python evals/bench_hostile.py --only deep-json alias-bomb
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "ingest"))
from ingest_helpers import article_md, generated_body  # noqa: E402

ALIAS_BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]"
       for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
)
PROSE = "The minister said the port would reopen next week after repairs to the quay. "


def _write(name: str, data: bytes | str) -> Callable[[Path], str]:
    def make(folder: Path) -> str:
        path = folder / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return str(path)
    return make


def _feed(link: str) -> str:
    body = generated_body(5, paragraphs=3).replace("\n\n", " ")
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>x'
            f"</title><link>{link}</link><description>{body}</description></item></channel></rss>")


def _big(folder: Path) -> str:
    path = folder / "big.txt"
    with path.open("wb") as handle:
        for _ in range(50):
            handle.write(b"word " * 200_000)  # 50 MB in 1 MB writes
    return str(path)


def _slow_header_server() -> str:
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            conn, _ = listener.accept()
            with conn:
                conn.recv(65536)
                try:
                    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"z" * 10_000:
                        conn.sendall(bytes([byte]))
                        time.sleep(1.0)
                except OSError:
                    continue

    threading.Thread(target=serve, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/article"


CASES: dict[str, Callable[[Path], str] | None] = {
    "good-only": None,
    "deep-json": _write("deep.json", "[" * 100_000 + "]" * 100_000),
    "deep-jsonl-line": _write("deep.jsonl", '{"text": "ok"}\n' + "[" * 100_000 + "]" * 100_000),
    "bad-ipv6-front-matter": _write("odd.md", article_md("Odd", generated_body(3, 1),
                                                         url='"http://[oops/x"')),
    "bad-ipv6-feed-link": _write("feed.rss", _feed("http://[bad-ipv6/2")),
    "alias-bomb-469-bytes": _write("bomb.md", f"---\n{ALIAS_BOMB}\n---\nBody text.\n"),
    "line-2MB-no-punctuation": _write("line2m.txt", "x" * 2_097_152),
    "line-1.9MB-no-punctuation": _write("line19.txt", "word" * 475_000),
    "line-100KB-prose": _write("prose.txt", PROSE * 1_300),
    "file-50MB": _big,
    "html-nested-10000": _write("deep.html", "<html><body>" + "<div>" * 10_000 + "<p>"
                                + PROSE * 4 + "</p>" + "</div>" * 10_000 + "</body></html>"),
    "slow-header-url": lambda _: _slow_header_server(),
}


def _measure(args: list[str], env: dict[str, str]) -> tuple[float, int, int, str]:
    started = time.monotonic()
    done = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-m", "digest", *args],
                          env=env, capture_output=True, text=True, cwd=REPO)
    seconds = time.monotonic() - started
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    return seconds, peak, done.returncode, done.stdout


def out(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="case names (default: all)")
    names = parser.parse_args().only or list(CASES)
    out(f"{'case':28} {'seconds':>8} {'peak MB':>8} {'exit':>4}  good stored / reason")
    for name in names:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            goods = []
            for i in range(10):
                path = folder / f"good{i}.md"
                path.write_text(article_md(f"Good {i}", generated_body(50 + i, paragraphs=3),
                                           url=f"https://good.example.com/{i}"))
                goods.append(str(path))
            bad = CASES[name](folder) if CASES[name] else None
            env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGEST_", "OPENAI_"))}
            env["DIGEST_HOME"] = str(folder / "home")
            seconds, peak, code, stdout = _measure(
                ["ingest", "--json", *([bad] if bad else []), *goods], env)
            report = json.loads(stdout) if stdout.strip().startswith("{") else {}
            added = sum(1 for o in report.get("outcomes", []) if o["status"] == "added"
                        and "good" in o["source"])
            said = [o["reason"] for o in report.get("outcomes", []) if o["status"] == "failed"]
            said += [w["warning"] for w in report.get("warnings", [])]
            note = said[0][:70] if said else ""
            out(f"{name:28} {seconds:8.1f} {peak / 1024:8.0f} {code:>4}  {added}/10 {note}")


if __name__ == "__main__":
    main()
