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


def _default_home() -> Path:
    return Path(user_data_dir("digest", appauthor=False))


class Settings(BaseSettings):
    """Everything a run can be configured with. Builds no clients (see ``app.py``)."""

    model_config = SettingsConfigDict(env_prefix="DIGEST_", extra="forbid", populate_by_name=True)

    home: Path = Field(default_factory=_default_home, description="data directory")
    store: Path | None = Field(default=None, description="Chroma directory (default HOME/chroma)")
    chroma_url: str | None = Field(default=None, description="Chroma server, e.g. http://host:8000")
    collection: str = "digest"

    embeddings: Literal["minilm", "openai"] = "minilm"
    openai_embedding_model: str = "text-embedding-3-small"
    embed_batch_size: int = 32

    chunk_size: int = Field(default=800, description="max characters per chunk")
    chunk_overlap: int = Field(default=160, description="characters of sentence overlap")
    near_duplicate_threshold: float = Field(default=0.7, description="MinHash Jaccard")

    http_timeout: float = 15.0
    http_max_bytes: int = 5_000_000
    user_agent: str = "digest/0.1 (+https://example.invalid/digest; news briefing bot)"

    openai_api_key: str | None = Field(
        default=None, validation_alias=AliasChoices("DIGEST_OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DIGEST_OPENAI_BASE_URL", "OPENAI_BASE_URL")
    )
    writer: Literal["auto", "llm", "extractive"] = Field(
        default="auto", description="auto: llm when OPENAI_API_KEY/OPENAI_BASE_URL is set")
    llm_model: str = "gpt-4o-mini"
    llm_timeout: float = 60.0

    @property
    def store_path(self) -> Path:
        """Where the embedded Chroma keeps its files."""
        return self.store or (self.home / "chroma")
