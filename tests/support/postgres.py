"""A throwaway PostgreSQL for the tests and the mirror's and fleet's benchmarks: one helper.

The cluster is started from the machine's binaries (initdb and pg_ctl, as the
``postgres`` user when run as root) in a temporary directory, on a free port of
127.0.0.1, and removed when the context ends. ``server()`` is what the tests use: the
server of ``KIMONO_TEST_DATABASE_URL`` when set, else a cluster; without binaries the
tests skip, except under CI (``CI=true``), which must prove the PostgreSQL store.
``database()`` gives a new, empty database on a server, dropped afterwards. The session
fixture ``postgres_server`` (tests/conftest.py) is the one cluster every folder shares.
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


class Unavailable(RuntimeError):
    """The machine has no PostgreSQL binaries to start a cluster with."""


def binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def cluster(*, durable: bool = False) -> Iterator[str]:
    """A new cluster; yields the URL of its ``postgres`` database.

    ``durable``: keep ``fsync`` and ``synchronous_commit`` on, as a production server
    has them (the tests turn them off: they check behaviour, not speed).
    """
    initdb, pg_ctl = binary("initdb"), binary("pg_ctl")
    if not initdb or not pg_ctl:
        raise Unavailable("no PostgreSQL binaries (initdb, pg_ctl)")
    root = Path(tempfile.mkdtemp(prefix="kimono-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
    data = root / "data"
    try:
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
        port = free_port()
        options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={root}"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(
            [
                *as_user,
                pg_ctl,
                "-D",
                str(data),
                "-l",
                str(root / "log"),
                "-w",
                "-o",
                options,
                "start",
            ],
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
    finally:
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


@contextlib.contextmanager
def server() -> Iterator[str]:
    """The URL of a PostgreSQL server's ``postgres`` database, for creating test databases."""
    import pytest

    given = os.environ.get("KIMONO_TEST_DATABASE_URL")
    if given:
        yield given
        return
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(cluster())
        except Unavailable as exc:
            reason = f"{exc} and no KIMONO_TEST_DATABASE_URL"
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(f"{reason}: CI must test the PostgreSQL store")
            pytest.skip(reason)
        yield url
