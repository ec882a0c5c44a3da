"""The ``digest`` command line: one module per command group, all registered on ``app``.

Commands parse options, load :class:`~digest.config.Settings`, make one library call and
render its result. Library errors (``DigestError``) become exit codes in ``common.guard``.
"""

from digest.cli import brief as _brief  # noqa: E402,F401
from digest.cli import daily as _daily  # noqa: E402,F401
from digest.cli import deliver as _deliver  # noqa: E402,F401
from digest.cli import evaluate as _evaluate  # noqa: E402,F401

# Importing a command module registers its commands on ``app``, in this (help) order.
from digest.cli import ingest as _ingest  # noqa: E402,F401,I001
from digest.cli.common import app

__all__ = ["app"]
