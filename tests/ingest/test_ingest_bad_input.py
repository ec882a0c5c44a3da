"""Bad input through the CLI: each is reported with its path and reason, and the rest lands.

Every case runs ``digest ingest BAD GOOD`` in one invocation and checks the JSON report (source
and reason of the failure), the human report, the exit code, and that the good article is in
the store afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from ingest_helpers import (
    FIXTURES,
    LocalServer,
    article_md,
    generated_body,
    ingest_json,
    run_cli,
    squash,
)
from typer.testing import CliRunner

from digest.embed import MiniLMEmbedder
from digest.errors import SourceError
from digest.ingest.pipeline import ingest
from digest.store import Store, open_client

GOOD = article_md("Harbour reopens", generated_body(1, paragraphs=1),
                  url="https://good.example.com/harbour")

Maker = Callable[[Path, LocalServer], tuple[str, str]]  # -> (source argument, failure source)


def _file(name: str, data: bytes) -> Maker:
    def make(tmp: Path, _: LocalServer) -> tuple[str, str]:
        path = tmp / name
        path.write_bytes(data)
        return str(path), str(path)
    return make


def _fixture(name: str, failing_suffix: str = "") -> Maker:
    def make(_: Path, __: LocalServer) -> tuple[str, str]:
        path = FIXTURES / name
        return str(path), str(path) + failing_suffix
    return make


def _url(path: str, **route: object) -> Maker:
    def make(_: Path, server: LocalServer) -> tuple[str, str]:
        if route:
            server.add(path, **route)  # type: ignore[arg-type]
        return server.base + path, server.base + path
    return make


CASES = [
    pytest.param(_file("empty.md", b""), "empty file", id="empty-file"),
    pytest.param(_file("blank.txt", b"  \n\n \t\n"), "empty file", id="whitespace-only-file"),
    pytest.param(_file("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
                 "binary file", id="binary-file"),
    pytest.param(_file("latin1.txt", "Caf\u00e9 society met in Z\u00fcrich.".encode("latin-1")),
                 "not valid UTF-8", id="non-utf8-text"),
    pytest.param(_file("bad-yaml.md", b"---\ntitle: [unclosed\n---\nText body here."),
                 "invalid YAML front matter", id="broken-front-matter"),
    pytest.param(_fixture("no_body.html"), "no article body", id="html-without-article"),
    pytest.param(_fixture("records_one_broken.jsonl", ":2"), "malformed JSON line",
                 id="malformed-json-line"),
    pytest.param(_file("broken.json", b'[{"text": "A record."}, {"text": '), "malformed JSON",
                 id="malformed-json-array"),
    pytest.param(_fixture("malformed_feed.rss", "#entry0"), "malformed feed", id="malformed-feed"),
    pytest.param(_url("/missing"), "HTTP 404", id="url-404"),
    pytest.param(_url("/slow", body=(FIXTURES / "article_jsonld.html").read_bytes(), delay=1.5),
                 "timed out", id="url-timeout"),
    pytest.param(_url("/huge", body=b"<p>" + b"z" * 60_000 + b"</p>"), "too large",
                 id="url-oversized"),
]


@pytest.mark.parametrize(("make", "reason"), CASES)
def test_bad_source_is_reported_and_the_rest_of_the_run_lands(
    make: Maker, reason: str, tmp_path: Path, http_server: LocalServer, cli: CliRunner,
    monkeypatch: pytest.MonkeyPatch, embedder: MiniLMEmbedder,
) -> None:
    monkeypatch.setenv("DIGEST_HTTP_TIMEOUT", "0.3")
    monkeypatch.setenv("DIGEST_HTTP_MAX_BYTES", "20000")
    good = tmp_path / "good.md"
    good.write_text(GOOD)
    bad, failing = make(tmp_path, http_server)

    code, report = ingest_json(cli, "--strict", bad, str(good))

    assert code == 1, "--strict: one failure makes the run fail, after ingesting the rest"
    failures = [o for o in report["outcomes"] if o["status"] == "failed"]
    assert [f["source"] for f in failures] == [failing]
    assert reason in failures[0]["reason"]
    assert str(good) in [o["source"] for o in report["outcomes"] if o["status"] == "added"]
    stored = Store(open_client(path=str(tmp_path / "digest-home" / "chroma")), embedder)
    assert "https://good.example.com/harbour" in [a.url for a in stored.articles()]


def test_human_report_names_path_and_reason_and_exits_zero(tmp_path: Path, cli: CliRunner) -> None:
    good = tmp_path / "good.md"
    good.write_text(GOOD)
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Caf\u00e9 in Z\u00fcrich.".encode("latin-1"))
    result = run_cli(cli, "ingest", str(latin), str(good))
    assert result.exit_code == 0
    expected = f"failed {latin}: not valid UTF-8 (byte 0xe9 at offset 3)"
    assert squash(expected) in squash(result.output)
    summary = "added 1, updated 0, unchanged 0, duplicates 0, failed 1"
    assert summary in " ".join(result.output.split())


def test_malformed_json_line_does_not_stop_its_siblings(tmp_path: Path, cli: CliRunner) -> None:
    code, report = ingest_json(cli, str(FIXTURES / "records_one_broken.jsonl"))
    assert code == 0
    assert sorted(o["source"].rsplit(":", 1)[1] for o in report["outcomes"]
                  if o["status"] == "added") == ["1", "3"]


def test_nothing_ingested_exits_non_zero(tmp_path: Path, cli: CliRunner) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run_cli(cli, "ingest", str(tmp_path / "empty.txt"), str(tmp_path / "absent.md"))
    assert result.exit_code == 1
    assert "no such file" in result.output and "empty file" in result.output


def test_one_broken_file_in_a_folder_of_fifty(tmp_path: Path, cli: CliRunner) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for i in range(50):
        (folder / f"{i:02d}.md").write_text(
            article_md(f"Story {i}", generated_body(100 + i, paragraphs=1, sentences=1),
                       url=f"https://fifty.example.com/{i}")
        )
    (folder / "31.md").write_bytes(b"\x00\x01\x02 not text \xff\xfe")
    code, report = ingest_json(cli, str(folder))
    assert code == 0
    assert report["counts"]["added"] == 49 and report["counts"]["failed"] == 1
    (failure,) = [o for o in report["outcomes"] if o["status"] == "failed"]
    assert failure["source"] == str(folder / "31.md") and "binary" in failure["reason"]
    listed = run_cli(cli, "sources", "--json").stdout.strip().splitlines()
    assert len(listed) == 49


def test_file_that_vanishes_mid_run(tmp_path: Path, embedder: MiniLMEmbedder) -> None:
    """The folder listing is taken first; a file deleted before it is read is reported."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.md").write_text(article_md(name, generated_body(ord(name), 1)))
    doomed = folder / "b.md"

    def on_source(label: str) -> None:
        if label == str(doomed):
            doomed.unlink()  # another process removed it between listing and reading

    store = Store(open_client(path=str(tmp_path / "chroma")), embedder)
    report = ingest([str(folder)], store=store, fetcher=None, on_source=on_source)
    assert {o.source: o.status for o in report.outcomes} == {
        str(folder / "a.md"): "added", str(doomed): "failed", str(folder / "c.md"): "added",
    }
    assert "vanished" in (report.failures[0].reason or "")
    assert len(store.articles()) == 2


def test_unreadable_file_is_reported(tmp_path: Path, embedder: MiniLMEmbedder) -> None:
    """A path that exists but cannot be read (a directory named like a file) fails alone."""
    odd = tmp_path / "folder.md"
    odd.mkdir()
    from digest.ingest.readers import read_file

    (result,) = list(read_file(odd, None))
    assert isinstance(result, SourceError) and result.source == str(odd)
