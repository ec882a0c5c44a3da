"""Time and peak memory of digest on hostile input: issue 13's inputs and issue 24's (not a test).

Every row runs real ``digest`` commands in fresh processes under ``/usr/bin/time -v`` with a
fresh ``DIGEST_HOME`` and prints the wall time and peak resident memory (the largest over the
row's commands), the exit code of the hostile command, and whether the expected behaviour was
seen (``ok``: good inputs kept, one-line error, no traceback, the case's own check, and the
limits: under 700 MB, and the bad input's own time -- an ingest row's seconds less the
good-only row's -- within 60 s, or within the configured deadline for a deadline case).

* ingest rows (issue 13, and issue 24 items 6, 8, 12): ``digest ingest BAD GOOD1..GOOD10``;
  "good" counts the ten good articles stored, "bad" whether the hostile article itself landed;
* scenario rows (issue 24 items 1-5, 7-11, 13): a few commands each, described in their code.

    .venv/bin/python evals/bench_hostile.py                  # everything (~6 min on 2 busy cores)
    .venv/bin/python evals/bench_hostile.py --only deep-json i24-10-suite-files
    .venv/bin/python evals/bench_hostile.py --list
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "ingest"))
sys.path.insert(0, str(REPO / "tests" / "llm"))
from ingest_helpers import article_md, generated_body  # noqa: E402

ALIAS_BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]"
       for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
)
PROSE = "The minister said the port would reopen next week after repairs to the quay. "
LIMIT_S, LIMIT_MB = 60.0, 700.0
ROW_LIMIT_S = {"slow-header-url": 65.0}  # the 60 s per-URL fetch deadline, plus the start
DEADLINE = 5  # seconds: the delivery deadline the item-9 row configures
NOW = "2026-05-20T22:00:00+00:00"
TOPIC = "minister port summit council treaty"  # words of tests/ingest's generated_body


def _write(name: str, data: bytes | str) -> Callable[[Path], str]:
    def make(folder: Path) -> str:
        path = folder / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return str(path)
    return make


def _json_article(name: str, **record: str) -> Callable[[Path], str]:
    record.setdefault("text", generated_body(7, paragraphs=2))
    return _write(name, json.dumps(record))  # lone surrogates become "\udfff" escapes, as sent


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


def _trickle_server(data: bytes, every: float) -> int:
    """A loopback server that sends ``data`` one byte per ``every`` seconds, then waits."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve(conn: socket.socket) -> None:
        with conn:
            try:
                for byte in data:
                    conn.sendall(bytes([byte]))
                    time.sleep(every)
                time.sleep(600)
            except OSError:
                return

    def accept() -> None:
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return listener.getsockname()[1]


def _slow_header_url(_: Path) -> str:
    port = _trickle_server(b"HTTP/1.1 200 OK\r\nX-Slow: " + b"z" * 10_000, 1.0)
    return f"http://127.0.0.1:{port}/article"


def _yaml_date(value: str) -> Callable[[Path], str]:
    text = article_md("Odd date", generated_body(3, 1)).replace(
        "published: 2026-05-18T10:00:00+00:00", f"date: {value}")
    return _write("date.md", text)


