"""What a delivery sends: one day's digest as ``digest daily`` left it on disk.

Delivery reads the digest files and never writes them, so a failed (or successful) delivery
cannot change a digest's bytes. A digest is identified by the sha256 of its JSON sidecar,
which holds everything the Markdown and HTML are rendered from: the same hash means the same
digest, so a re-run that rewrote nothing sends nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from digest.briefing import Briefing
from digest.daily.dayset import current_set, set_days
from digest.errors import DeliveryError
from digest.render.email import top_stories

DAY_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")


@dataclass(frozen=True)
class DayDigest:
    """One day's digest files, read once: the Markdown, the sidecar and its parsed Briefing."""

    day: date
    markdown: str
    sidecar: str
    briefing: Briefing
    sha256: str

    @property
    def top_story(self) -> str:
        stories = top_stories(self.briefing)
        return stories[0] if stories else "no new coverage"

    def subject_fields(self) -> dict[str, str]:
        """The fields a subject template may use (``targets.SUBJECT_FIELDS``)."""
        return {"date": self.day.isoformat(), "title": " ".join(self.briefing.title.split()),
                "top_story": self.top_story, "stories": str(len(self.briefing.stories))}


def load_day(directory: Path, day: date) -> DayDigest:
    """Read ``DAY.md`` and ``DAY.json`` of the day's current complete set (digest.daily.dayset);
    a missing or unreadable file is a DeliveryError."""
    stem = current_set(directory, day.isoformat()) / day.isoformat()
    try:
        raw = stem.with_suffix(".json").read_bytes()
        markdown = stem.with_suffix(".md").read_text(encoding="utf-8")
        briefing = Briefing.model_validate_json(raw)
    except FileNotFoundError as exc:
        raise DeliveryError(f"no digest for {day} in {directory} ({Path(exc.filename).name} "
                            "is missing)") from exc
    except (OSError, UnicodeDecodeError, ValidationError) as exc:
        raise DeliveryError(f"digest for {day} in {directory} is unreadable: "
                            f"{type(exc).__name__}") from exc
    return DayDigest(day, markdown, raw.decode("utf-8"), briefing, hashlib.sha256(raw).hexdigest())


def digest_days(directory: Path) -> list[date]:
    """Every day with a JSON sidecar in ``directory``, oldest first."""
    if not directory.is_dir():
        return []
    days = set()
    names = [p.name for p in directory.iterdir()] + [f"{d}.json" for d in set_days(directory)]
    for name in names:
        match = DAY_FILE.match(name)
        if match:
            try:
                days.add(date.fromisoformat(match.group(1)))
            except ValueError:
                continue
    return sorted(days)


def secret(env: Mapping[str, str], name: str, target: str) -> str:
    """A credential from the environment; its absence is a one-line, actionable error."""
    value = env.get(name, "")
    if not value:
        raise DeliveryError(f"{target}: environment variable {name} is not set")
    return value
