"""The daily project file, ``digest.toml``: what to pull, where to write, how to write it.

A project is a directory with a ``digest.toml``. Every relative path in the file is resolved
against the file's own directory, never the current one, so a cron job started from ``$HOME``
reads and writes exactly what an interactive run in the project directory would.
Unknown keys are rejected (``extra="forbid"``): a typo such as ``storys = 3`` must be an
error, not a silently ignored setting.
"""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from digest.config import STORY_SIMILARITY
from digest.daily.targets import Target, unique_names
from digest.errors import ConfigError

logger = logging.getLogger(__name__)

PROJECT_FILE = "digest.toml"

EXAMPLE = """\
# digest.toml: a daily digest project (`digest daily` reads it from the current directory,
# or from `--config PATH`). Relative paths are relative to this file.

# What to pull on every run: folders (walked recursively), files, RSS/Atom feeds, article URLs.
# A source that fails (missing folder, feed down, malformed file) is reported in the digest's
# footer and in the run record; the others still make it in.
sources = [
    "articles",
    # "https://example.com/world/rss.xml",
]

# Where digests go: OUTPUT_DIR/YYYY-MM-DD.md plus its JSON sidecar YYYY-MM-DD.json.
output_dir = "digests"
html = false                  # also write YYYY-MM-DD.html, a self-contained page

# The time zone that names the digest's date and shows its window.
timezone = "UTC"

# Which articles a digest covers, by publication time:
#   "since-last-run": since the last successful run, at most `max_hours` back (default)
#   "day":            the calendar day in `timezone`
window = "since-last-run"
max_hours = 24

# Who writes each story's section: "extractive" (offline, no API key) or "llm"
# (OPENAI_API_KEY / OPENAI_BASE_URL, any OpenAI-compatible server).
writer = "extractive"
# model = "gpt-4o-mini"

stories = 5                   # sections for the N stories with the most independent coverage
passages_per_story = 8        # passages each section's writer sees
topics = []                   # e.g. ["energy", "sanctions"]: covered whenever in the window
# story_similarity = 0.78     # how alike (cosine, 0-1) articles must be to count as one story

# A window with no articles: "write" a short "no new coverage" digest, or "skip" writing.
no_news = "write"

# store = ".digest/chroma"    # Chroma directory (default: $DIGEST_HOME/chroma)
# state_dir = ".digest"       # run records (runs.jsonl, deliveries.jsonl) and the lock

# Delivery, after each `digest daily` (or alone: `digest deliver`). Any number of targets;
# a failed delivery is recorded and retried by the next run, and nothing is sent twice.
# Secrets stay out of this file: targets name the environment variables that hold them
# (`digest schedule --install` copies them into .digest/schedule.env for the scheduled run).
# deliver = []                # (default) no targets; add [[deliver]] tables like these:
#
# [[deliver]]
# name = "inbox"
# type = "email"
# host = "smtp.example.com"
# security = "starttls"       # or "tls" (implicit TLS, port 465), "none" (local relay only)
# port = 587                  # default by security: 587 starttls, 465 tls, 25 none
# username_env = "DIGEST_SMTP_USER"
# password_env = "DIGEST_SMTP_PASSWORD"
# from = "digest@example.com"
# to = ["me@example.com"]
# subject = "{title}: {top_story}"    # fields: date, title, top_story, stories
# on_update = false           # re-send a day whose digest a later run rewrote
#
# [[deliver]]
# name = "team-chat"
# type = "webhook"
# url_env = "DIGEST_SLACK_WEBHOOK"    # the URL is a secret: keep it in the environment
# format = "slack"            # or "json": the whole JSON sidecar
#
# [[deliver]]
# name = "site"
# type = "archive"            # feed.xml (Atom) + index.html + archive/DAY.html in output_dir
# entries = 20                # days in the feed
# base_url = "https://news.example.com/digests/"   # optional: absolute links in the feed
"""


class Project(BaseModel):
    """A validated ``digest.toml``; :meth:`resolved` makes its paths absolute."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: list[str] = Field(default_factory=list)
    output_dir: Path = Path("digests")
    html: bool = False
    timezone: str = "UTC"
    window: Literal["since-last-run", "day"] = "since-last-run"
    max_hours: float = Field(default=24.0, gt=0, le=24 * 31)
    writer: Literal["auto", "extractive", "llm"] | None = None  # None: the settings' default
    model: str | None = None
    stories: int = Field(default=5, ge=1, le=50)
    passages_per_story: int = Field(default=8, ge=1, le=50)
    topics: list[str] = Field(default_factory=list)
    no_news: Literal["write", "skip"] = "write"
    store: Path | None = None
    state_dir: Path = Path(".digest")
    story_similarity: float = Field(
        default=STORY_SIMILARITY, gt=0, le=1,
        description="average cosine similarity above which articles are one story",
    )
    deliver: list[Target] = Field(default_factory=list)  # digest.daily.targets

    @field_validator("deliver")
    @classmethod
    def _unique_targets(cls, value: list[Target]) -> list[Target]:
        return unique_names(value)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as "
                             "'Europe/Berlin' or 'UTC')") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def resolved(self, root: Path) -> Project:
        """A copy with every path absolute against ``root`` (the project file's directory)."""
        root = root.resolve()

        def absolute(path: Path) -> Path:
            return path if path.is_absolute() else (root / path)

        sources = [
            s if s.startswith(("http://", "https://")) else str(absolute(Path(s).expanduser()))
            for s in self.sources
        ]
        return self.model_copy(update={
            "sources": sources,
            "output_dir": absolute(self.output_dir.expanduser()),
            "store": absolute(self.store.expanduser()) if self.store else None,
            "state_dir": absolute(self.state_dir.expanduser()),
            "deliver": [target.resolved(root) for target in self.deliver],
        })

    @property
    def runs_file(self) -> Path:
        return self.state_dir / "runs.jsonl"

    @property
    def lock_file(self) -> Path:
        return self.state_dir / "daily.lock"


def find_project(config: Path | None, cwd: Path) -> Path:
    """The project file: ``--config`` when given, else ``digest.toml`` in ``cwd``."""
    path = config if config is not None else cwd / PROJECT_FILE
    if config is not None and config.is_dir():
        path = config / PROJECT_FILE
    if not path.is_file():
        where = f"{path}" if config is not None else f"{cwd}"
        raise ConfigError(
            f"no project file: {where} has no {PROJECT_FILE if config is None else 'such file'}. "
            "Run `digest init` to write an example, or pass `--config PATH`."
        )
    return path.resolve()


def load_project(path: Path) -> Project:
    """Read and validate a project file; errors name the file, the key and the fix."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        project = Project.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(file)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"{path}: {problems}") from exc
    return project.resolved(path.parent)


def write_example(path: Path, *, force: bool = False) -> Path:
    """Write the commented example project file (never over an existing one unless forced)."""
    if path.is_dir():
        path = path / PROJECT_FILE
    if path.exists() and not force:
        raise ConfigError(f"{path} already exists; pass --force to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(EXAMPLE, encoding="utf-8")
    logger.info("wrote %s", path)
    return path
