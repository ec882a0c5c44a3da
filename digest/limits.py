"""How much work one source may cost, in one place (knobs: ``DIGEST_LIMITS__<NAME>``).

Article input is untrusted: a 469-byte YAML alias bomb, a JSON file nested 100,000 deep, a 50 MB
line without punctuation or a server that sends one header byte every few seconds must each cost
seconds and megabytes, then become a one-line reason in the ingest report. Every limit names
itself in the message it produces, so a user who needs more knows which knob to turn.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Limits(BaseModel):
    """Per-source and per-run bounds for reading and fetching."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_file_bytes: int = Field(default=20_000_000, gt=0, description="a local file, in bytes")
    max_article_chars: int = Field(default=2_000_000, gt=0, description="one article's text")
    max_front_matter_bytes: int = Field(default=64_000, gt=0, description="YAML header size")
    max_html_depth: int = Field(
        default=200, gt=0, description="deeper HTML is flattened before extraction"
    )
    max_field_chars: int = Field(default=1_000, gt=0, description="title, outlet, author, url")
    request_deadline: float = Field(
        default=60.0, gt=0, description="seconds for one HTTP request, headers and body together"
    )
    feed_deadline: float = Field(
        default=300.0, gt=0, description="seconds for one feed and the pages its entries link to"
    )
    run_deadline: float = Field(
        default=1800.0, gt=0, description="seconds of network time for a whole ingest run"
    )
    allow_private_urls: bool = Field(
        default=False,
        description="let feed entries link to loopback/private/link-local hosts or non-http URLs",
    )
