"""What the command-line tests share: running the CLI in-process, and flags for a sandbox."""

from __future__ import annotations

import socket

from click.testing import CliRunner, Result

from kimono_interop.cli import build_cli
from kimono_interop.sandbox import Sandbox

#: Variables that must not leak in from the developer's shell.
CLEAN_ENV: dict[str, str | None] = {
    "KIMONO_BASE_URL": None,
    "KIMONO_CLIENT_ID": None,
    "KIMONO_CLIENT_SECRET": None,
    "KIMONO_LOG": None,
    "COLUMNS": "200",  # rich's width: keep table cells on one line
}


def flags(sandbox: Sandbox, **override: str) -> list[str]:
    """``--base-url``, ``--client-id`` and ``--client-secret`` of ``sandbox``'s vendor."""
    creds = {**sandbox.credentials, **override}
    return [
        "--base-url",
        creds["base_url"],
        "--client-id",
        creds["client_id"],
        "--client-secret",
        creds["client_secret"],
    ]


def run(*args: str, input: str | None = None) -> Result:
    """The CLI run in-process with ``args`` (and ``input`` on stdin), in a clean environment."""
    return CliRunner().invoke(build_cli(), list(args), input=input, env=CLEAN_ENV)


def free_port() -> int:
    """A TCP port of 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port
