"""The ``digest`` command line: one module per command group, all registered on ``app``.

Commands parse options, load :class:`~digest.config.Settings`, make one library call and
render its result. Library errors (``DigestError``) become exit codes in ``common.guard``.
"""

from digest.cli.common import app

# Importing a command module registers its commands on ``app``.
from digest.cli import ingest as _ingest  # noqa: E402,F401

for _optional in ("brief", "evaluate", "daily"):
    try:
        __import__(f"digest.cli.{_optional}")
    except ModuleNotFoundError as _exc:  # a command group not written yet
        if _exc.name != f"digest.cli.{_optional}":
            raise

__all__ = ["app"]
