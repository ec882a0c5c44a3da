"""A scripted LLM writer for suite tests and evals/suites/run_neus.py: the OpenAI-compatible
stub (tests/llm/openai_stub.py, real HTTP) answers every writer request with a draft built from
the passages it was shown — the first sentence of each passage, cited to that passage, except
that every third sentence cites a passage of another article shown before it (the commonest
real LLM citation error; a passage of the *same* article would still be a right citation).
Asked to repair (``brief_fix.j2``: "Sentences to fix"), it cites the passage that says it.

A prompt directory whose system prompt contains :data:`PLANTED` gets a planted regression:
every sentence cites the first passage only, as a prompt change that breaks citations would.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "llm"))

from openai_stub import OpenAIStub, Recorded, Reply, reply  # noqa: E402

from digest.sentences import split_sentences  # noqa: E402
from digest.prompts import default_prompts_dir  # noqa: E402

PLANTED = "PLANTED-REGRESSION: cite only the first passage."
_PASSAGE = re.compile(r'<passage id="(P\d+)">\s*(.*?)\s*</passage>', re.DOTALL)
_ARTICLE = re.compile(r"<article>(.*?)</article>", re.DOTALL)


def _article_of(text: str) -> dict[str, int]:
    """Passage id -> index of the ``<article>`` block that shows it."""
    return {pid: n for n, block in enumerate(_ARTICLE.findall(text))
            for pid, _body in _PASSAGE.findall(block)}


def _other_article(passages: list[tuple[str, str]], i: int, article: dict[str, int]) -> str:
    """The nearest passage before ``i`` (else after it) from another article; ``i``'s own id
    when every passage comes from one article."""
    mine = article.get(passages[i][0])
    order = [*range(i - 1, -1, -1), *range(i + 1, len(passages))]
    return next((passages[j][0] for j in order if article.get(passages[j][0]) != mine),
                passages[i][0])


_FIX = re.compile(r'^(\d+)\. "(.*)" cites ', re.MULTILINE)


def _repairs(text: str, passages: list[tuple[str, str]]) -> Reply:
    repairs = []
    for index, sentence in _FIX.findall(text):
        right = next((pid for pid, body in passages if sentence in body), None)
        repairs.append({"index": int(index), "text": sentence if right else "",
                        "passage_ids": [right] if right else []})
    return reply({"repairs": repairs})


def draft_from_passages(recorded: Recorded) -> Reply:
    text = recorded.text()
    passages = _PASSAGE.findall(text)
    if "Sentences to fix:" in text:
        return _repairs(text, passages)
    if not passages:
        return reply({"sentences": []})
    planted = PLANTED in text
    article = _article_of(text)
    sentences = []
    for i, (pid, body) in enumerate(passages[:6]):
        spans = split_sentences(body)
        if not spans:
            continue
        cited = (passages[0][0] if planted
                 else _other_article(passages, i, article) if i % 3 == 2 else pid)
        sentences.append({"text": spans[0].text, "passage_ids": [cited],
                          "section": "summary" if i == 0 else "body"})
    return reply({"sentences": sentences})


def start_stub() -> OpenAIStub:
    return OpenAIStub(responder=draft_from_passages).start()


def planted_prompts(folder: Path) -> Path:
    """A copy of the shipped prompts whose system prompt carries the planted regression."""
    folder.mkdir(parents=True, exist_ok=True)
    for template in default_prompts_dir().glob("*.j2"):
        shutil.copy(template, folder / template.name)
    system = folder / "brief_system.j2"
    system.write_text(system.read_text(encoding="utf-8") + "\n" + PLANTED + "\n",
                      encoding="utf-8")
    return folder
