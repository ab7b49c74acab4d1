"""The ``kimono-interop`` command line: the sandbox, roster export, the task queue, tenants.

Install with ``pip install 'kimono-interop[cli]'`` (the ``sandbox`` command also needs
``kimono-interop[sandbox]``)::

    kimono-interop sandbox --students 500              # terminal 1: a local Kimono
    export KIMONO_BASE_URL=http://127.0.0.1:8080       # terminal 2
    export KIMONO_CLIENT_ID=sandbox-client KIMONO_CLIENT_SECRET=sandbox-secret
    kimono-interop tenants
    kimono-interop export --out roster --format csv
    kimono-interop tasks --print > batch.jsonl         # a peek: acknowledges nothing
    kimono-interop tasks --ack success                 # drain, acknowledging every task

The same flags (or ``KIMONO_*`` variables) point it at a real tenant. Progress and
live counts go to stderr; results (tables, JSON) go to stdout.

Exit codes: 0 success; 1 the API or the run failed (the message says why); 2 usage
error, or a confirmation refused; 3 configuration or credentials error (missing or
refused client id/secret, a bad base URL, or click/rich not installed); 130 interrupted
(Ctrl-C).

One module per command (:mod:`.sandbox`, :mod:`.export`, :mod:`.tasks`,
:mod:`.tenants`) and :mod:`.common` for what they share. The command modules import
click, so this one imports them only in :func:`build_cli`: :func:`main` must be able
to say it is missing. They import rich, the client (with httpx and the generated
packages) and the sandbox only inside the functions that use them, so that
``kimono-interop --help`` does not wait for any of those.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from .common import EXIT_CONFIG, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, INSTALL_HINT
from .files import Columns, flatten

if TYPE_CHECKING:
    import click

__all__ = [
    "EXIT_CONFIG",
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "Columns",
    "build_cli",
    "flatten",
    "main",
]


def build_cli() -> click.Group:
    """The ``kimono-interop`` click group (imports click and rich; see :func:`main`)."""
    from .common import root_group
    from .export import export
    from .fleet import fleet
    from .mirror import mirror
    from .sandbox import sandbox
    from .status import status
    from .tasks import tasks
    from .tenants import tenants

    cli = root_group()
    for command in (sandbox, export, tasks, tenants, mirror, fleet, status):
        cli.add_command(command)
    return cli


def main(argv: list[str] | None = None) -> None:
    """The console script ``kimono-interop``."""
    try:
        import click  # noqa: F401
        import rich  # noqa: F401
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None
    build_cli().main(args=argv, prog_name="kimono-interop")
