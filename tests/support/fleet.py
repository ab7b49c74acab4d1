"""The ``kimono-interop fleet run`` command of a worker process against a sandbox: one helper.

The three-process test (tests/fleet/test_processes.py) and the scale run
(scripts/fleet_bench.py) both start workers with it, so the command line and the
environment that points a worker at the sandbox are written once.
"""

from __future__ import annotations

import os
import sys
from typing import Any


def fleet_run_command(db: str, worker_id: str, **options: Any) -> list[str]:
    """The argv of ``kimono-interop fleet run --db DB --worker-id ID``, with each of
    ``options`` as its ``--option value`` (``lease_ttl=2`` gives ``--lease-ttl 2``)."""
    command = [sys.executable, "-m", "kimono_interop.cli", "fleet", "run"]
    command += ["--db", db, "--worker-id", worker_id]
    for name, value in options.items():
        command += [
            f"--{name.replace('_', '-')}",
            f"{value:g}" if isinstance(value, float) else str(value),
        ]
    return command


def sandbox_env(sandbox: Any) -> dict[str, str]:
    """This process's environment, with the sandbox's URL and vendor credentials."""
    return {
        **os.environ,
        "KIMONO_BASE_URL": sandbox.url,
        "KIMONO_CLIENT_ID": sandbox.config.client_id,
        "KIMONO_CLIENT_SECRET": sandbox.config.client_secret,
    }