INGEST: dict[str, tuple[str, Callable[[Path], str] | None]] = {
    "good-only": ("", None),
    "deep-json": ("13", _write("deep.json", "[" * 100_000 + "]" * 100_000)),
    "deep-jsonl-line": ("13", _write("deep.jsonl", '{"text": "ok"}\n' + "[" * 100_000
                                     + "]" * 100_000)),
    "bad-ipv6-front-matter": ("13", _write("odd.md", article_md("Odd", generated_body(3, 1),
                                                                url='"http://[oops/x"'))),
    "bad-ipv6-feed-link": ("13", _write("feed.rss", _feed("http://[bad-ipv6/2"))),
    "alias-bomb-469-bytes": ("13", _write("bomb.md", f"---\n{ALIAS_BOMB}\n---\nBody text.\n")),
    "line-2MB-no-punctuation": ("13", _write("line2m.txt", "x" * 2_097_152)),
    "line-1.9MB-no-punctuation": ("13", _write("line19.txt", "word" * 475_000)),
    "line-100KB-prose": ("13", _write("prose.txt", PROSE * 1_300)),
    "file-50MB": ("13", _big),
    "html-nested-10000": ("13", _write("deep.html", "<html><body>" + "<div>" * 10_000 + "<p>"
                                       + PROSE * 4 + "</p>" + "</div>" * 10_000
                                       + "</body></html>")),
    "slow-header-url": ("13", _slow_header_url),
    "yaml-date-2025-13-45": ("24.6", _yaml_date("2025-13-45")),
    "yaml-date-2025-02-30": ("24.6", _yaml_date("2025-02-30")),
    "yaml-time-25:61:00": ("24.6", _yaml_date("2025-05-01 25:61:00")),
    "json-offset-+25:00": ("24.6", _json_article("tz.json", title="T",
                                                 published="2025-05-01T10:00:00+25:00")),
    "json-control-title": ("24.8", _json_article(
        "ctrl.json", title="Ctrl \u0007\u0008\u001b[2J\u001b]0;pwned\u0007",
        text="Body \u0001 with \u0000 controls \u001b[2J " + generated_body(8, 2))),
    "json-surrogate-title": ("24.12", _json_article("sur1.json", title="T \udfff")),
    "json-surrogate-outlet": ("24.12", _json_article("sur2.json", title="T", outlet="\ud83d")),
    "md-front-matter-controls": ("24.8", _write("ctrl.md", article_md(
        "Port \x01 reopens \x1b[2J", generated_body(9, 2)))),
}


@dataclass
class Run:
    seconds: float
    peak_kb: int
    code: int
    stdout: str
    stderr: str


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DIGEST_", "OPENAI_"))}
    return {**env, "DIGEST_HOME": str(home), **extra}


def _timed(command: list[str], env: dict[str, str], timeout: float = 300) -> Run:
    started = time.monotonic()
    done = subprocess.run(["/usr/bin/time", "-v", *command], env=env, capture_output=True,
                          text=True, cwd=REPO, timeout=timeout, errors="replace")
    seconds = time.monotonic() - started
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    stderr = done.stderr.split("\tCommand being timed:")[0]
    return Run(seconds, int(match.group(1)) if match else 0, done.returncode, done.stdout, stderr)


def digest(*args: str, env: dict[str, str], timeout: float = 300) -> Run:
    return _timed([sys.executable, "-m", "digest", *args], env, timeout)


def _script(code: str, *args: str, env: dict[str, str], timeout: float = 300) -> Run:
    return _timed([sys.executable, "-c", code, *args], env, timeout)


def _goods(folder: Path, count: int = 10) -> list[str]:
    paths = []
    for i in range(count):
        path = folder / f"good{i}.md"
        path.write_text(article_md(f"Good {i}", generated_body(50 + i, paragraphs=3),
                                   url=f"https://good.example.com/{i}"))
        paths.append(str(path))
    return paths


def _clean(run: Run) -> bool:
    """No traceback, and nothing in the output that drives a terminal."""
    text = run.stdout + run.stderr
    return "Traceback" not in text and not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)


@dataclass
class Row:
    item: str
    runs: list[Run]
    code: int
    ok: bool
    note: str


# -- scenarios (issue 24) ------------------------------------------------------------------
def s_concurrent(folder: Path, rounds: int) -> Row:
    """Item 1: three `digest ingest` at once on an empty DIGEST_HOME, ``rounds`` times."""
    runs, ok = [], True
    goods = _goods(folder, 3)
    for r in range(rounds):
        env = _env(folder / f"home{r}")
        procs = [threading.Thread(target=lambda g=g, e=env: runs.append(digest("ingest", g, env=e)))
                 for g in goods]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        ok &= all(run.code == 0 and "damaged" not in run.stderr for run in runs[-3:])
    return Row("24.1", runs, max(r.code for r in runs), ok, f"{rounds} round(s) x 3 processes")


