"""A throwaway PostgreSQL for the tests: a cluster from the machine's binaries, or a given server.

``server()`` starts a cluster (initdb and pg_ctl, as the ``postgres`` user when the tests
run as root) in a temporary directory, on a free port of 127.0.0.1, and stops it at the
end; with ``KIMONO_TEST_DATABASE_URL`` set it uses that server instead. ``database()``
gives a new, empty database on a server, dropped afterwards. The session fixture
``postgres_server`` (tests/conftest.py) is the one cluster every folder shares.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server() -> Iterator[str]:
    """The URL of a PostgreSQL server's ``postgres`` database, for creating test databases."""
    given = os.environ.get("KIMONO_TEST_DATABASE_URL")
    if given:
        yield given
        return
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not initdb or not pg_ctl:
        reason = "no PostgreSQL binaries (initdb, pg_ctl) and no KIMONO_TEST_DATABASE_URL"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}: CI must test the PostgreSQL store")
        pytest.skip(reason)
    root = Path(tempfile.mkdtemp(prefix="kimono-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
    data = root / "data"
    subprocess.run(
        [
            *as_user,
            initdb,
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    port = _free_port()
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={root} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    subprocess.run(
        [*as_user, pg_ctl, "-D", str(data), "-l", str(root / "log"), "-w", "-o", options, "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def database(server: str) -> Iterator[str]:
    """A new, empty database on ``server``; dropped afterwards."""
    import psycopg

    name = f"kimono_mirror_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
