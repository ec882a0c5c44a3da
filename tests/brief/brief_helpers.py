"""Constants shared by the brief tests (a plain module: conftest names collide across folders)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

NOW = datetime(2026, 5, 21, 6, 0, tzinfo=UTC)
TOPIC = "Putin arrival in China"
MARKER = re.compile(r"\[(\d+(?:, \d+)*)\]")
SOURCE_LINE = re.compile(r"^- \[(\d+)\] (.+) — (.+) \((\d{4}-\d{2}-\d{2})\) (https?://\S+)$")


def check_structure(text: str) -> None:
    """The rules every Markdown digest follows, whatever its prose."""
    lines = text.splitlines()
    assert lines[0].startswith("# ") and lines[1] == ""
    assert lines[2].startswith("*Written by the ") and lines[2].endswith("*")
    assert re.search(r" UTC · (verified: \d+ of \d+ sentences supported by their cited passages "
                     r"\(judge: [\w:.-]+\)|not verified)", lines[2]), lines[2]
    headings = [line for line in lines if line.startswith("#")]
    flagged = "## Unverified sentences" in headings  # footnotes of ⚠-marked sentences
    headings = [h for h in headings if h != "## Unverified sentences"]
    assert headings[1:] in (["## Sources"], ["## Where sources differ", "## Sources"])
    assert lines[4].startswith("**") and lines[4].endswith("**")  # headline summary
    sources_at = lines.index("## Sources")
    entries = [line for line in lines[sources_at + 1 :] if line.startswith("- [")]
    numbers = [int(SOURCE_LINE.match(line).group(1)) for line in entries]  # type: ignore[union-attr]
    assert numbers == list(range(1, len(entries) + 1))
    prose = [line for line in lines[4:sources_at] if line and not line.startswith("#")
             and not line.startswith("- ⚠")]
    assert flagged == any(line.startswith("- ⚠") for line in lines[4:sources_at])
    cited = []
    for line in prose:
        # every sentence (or clause of a differences item) ends with its marker
        assert re.search(r"\[\d+(?:, \d+)*\]\.?\**$", line), line
        for match in MARKER.finditer(line):
            cited += [int(n) for n in match.group(1).split(", ")]
    assert set(cited) == set(numbers)  # no marker without a source, no uncited source
    assert list(dict.fromkeys(cited)) == sorted(set(cited))  # numbered by first citation
