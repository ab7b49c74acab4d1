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
from typing import NoReturn


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


class Cluster:
    """A throwaway cluster's server, which a test may stop and start again (same port)."""

    def __init__(self, root: Path, port: int, options: str, as_user: list[str], pg_ctl: str):
        self.root, self.port, self.options = root, port, options
        self._as_user, self._pg_ctl = as_user, pg_ctl
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def _ctl(self, *args: str, check: bool = True) -> None:
        subprocess.run(
            [*self._as_user, self._pg_ctl, "-D", str(self.root / "data"), *args],
            check=check,
            capture_output=True,
        )

    def start(self) -> None:
        self._ctl("-l", str(self.root / "log"), "-w", "-o", self.options, "start")

    def stop(self, mode: str = "fast", *, check: bool = True) -> None:
        """``fast``: clients are disconnected; ``immediate``: as a crash."""
        self._ctl("-m", mode, "stop", check=check)


@contextlib.contextmanager
def cluster(*, durable: bool = False) -> Iterator[str]:
    """A new cluster; yields the URL of its ``postgres`` database.

    ``durable``: keep ``fsync`` and ``synchronous_commit`` on, as a production server
    has them (the tests turn them off: they check behaviour, not speed).
    """
    with controlled_cluster(durable=durable) as server:
        yield server.url


@contextlib.contextmanager
def controlled_cluster(*, durable: bool = False) -> Iterator[Cluster]:
    """A new cluster, as :func:`cluster`, yielding its :class:`Cluster` to stop and start."""
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
        server = Cluster(root, port, options, as_user, pg_ctl)
        server.start()
        try:
            yield server
        finally:
            server.stop("immediate", check=False)
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
    given = os.environ.get("KIMONO_TEST_DATABASE_URL")
    if given:
        yield given
        return
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(cluster())
        except Unavailable as exc:
            skip_or_fail(f"{exc} and no KIMONO_TEST_DATABASE_URL")
        yield url


def skip_or_fail(reason: str) -> NoReturn:
    """Skip a test that needs a PostgreSQL cluster the machine cannot start, except under
    CI (``CI=true``), which must prove the PostgreSQL store: there it fails."""
    import pytest

    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}: CI must test the PostgreSQL store")
    pytest.skip(reason)
