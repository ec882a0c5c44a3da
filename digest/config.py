"""Settings, loaded once by the CLI and passed down; no other module reads the environment.

Every field can be set as ``DIGEST_<NAME>``; the OpenAI fields also accept the standard
``OPENAI_API_KEY`` / ``OPENAI_BASE_URL`` so existing setups work unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from digest.limits import Limits

# Defaults used outside Settings too (library functions called without a Settings object).
# Each lives here once; the README explains the choices.
CHUNK_SIZE = 800  # characters: ~170-200 MiniLM word pieces, inside its 256-token window
CHUNK_OVERLAP = 160  # about one sentence, so a claim across a boundary is still in one chunk
NEAR_DUPLICATE_THRESHOLD = 0.7  # MinHash Jaccard over word 5-shingles: a republished wire copy
STORY_SIMILARITY = 0.78  # cosine between article vectors above which they are one story


def _default_home() -> Path:
    return Path(user_data_dir("digest", appauthor=False))


class Settings(BaseSettings):
    """Everything a run can be configured with. Builds no clients (see ``app.py``)."""

    model_config = SettingsConfigDict(env_prefix="DIGEST_", extra="forbid", populate_by_name=True,
                                      env_nested_delimiter="__")

    home: Path = Field(default_factory=_default_home, description="data directory")
    store: Path | None = Field(default=None, description="Chroma directory (default HOME/chroma)")
    chroma_url: str | None = Field(default=None, description="Chroma server, e.g. http://host:8000")
    collection: str = "digest"

    embeddings: Literal["minilm", "openai"] = "minilm"
    openai_embedding_model: str = "text-embedding-3-small"
    embed_batch_size: int = 8  # texts per onnxruntime run: the peak-memory knob (digest.embed)

    chunk_size: int = Field(default=CHUNK_SIZE, description="max characters per chunk")
    chunk_overlap: int = Field(default=CHUNK_OVERLAP, description="characters of sentence overlap")
    near_duplicate_threshold: float = Field(
        default=NEAR_DUPLICATE_THRESHOLD, description="MinHash Jaccard")

    http_timeout: float = 15.0
    http_max_bytes: int = 5_000_000
    # file size, front matter, HTML depth, feed and run deadlines: DIGEST_LIMITS__<NAME>
    limits: Limits = Field(default_factory=Limits, description="bounds on untrusted input")
    user_agent: str = "digest/0.1 (+https://example.invalid/digest; news briefing bot)"

    openai_api_key: str | None = Field(
        default=None, validation_alias=AliasChoices("DIGEST_OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DIGEST_OPENAI_BASE_URL", "OPENAI_BASE_URL")
    )
    writer: Literal["auto", "llm", "extractive"] = Field(
        default="auto", description="auto: llm when OPENAI_API_KEY/OPENAI_BASE_URL is set")
    judge: str = Field(default="embedded", description="default judge of eval and verification")
    verify: bool = Field(default=True, description="verify sentences before shipping a digest")
    verify_action: Literal["auto", "cut", "flag"] = Field(
        default="auto", description="auto: cut with a judge measured to cut safely, else flag")
    min_supported: float = Field(
        default=0.0, ge=0, le=1, description="fail when fewer sentences ship supported")
    llm_model: str = Field(default="gpt-4o-mini", description="writer and llm-judge model")
    # A CPU model writing from -k 12 passages answers in 40-100 s (issue 14); 300 s fits it.
    llm_timeout: float = Field(default=300.0, description="seconds per LLM request")
    llm_total_timeout: float = Field(
        default=1800.0, description="seconds for all LLM requests of one writer/judge in a run")
    llm_concurrency: int = Field(default=4, ge=1, description="parallel requests (judges)")
    llm_context_tokens: int | None = Field(
        default=None, ge=512, description="the model's context window in tokens; when set, the "
        "writer leaves out its lowest-ranked passages that would not fit (small local models)")
    llm_output_mode: Literal["auto", "json_schema", "json_object", "instruction"] = Field(
        default="auto", description="auto: json_schema, falling back as the server requires")

    @property
    def store_path(self) -> Path:
        """Where the embedded Chroma keeps its files."""
        return self.store or (self.home / "chroma")
