"""The composition root (issue 22): one spec parser, one factory table, services built once and
only when used, every judge behind the verbatim-first step."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.app import JUDGE_FACTORIES, Services
from digest.config import Settings
from digest.errors import ConfigError
from digest.judges.spec import JudgeSpec


@pytest.mark.parametrize(("name", "model", "expected"), [
    ("llm:qwen2.5:7b", None, JudgeSpec("llm", "qwen2.5:7b")),  # Ollama names keep their colon
    ("llm", "m1", JudgeSpec("llm", "m1")),
    ("LLM:m1", "m1", JudgeSpec("llm", "m1")),
    ("minicheck", None, JudgeSpec("minicheck", None)),
    ("embedded", None, JudgeSpec("embedded", None)),
])
def test_a_judge_name_is_parsed_once_the_same_way(name: str, model: str | None,
                                                  expected: JudgeSpec) -> None:
    assert JudgeSpec.parse(name, model) == expected


def test_contradictory_or_pointless_models_are_errors() -> None:
    with pytest.raises(ConfigError, match="two different models"):
        JudgeSpec.parse("llm:a", "b")
    with pytest.raises(ConfigError, match="not 'embedded'"):
        JudgeSpec.parse("embedded", "gpt-4o-mini")


def test_the_llm_judge_defaults_to_the_writers_model() -> None:
    assert JudgeSpec.parse("llm").with_default_model("w") == JudgeSpec("llm", "w")
    assert JudgeSpec.parse("llm:j").with_default_model("w") == JudgeSpec("llm", "j")
    assert JudgeSpec.parse("trained").with_default_model("w") == JudgeSpec("trained")


def test_services_build_once_and_only_what_is_used(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    services = Services(settings)
    judge = services.judge("embedded")
    assert services.judge("embedded") is judge  # built once per spec
    assert not settings.store_path.exists()  # a judge alone never opens the store
    assert services.store is services.store
    assert settings.store_path.is_dir()


def test_unknown_judges_name_every_known_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as error:
        Services(Settings(home=tmp_path)).judge("nope")
    assert all(kind in str(error.value) for kind in JUDGE_FACTORIES)


def test_every_judge_settles_a_verbatim_sentence_without_its_model(tmp_path: Path) -> None:
    """The factory wraps each engine in the verbatim-first step (digest/judges/verbatim.py):
    a sentence that stands in its cited passage is supported, with its exact span, even by an
    LLM judge whose server does not exist (no request is made)."""
    settings = Settings(home=tmp_path, openai_base_url="http://127.0.0.1:9/v1")
    source = "Officials said on Tuesday that the talks would resume in Beijing next week."
    claim = "The talks would resume in Beijing next week [1]."
    for name in ("embedded", "llm:any-model"):
        judgement = Services(settings).judge(name).judge(claim, [source])
        assert judgement.probability == 1.0
        assert source[judgement.start:judgement.end].startswith("the talks would resume")


def test_close_frees_every_judge_it_built(tmp_path: Path) -> None:
    services = Services(Settings(home=tmp_path))
    judge = services.judge("trained")
    judge.judge("Talks resumed in Beijing.", ["The ministers met in Moscow on Monday."])
    assert judge.inner._encoder is not None  # loaded at first use
    services.close()
    assert judge.inner._encoder is None
    assert services.judge("trained") is not judge  # a later use builds it afresh