def s_terminal(folder: Path, _: int) -> Row:
    """Item 2: ESC/BEL in a title and body; `sources` and `brief` to a pipe carry none."""
    env = _env(folder / "home")
    bad = _json_article("ctrl.json", title="Ctrl \u0007\u0008\u001b[2J\u001b]0;pwned\u0007",
                        text=PROSE * 3 + "\u001b]0;pwned\u0007")(folder)
    ingest = digest("ingest", bad, *_goods(folder, 2), env=env)
    listed = digest("sources", env=env)
    brief = digest("brief", "port reopen repairs", "--no-verify", "--now", NOW, env=env)
    ok = all(_clean(r) for r in (ingest, listed, brief)) and "Ctrl" in listed.stdout
    return Row("24.2", [ingest, listed, brief], listed.code, ok, "no C0/C1 in any output")


def s_markdown_report(folder: Path, _: int) -> Row:
    """Item 3: an escaped link in a digest sentence is no live link in `eval --format md`."""
    from markdown_it import MarkdownIt

    sources = folder / "sources"
    sources.mkdir()
    (sources / "1.md").write_text("---\ntitle: Arrival\n---\nPutin arrived in Tianjin on "
                                  "Wednesday.\n")
    page = folder / "digest.md"
    page.write_text("Putin arrived in Tianjin on Wednesday \\[click here\\]\\(javascript:alert"
                    "(1)\\) [1].\n\n## Sources\n\n1. Arrival\n")
    run = digest("eval", str(page), "--sources", str(sources), "--format", "md", "--judge",
                 "lexical", env=_env(folder / "home"))
    parser = MarkdownIt("commonmark").enable("table")
    parser.validateLink = lambda _url: True  # not every renderer refuses javascript: links
    links = [c for t in parser.parse(run.stdout)
             for c in (t.children or []) if c.type in ("link_open", "image")]
    return Row("24.3", [run], run.code, run.code == 0 and not links and _clean(run),
               f"{len(links)} live link(s)")


def s_store_path(folder: Path, _: int) -> Row:
    """Item 4: a file where the chroma folder should be; a deleted chroma.sqlite3."""
    (folder / "chroma-file").write_text("not a folder")
    as_file = digest("--store", str(folder / "chroma-file"), "sources", env=_env(folder / "h1"))
    env = _env(folder / "h2")
    ingest = digest("ingest", *_goods(folder, 2), env=env)
    (folder / "h2" / "chroma" / "chroma.sqlite3").unlink()
    missing = digest("sources", env=env)
    ok = (as_file.code == 2 and "is a file" in as_file.stderr and missing.code == 2
          and "missing" in missing.stderr and _clean(as_file) and _clean(missing))
    return Row("24.4", [as_file, ingest, missing], as_file.code, ok, "two one-line errors")


def s_output_paths(folder: Path, _: int) -> Row:
    """Item 5: `-o ""` is one line; `-o /dev/stdout` prints, with no /dev/stdout.json."""
    env = _env(folder / "home")
    ingest = digest("ingest", *_goods(folder, 2), env=env)
    empty = digest("brief", TOPIC, "--no-verify", "--now", NOW, "-o", "", env=env)
    stdout = digest("brief", TOPIC, "--no-verify", "--now", NOW, "-o", "/dev/stdout",
                    "--format", "json", env=env)
    ok = (empty.code == 2 and _clean(empty) and stdout.code == 0
          and stdout.stdout.lstrip().startswith("{") and not Path("/dev/stdout.json").exists())
    return Row("24.5", [ingest, empty, stdout], empty.code, ok, "no sidecar in /dev")


PROJECT = """sources = ["inbox"{extra}]
output_dir = "digests"
store = "chroma"
timezone = "UTC"
stories = 3
{more}
"""


def _project(root: Path, extra: str = "", more: str = "") -> Path:
    (root / "inbox").mkdir(parents=True)
    for i, name in enumerate(("port", "grain")):
        (root / "inbox" / f"{name}.md").write_text(article_md(
            f"{name.title()} news", generated_body(60 + i, paragraphs=2),
            url=f"https://example.org/{name}", published="2026-05-20T09:00:00+00:00"))
    (root / "digest.toml").write_text(PROJECT.format(extra=extra, more=more))
    return root / "digest.toml"


