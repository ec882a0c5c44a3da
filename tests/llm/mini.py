"""Three hand-made passages (no store needed) for the fast LLM-path tests."""

from __future__ import annotations

from digest.briefing import Passage
from digest.models import Chunk, StoredArticle

TEXTS = {
    "a": "Russian President Vladimir Putin arrived in Tianjin on Tuesday for talks with Xi "
         "Jinping, officials said.",
    "b": "Trade between Russia and China reached $245 billion last year, the customs agency "
         "reported.",
    "c": "The visit is expected to last four days, according to the Kremlin.",
}


def mini_passages() -> list[Passage]:
    out = []
    for key, text in TEXTS.items():
        article = StoredArticle(id=f"art-{key}", outlet=f"Outlet {key.upper()}", title=f"T {key}",
                                content_hash=key, chunks=1)
        chunk = Chunk(id=f"art-{key}:0", article_id=article.id, text=text, start=0,
                      end=len(text), position=0)
        out.append(Passage(id=key, chunk=chunk, article=article))
    return out
