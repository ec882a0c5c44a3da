"""Pick a format and write a briefing's files: ``md`` (with its JSON sidecar), ``json``, ``html``.

Each renderer is a pure function of the :class:`Briefing` through the one view of
:mod:`digest.render.view`; this module only dispatches and writes (atomically, every target
checked before the first file is written: :mod:`digest.render.output`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from digest.briefing import Briefing
from digest.render.html import render_html
from digest.render.markdown import render_markdown
from digest.render.output import write_files
from digest.render.sidecar import render_json

logger = logging.getLogger(__name__)

Format = Literal["md", "json", "html"]


def render(briefing: Briefing, fmt: Format) -> str:
    renderers = {"md": render_markdown, "json": render_json, "html": render_html}
    return renderers[fmt](briefing)


def write_briefing(briefing: Briefing, path: Path, fmt: Format) -> list[Path]:
    """Write ``path`` (and, for Markdown, its ``.json`` sidecar first). Returns what was written."""
    files = {path.with_suffix(".json"): render_json(briefing)} if fmt == "md" else {}
    files[path] = render(briefing, fmt)
    written = write_files(files)
    logger.info("wrote %s", ", ".join(map(str, written)))
    return written