_KILL_AT_RENAME = """
import os, signal, sys
stop, out = int(sys.argv.pop(1)), sys.argv.pop(1)
count = [0]
def wrap(real):
    def move(src, dst, *a, **k):
        if str(dst).startswith(out):
            count[0] += 1
            if count[0] == stop:
                os.kill(os.getpid(), signal.SIGKILL)
        return real(src, dst, *a, **k)
    return move
os.replace, os.rename = wrap(os.replace), wrap(os.rename)
from digest.cli import app
app(prog_name="digest")
"""

_READ_DAY = """
import sys
from datetime import date
from pathlib import Path
from digest.daily.outbox import load_day
from digest.render.daily import render_daily_markdown
day = load_day(Path(sys.argv[1]), date(2026, 5, 20))
whole = render_daily_markdown(day.briefing, had_articles=True) == day.markdown
print(day.sha256 if whole else "MIXED")
"""


def s_kill_daily(folder: Path, _: int) -> Row:
    """Item 7: SIGKILL at the 1st..4th rename of `digest daily`: readers see one whole set.

    What delivery reads (``load_day``) must be a Markdown file rendered from the very sidecar
    read with it: never a new ``.json`` beside an old ``.md``.
    """
    root = folder / "p"
    config = _project(root, more="html = true")
    env = _env(folder / "home")
    runs = [digest("daily", "--config", str(config), "--now", NOW, env=env)]
    out = str(root / "digests")
    old = _script(_READ_DAY, out, env=env).stdout
    (root / "inbox" / "bridge.md").write_text(article_md(
        "Bridge opens", generated_body(70, paragraphs=2), url="https://example.org/bridge",
        published="2026-05-20T15:00:00+00:00"))
    seen, killed = [old], 0
    for stop in range(1, 6):
        run = _script(_KILL_AT_RENAME, str(stop), out, "daily", "--config", str(config),
                      "--now", NOW, env=env)
        runs.append(run)
        killed += run.code in (-signal.SIGKILL, 128 + signal.SIGKILL)  # /usr/bin/time: 137
        seen.append(_script(_READ_DAY, out, env=env).stdout.strip())
    final = digest("daily", "--config", str(config), "--now", NOW, env=env)
    seen.append(_script(_READ_DAY, out, env=env).stdout.strip())
    mixed = sum(s in ("MIXED", "") for s in seen)
    ok = killed >= 1 and not mixed and final.code == 0  # a run may need fewer than 5 renames
    return Row("24.7", [*runs, final], final.code, ok,
               f"{killed} kills at renames 1-5; {mixed} mixed set(s) read")


def s_archive_controls(folder: Path, _: int) -> Row:
    """Items 2 and 8: controls in an article, a markup feed link; daily + archive + deliver."""
    root = folder / "p"
    link = "http://[link=file:///etc/passwd]CLICK[/link]/x"
    (folder / "feed.rss").write_text(_feed(link))
    config = _project(root, extra=f', "{folder / "feed.rss"}"',
                      more='[[deliver]]\nname = "site"\ntype = "archive"\n')
    (root / "inbox" / "ctrl.json").write_text(json.dumps({
        "title": "Port \u0000reopens\u0001 \u001b[2J", "url": "https://example.org/ctrl",
        "published": "2026-05-20T10:00:00+00:00", "text": generated_body(61, 2) + " \u0001"}))
    env = _env(folder / "home")
    runs = [digest("daily", "--config", str(config), "--now", NOW, env=env) for _ in range(2)]
    again = digest("deliver", "--config", str(config), "--force", env=env)
    feed = (root / "digests" / "feed.xml")
    ok = (all(r.code == 0 and _clean(r) for r in [*runs, again]) and feed.is_file()
          and "[link=file:///etc/passwd]CLICK[/link]" in runs[0].stderr + runs[0].stdout)
    return Row("24.8", [*runs, again], runs[0].code, ok, "feed.xml written, link literal")


