"""Constants shared by the brief tests (a plain module: conftest names collide across folders)."""

from __future__ import annotations

from datetime import UTC, datetime

NOW = datetime(2026, 5, 21, 6, 0, tzinfo=UTC)
TOPIC = "Putin arrival in China"
