"""Hostile input (issue 13): each case fails or warns about its own source, and the rest lands.

Everything runs through ``digest ingest --json BAD GOOD`` (or the library where the CLI adds
nothing), with small limits set through the same ``DIGEST_LIMITS__*`` knobs a user has.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ingest_helpers import article_md, generated_body, ingest_json, run_cli
from typer.testing import CliRunner

GOOD = article_md("Harbour reopens", generated_body(1, paragraphs=1),
                  url="https://good.example.com/harbour")
BODY = generated_body(2, paragraphs=1)
ALIAS_BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]"
       for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
)


def _run(cli: CliRunner, tmp_path: Path, *bad: str) -> tuple[int, dict]:
    good = tmp_path / "good.md"
    good.write_text(GOOD)
    code, report = ingest_json(cli, *bad, str(good))
    added = [o["source"] for o in report["outcomes"] if o["status"] == "added"]
    assert str(good) in added, report
    return code, report


def _failure(report: dict, source: str) -> str:
    (reason,) = [o["reason"] for o in report["outcomes"]
                 if o["status"] == "failed" and o["source"] == source]
    return reason


def _warnings(report: dict) -> list[str]:
    return [w["warning"] for w in report["warnings"]]


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_json_nested_100000_deep_fails_alone(tmp_path: Path, cli: CliRunner, suffix: str) -> None:
    deep = tmp_path / f"deep{suffix}"
    deep.write_text("[" * 100_000 + "]" * 100_000 + "\n")
    code, report = _run(cli, tmp_path, str(deep))
    assert code == 0
    source = str(deep) + (":1" if suffix == ".jsonl" else "")
    assert "nested too deeply" in _failure(report, source)


def test_yaml_alias_bomb_is_refused(tmp_path: Path, cli: CliRunner) -> None:
    bomb = tmp_path / "bomb.md"
    bomb.write_text(f"---\n{ALIAS_BOMB}\n---\n{BODY}\n")
    assert len(ALIAS_BOMB) < 600  # expands to 9**9 strings when aliases are followed
    code, report = _run(cli, tmp_path, str(bomb))
    assert "aliases" in _failure(report, str(bomb))


def test_front_matter_over_the_size_limit(tmp_path: Path, cli: CliRunner,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGEST_LIMITS__MAX_FRONT_MATTER_BYTES", "200")
    big = tmp_path / "big.md"
    big.write_text("---\ntitle: " + "x" * 300 + f"\n---\n{BODY}\n")
    code, report = _run(cli, tmp_path, str(big))
    assert "MAX_FRONT_MATTER_BYTES" in _failure(report, str(big))


def test_file_over_the_size_limit(tmp_path: Path, cli: CliRunner,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGEST_LIMITS__MAX_FILE_BYTES", "2000")
    huge = tmp_path / "huge.txt"
    huge.write_text("word " * 1000)
    code, report = _run(cli, tmp_path, str(huge))
    assert "file too large: 5,000 bytes > limit 2,000" in _failure(report, str(huge))


def test_invalid_url_in_front_matter_is_a_warning_not_a_failure(
    tmp_path: Path, cli: CliRunner
) -> None:
    odd = tmp_path / "odd.md"
    odd.write_text(article_md("Odd", BODY, url='"http://[oops/x"'))
    code, report = _run(cli, tmp_path, str(odd))
    assert [o["status"] for o in report["outcomes"]] == ["added", "added"]
    assert any("not a valid URL" in w for w in _warnings(report))


@pytest.mark.parametrize(
    ("published", "said"),
    [("tomorrow", "not a date"), ("99999-01-01", "not a date"),
     ("9999-12-31", "outside"), ("0001-01-01", "outside")],
)
def test_implausible_dates_are_dropped_with_a_warning(
    tmp_path: Path, cli: CliRunner, published: str, said: str
) -> None:
    dated = tmp_path / "dated.md"
    dated.write_text(article_md("Dated", BODY, published=published))
    code, report = _run(cli, tmp_path, str(dated))
    assert any(said in w and published in w for w in _warnings(report))
    listed = [json.loads(line) for line in run_cli(cli, "sources", "--json").stdout.splitlines()]
    assert [a["published"] for a in listed if a["title"] == "Dated"] == [None]


def test_json_title_that_is_an_object_is_not_stringified(tmp_path: Path, cli: CliRunner) -> None:
    record = tmp_path / "record.json"
    record.write_text(json.dumps({"title": {"x": 1}, "text": BODY, "outlet": "Wire"}))
    code, report = _run(cli, tmp_path, str(record))
    assert any("title is a dict" in w for w in _warnings(report))
    listed = [json.loads(line) for line in run_cli(cli, "sources", "--json").stdout.splitlines()]
    assert {a["title"] for a in listed} == {"Harbour reopens", None}


def test_html_nested_10000_deep_still_yields_its_paragraph(tmp_path: Path, cli: CliRunner) -> None:
    paragraph = ("The council approved the new budget for the harbour bridge after a long "
                 "debate on Tuesday evening, the mayor's office said. ") * 3
    page = tmp_path / "deep.html"
    page.write_text(f"<html><head><title>Deep</title></head><body>{'<div>' * 10_000}"
                    f"<p>{paragraph}</p>{'</div>' * 10_000}</body></html>")
    code, report = _run(cli, tmp_path, str(page))
    assert str(page) in [o["source"] for o in report["outcomes"] if o["status"] == "added"]
    assert any("nested" in w for w in _warnings(report))


def test_a_folder_with_nothing_ingestible_says_why(tmp_path: Path, cli: CliRunner) -> None:
    folder = tmp_path / "pictures"
    folder.mkdir()
    (folder / "a.png").write_bytes(b"\x89PNG")
    result = run_cli(cli, "ingest", str(folder))
    assert result.exit_code == 1
    assert "no files digest can read" in " ".join(result.output.split())


def test_overlap_not_smaller_than_size_is_refused(tmp_path: Path, cli: CliRunner) -> None:
    good = tmp_path / "good.md"
    good.write_text(GOOD)
    result = run_cli(cli, "ingest", "--chunk-overlap", "200", "--chunk-size", "100", str(good))
    assert result.exit_code == 2
    assert "must be smaller than the chunk size" in " ".join(result.output.split())


def test_feed_links_that_are_not_public_http_are_refused(tmp_path: Path, cli: CliRunner) -> None:
    links = ["http://127.0.0.1:9/a", "http://localhost/b", "http://169.254.169.254/latest",
             "file:///etc/passwd", "http://[bad-ipv6/2"]
    long = generated_body(3, paragraphs=3).replace("\n\n", " ")  # full text: no page fetch
    items = "".join(
        f"<item><title>Item {i}</title><link>{link}</link><description>{long}</description></item>"
        for i, link in enumerate([*links, "https://public.example.com/ok"])
    )
    feed = tmp_path / "feed.rss"
    feed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
                    f"{items}</channel></rss>")
    code, report = _run(cli, tmp_path, str(feed))
    failed = {o["source"]: o["reason"] for o in report["outcomes"] if o["status"] == "failed"}
    assert len(failed) == len(links)  # (feedparser writes file:///x as file://x)
    assert "https://public.example.com/ok" in [o["source"] for o in report["outcomes"]
                                               if o["status"] == "added"]
    assert "local or private" in failed["http://169.254.169.254/latest"]
    assert "not http(s)" in failed["file://etc/passwd"]
    assert "not a valid URL" in failed["http://[bad-ipv6/2"]


def test_untrusted_text_is_printed_as_written(tmp_path: Path, cli: CliRunner) -> None:
    weird = tmp_path / "[/x]"
    weird.mkdir(parents=True)  # a path containing "[/x]"
    (weird / "empty.md").write_text("")
    titles = ["Closing tag [/] in a title", "vote [click](javascript:alert(1))"]
    for i, title in enumerate(titles):
        (tmp_path / f"t{i}.md").write_text(article_md(title, generated_body(30 + i, 1)))
    result = run_cli(cli, "ingest", str(weird), *(str(tmp_path / f"t{i}.md") for i in range(2)))
    assert result.exit_code == 0, result.output
    assert f"failed {weird / 'empty.md'}" in " ".join(result.output.split())
    table = run_cli(cli, "sources")
    assert table.exit_code == 0 and "[/]" in table.stdout
    listed = run_cli(cli, "sources", "--json")
    assert {json.loads(line)["title"] for line in listed.stdout.splitlines()} == set(titles)
