"""JSON, Markdown and HTML reports are well-formed and carry verdicts and evidence."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from rich.console import Console

from digest.evaluate import evaluate_digest
from digest.evaluate.report import render

DIGEST = """Putin arrived in Tianjin on Wednesday [1].
Putin arrived in Moscow on Friday [1].
Xi Jinping hosted the summit [3, 2].
The U.S. was not invited [7].
This marks a historic shift with <b>markup</b> & pipes | here.

## Sources

1. Arrival
2. Trade
3. Summit
"""


@pytest.fixture
def report(make_digest, sources_dir, judge):
    return evaluate_digest(make_digest(DIGEST), judge=judge, sources=sources_dir)


class _Collector(HTMLParser):
    """Collects tags, classes and text; fails on unbalanced tags."""

    VOID = {"meta", "br", "link", "img", "hr", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.classes: set[str] = set()
        self.titles: list[str] = []
        self.text: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.add(tag)
        attributes = dict(attrs)
        self.classes.update((attributes.get("class") or "").split())
        if "title" in attributes and tag == "span":
            self.titles.append(attributes["title"] or "")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data) -> None:
        self.text.append(data)


def test_json_report(report) -> None:
    data = json.loads(render(report, "json"))
    verdicts = [s["verdict"] for s in data["sentences"]]
    assert verdicts == ["supported", "unsupported", "supported", "out_of_range", "uncited"]
    # the uncited sentence is uncited, not an unsupported checkable one: 2 of 4
    assert data["metrics"]["citation_recall"]["value"] == pytest.approx(2 / 4)
    assert [s["index"] for s in data["sentences"]] == [1, 2, 3, 4, 5]  # rows from 1
    evidence = data["sentences"][0]["evidence"][0]
    assert evidence["text"] == "Putin arrived in Tianjin on Wednesday." and evidence["start"] == 0
    assert data["sentences"][4]["flags"][0]["trigger"] == "historic"


def test_json_nan_is_null(make_digest) -> None:
    data = json.loads(render(evaluate_digest(make_digest("Cited [1].\n"), judge=None), "json"))
    assert data["metrics"]["citation_precision"]["value"] is None
    assert data["metrics"]["citation_recall"]["value"] is None


def test_html_report_is_well_formed_and_coloured(report) -> None:
    html = render(report, "html")
    parser = _Collector()
    parser.feed(html)
    parser.close()
    assert parser.stack == []
    assert {"html", "head", "style", "body", "table"} <= parser.tags
    assert "script" not in parser.tags and "http" not in html.split("<body>")[0]
    assert {
        "verdict-supported",
        "verdict-unsupported",
        "verdict-out_of_range",
        "verdict-uncited",
        "flagged",
    } <= parser.classes
    # the evidence is there on hover (title attribute and tooltip) for the supported sentence
    assert any(
        "Putin arrived in Tianjin on Wednesday." in t and "[1] p=" in t for t in parser.titles
    )
    assert "Xi Jinping hosted the summit." in "".join(parser.text)
    assert "Uncited sentences" in html
    # sentence text is escaped, never injected
    assert "<b>markup</b>" not in html and "&lt;b&gt;markup&lt;/b&gt;" in html


def test_markdown_report(report) -> None:
    md = render(report, "md")
    assert md.startswith("# Faithfulness report")
    assert "| citation recall (ALCE) | 50.0% |" in md
    assert "## Unsupported sentences and their evidence" in md
    assert "Putin arrived in Moscow on Friday." in md
    assert "IRRELEVANT" in md  # the redundant [2] of the summit sentence
    # pipes inside sentences cannot break the tables: every table row has the same cell count
    rows = [line for line in md.splitlines() if line.startswith("| ") and "verdict" not in line]
    sentence_rows = [r for r in rows if r.count("**") == 2]
    assert sentence_rows and {r.replace("\\|", "").count("|") for r in sentence_rows} == {7}


def test_terminal_table(report) -> None:
    console = Console(record=True, width=200, color_system=None)
    console.print(render(report, "table"))
    text = console.export_text()
    assert "citation recall (ALCE)" in text and "50.0%" in text
    assert "unsupported sentences and their best evidence" in text
    assert "7!" in text  # out-of-range citation marked
