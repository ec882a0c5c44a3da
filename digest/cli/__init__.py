"""The ``digest`` command line: one module per command group, all registered on ``app``.

Commands parse options, build :class:`~digest.app.Services` from the settings, make one library
call and render its result. Library errors (``DigestError``) become exit codes in
``common.guard``. Command modules are registered here only (importing one registers its
commands, in this help order), so no command module imports another.
"""

from digest.cli import ingest as _ingest  # noqa: F401,I001
from digest.cli import brief as _brief  # noqa: F401
from digest.cli import evaluate as _evaluate  # noqa: F401
from digest.cli import eval_suite as _eval_suite  # noqa: F401
from digest.cli import daily as _daily  # noqa: F401
from digest.cli import deliver as _deliver  # noqa: F401
from digest.cli.common import app

__all__ = ["app"]