def s_deadline(folder: Path, _: int) -> Row:
    """Item 9: a webhook trickling headers and an SMTP server trickling its greeting."""
    hook = _trickle_server(b"HTTP/1.1 200 OK\r\nX-Slow: " + b"z" * 10_000, 3.0)
    smtp = _trickle_server(b"220 " + b"x" * 10_000, 1.0)
    root = folder / "p"
    config = _project(root, more=(
        f'[[deliver]]\nname = "hook"\ntype = "webhook"\nurl_env = "HOOK"\ndeadline = {DEADLINE}\n'
        f'[[deliver]]\nname = "mail"\ntype = "email"\nhost = "127.0.0.1"\nport = {smtp}\n'
        f'security = "none"\nfrom = "a@example.com"\nto = ["b@example.com"]\n'
        f"deadline = {DEADLINE}\n"))
    env = _env(folder / "home", HOOK=f"http://127.0.0.1:{hook}/hook")
    daily = digest("daily", "--config", str(config), "--now", NOW, env=env)
    said = daily.stdout + daily.stderr
    ok = daily.code == 1 and said.count(f"deadline of {DEADLINE} s") == 2 and _clean(daily) \
        and daily.seconds < 2 * DEADLINE + 60
    return Row("24.9", [daily], daily.code, ok, f"2 targets, deadline {DEADLINE} s each")


SUITE_CORPUS = '[[corpora]]\nname = "c"\nstore = true\n'
AXES = "\n".join(f"{k} = [{', '.join(str(i) for i in range(100))}]"
                 for k in ("k", "model", "prompts", "judge"))


def s_suites(folder: Path, _: int) -> Row:
    """Item 10: random bytes, 100,000 '[', a 10^8 matrix, clusters = /dev/zero."""
    files = {
        "random.toml": b"\xff" + os.urandom(4095),
        "deep.toml": b"a = " + b"[" * 100_000,
        "matrix.toml": f"{SUITE_CORPUS}[matrix]\n{AXES}\n".encode(),
        "zero.toml": b'[[corpora]]\nname = "z"\nclusters = "/dev/zero"\n'
                     b'[[variants]]\nname = "a"\n',
    }
    runs = []
    for name, data in files.items():
        (folder / name).write_bytes(data)
        runs.append(digest("eval", "run", str(folder / name), env=_env(folder / "home")))
    ok = all(r.code == 2 and _clean(r) and r.stderr.count("error:") == 1 for r in runs)
    return Row("24.10", runs, max(r.code for r in runs), ok, "4 suites, one line each")


_INJECTED_BRIEF = """
import sys
from openai_stub import OpenAIStub
from test_verify_injection import ObedientNewsroom
stub = OpenAIStub().__enter__()
stub.responder = ObedientNewsroom()
import os
os.environ.update(OPENAI_BASE_URL=stub.base_url, DIGEST_VERIFY_ACTION="cut")
from digest.cli import app
try:
    app(prog_name="digest")
finally:
    stub.__exit__(None, None, None)
"""


def s_injection(folder: Path, _: int) -> Row:
    """Item 11: a writer that obeys an injected SYSTEM: line; the judge says Yes."""
    from test_verify_injection import ARTICLES, OBEYED

    for name, (title, url, body) in ARTICLES.items():
        (folder / name).write_text(f"---\ntitle: {title}\nurl: {url}\npublished: "
                                   f"2026-05-20T08:00:00+00:00\n---\n{body}\n")
    env = _env(folder / "home", PYTHONPATH=str(REPO / "tests" / "llm"))
    ingest = digest("ingest", *(str(folder / n) for n in ARTICLES), env=env)
    out = folder / "brief.md"
    brief = _script(_INJECTED_BRIEF, "brief", "port reopened", "--writer", "llm", "--judge",
                    "llm", "--now", NOW, "-o", str(out), env=env)
    sidecar = json.loads(out.with_suffix(".json").read_text()) if out.is_file() else {}
    shipped = {s["text"] for s in sidecar.get("sentences", [])}
    ok = brief.code == 0 and not shipped & set(OBEYED) and _clean(brief)
    return Row("24.11", [ingest, brief], brief.code, ok, f"{len(shipped)} shipped, obeyed cut")


