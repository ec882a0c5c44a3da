"""Building the chat model from Settings, price estimates, and showing passages to the model."""

from __future__ import annotations

import pytest

from digest.app import build_chat_model
from digest.briefing import Passage
from digest.config import Settings
from digest.errors import ConfigError
from digest.llm import estimate_cost, price_for
from digest.models import Chunk, StoredArticle
from digest.write.llm import show_passages


def test_chat_model_from_settings_has_our_timeout_and_no_client_retries() -> None:
    settings = Settings(openai_base_url="http://127.0.0.1:9/v1", llm_timeout=7.5)
    model = build_chat_model(settings, "llama3.1:8b")
    assert model.model_name == "llama3.1:8b"
    assert model.openai_api_base == "http://127.0.0.1:9/v1"
    assert model.max_retries == 0 and model.request_timeout == 7.5
    assert build_chat_model(settings).model_name == settings.llm_model


def test_no_llm_configured_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        build_chat_model(Settings())


@pytest.mark.parametrize(("model", "expected"), [
    ("gpt-4o-mini", (0.15, 0.60)),
    ("gpt-4o-mini-2024-07-18", (0.15, 0.60)),  # dated name: longest prefix, not gpt-4o
    ("gpt-4o", (2.50, 10.00)),
    ("openai/gpt-4.1-mini", (0.40, 1.60)),
    ("gpt-4o-minimal", None),
    ("llama3.1:8b", None),
    (None, None),
])
def test_price_lookup(model: str | None, expected: tuple[float, float] | None) -> None:
    assert price_for(model) == expected


def test_cost_estimate() -> None:
    assert estimate_cost("gpt-4o-mini", 1_000_000, 1_000_000) == pytest.approx(0.75)
    assert estimate_cost("unknown-local", 10, 10) is None


def _passage(pid: str, text: str, start: int, article: StoredArticle) -> Passage:
    chunk = Chunk(id=f"{article.id}:{start}", article_id=article.id, text=text, start=start,
                  end=start + len(text), position=start)
    return Passage(id=pid, chunk=chunk, article=article)


def test_show_passages_groups_by_article_and_shows_overlap_once() -> None:
    a = StoredArticle(id="a1", outlet="Harbor Wire Service", title="T", content_hash="h", chunks=2)
    b = StoredArticle(id="b2", outlet="Northern Ledger", title="U", content_hash="h", chunks=1)
    article = "One. Two. Three. Four."
    first = _passage("X1", article[:10], 0, a)  # "One. Two. "
    second = _passage("X2", article[5:], 5, a)  # overlaps "Two. "
    other = _passage("X3", "Other text.", 0, b)
    shown = show_passages([first, other, second])
    assert [g["outlet"] for g in shown] == ["Harbor Wire Service", "Northern Ledger"]
    items = [i for g in shown for i in g["passages"]]
    assert [(i["id"], i["passage_id"]) for i in items] == [("P1", "X1"), ("P2", "X2"), ("P3", "X3")]
    assert items[1]["text"] == "Three. Four."  # the shared "Two. " is shown once
    assert items[1]["text"] in second.chunk.text  # still a part of its own chunk
