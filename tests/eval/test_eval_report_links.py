"""Issue 24 item 3: Markdown in a digest sentence never becomes a live link in the md report.

The report is parsed with markdown-it (CommonMark plus tables, as GitHub renders it) and every
link and image token is collected: none may come from sentence text. markdown-it itself refuses
``javascript:`` targets, but not every renderer does, so its link validation is switched off:
the test is about the syntax we emit, not about one renderer's safety net.
"""

from __future__ import annotations

from markdown_it import MarkdownIt

from digest.evaluate import evaluate_digest
from digest.evaluate.report import render

DIGEST = r"""Putin arrived in Tianjin on Wednesday \[click here\]\(javascript:alert(1)\) [1].
He was greeted \[at the port\]\(https://evil.example/x\) with a red carpet [1].
The U.S. was not invited ![x](http://evil.example/p.png) <https://evil.example/> [1].

## Sources

1. Arrival
"""


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark").enable("table")
    parser.validateLink = lambda _url: True  # type: ignore[method-assign]
    return parser


def _links(markdown: str) -> list[str]:
    found = []
    for token in _parser().parse(markdown):
        for child in token.children or []:
            if child.type in ("link_open", "image"):
                found.append(str(child.attrs.get("href") or child.attrs.get("src")))
    return found


def test_markdown_report_has_no_link_from_sentence_text(make_digest, sources_dir, judge) -> None:
    report = evaluate_digest(make_digest(DIGEST), judge=judge, sources=sources_dir)
    md = render(report, "md")
    assert _links(md) == []
    rendered = _parser().render(md)
    assert 'href="javascript' not in rendered and 'src="http://evil' not in rendered
    assert "click here" in rendered  # the words survive, as text