def s_disk_full(folder: Path, _: int) -> Row:
    """Item 13: a real full disk (a 40 MB tmpfs, filled); needs root to mount it."""
    mount = folder / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        return Row("24.13", [], 0, True, "skipped: cannot mount a tmpfs (not root)")
    try:
        env = _env(mount / "home")
        goods = _goods(folder, 10)
        first = digest("ingest", *goods[:5], env=env)
        free = shutil.disk_usage(mount).free
        with (mount / "filler").open("wb") as handle:
            handle.write(b"\0" * (free - 48 * 1024))
        full = digest("ingest", *goods[5:], env=env)
        (mount / "filler").unlink()
        listed = digest("sources", "--json", env=env)
        kept = len(listed.stdout.strip().splitlines())
        ok = (full.code == 2 and "disk is full" in full.stderr and "nothing was lost"
              in full.stderr and "restore" not in full.stderr and kept == 5 and _clean(full))
        return Row("24.13", [first, full, listed], full.code, ok, f"{kept}/5 kept")
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


SCENARIOS: dict[str, Callable[[Path, int], Row]] = {
    "i24-1-concurrent-first-use": s_concurrent,
    "i24-2-terminal-escapes": s_terminal,
    "i24-3-markdown-report-links": s_markdown_report,
    "i24-4-store-path-file-or-missing": s_store_path,
    "i24-5-output-empty-or-stdout": s_output_paths,
    "i24-7-kill-9-daily": s_kill_daily,
    "i24-8-controls-archive-feedlink": s_archive_controls,
    "i24-9-delivery-deadline": s_deadline,
    "i24-10-suite-files": s_suites,
    "i24-11-injected-instructions": s_injection,
    "i24-13-disk-full": s_disk_full,
}


def _ingest_row(name: str, folder: Path) -> Row:
    item, make = INGEST[name]
    goods = _goods(folder)
    bad = make(folder) if make else None
    run = digest("ingest", "--json", *([bad] if bad else []), *goods, env=_env(folder / "home"))
    report = json.loads(run.stdout) if run.stdout.strip().startswith("{") else {}
    outcomes = report.get("outcomes", [])
    added = sum(1 for o in outcomes if o["status"] == "added" and "good" in o["source"])
    bad_added = any(o["status"] == "added" and "good" not in o["source"] for o in outcomes)
    said = [o["reason"] for o in outcomes if o["status"] == "failed"]
    said += [w["warning"] for w in report.get("warnings", [])]
    note = f"{added}/10 good{', bad kept' if bad_added else ''}; {said[0][:60] if said else ''}"
    ok = added == 10 and "Traceback" not in run.stderr
    if item.startswith("24"):
        ok &= bad_added  # issue 24: the field goes, the article stays
    return Row(item or "-", [run], run.code, ok, note)


def out(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="row names (default: all)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the concurrency row")
    parser.add_argument("--list", action="store_true", help="print the row names")
    args = parser.parse_args()
    names = args.only or [*INGEST, *SCENARIOS]
    if args.list:
        out("\n".join([*INGEST, *SCENARIOS]))
        return
    out(f"{'row':34} {'item':>5} {'seconds':>8} {'bad s':>6} {'peak MB':>8} {'exit':>4} "
        f"{'ok':>3}  note")
    failed, baseline = 0, 0.0
    for name in names:
        with tempfile.TemporaryDirectory() as tmp:
            row = (_ingest_row(name, Path(tmp)) if name in INGEST
                   else SCENARIOS[name](Path(tmp), args.rounds))
        seconds = max((r.seconds for r in row.runs), default=0.0)
        baseline = seconds if name == "good-only" else baseline
        own = seconds - baseline if name in INGEST else seconds  # the bad input's own time
        peak = max((r.peak_kb for r in row.runs), default=0) / 1024
        within = peak < LIMIT_MB and (own <= ROW_LIMIT_S.get(name, LIMIT_S)
                                      or name.startswith("i24-9"))  # judged by its deadline
        good = row.ok and within
        failed += not good
        out(f"{name:34} {row.item:>5} {seconds:8.1f} {own:6.1f} {peak:8.0f} {row.code:>4} "
            f"{'yes' if good else 'NO':>3}  {row.note}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
