"""Fixtures of the mirror's tests: a store per test, on SQLite and on PostgreSQL.

PostgreSQL is real: a throwaway cluster started from the machine's binaries (initdb and
pg_ctl, as the ``postgres`` user when the tests run as root) for the session, in a
temporary directory, on a free port of 127.0.0.1, stopped at the end; or the server of
``KIMONO_TEST_DATABASE_URL`` when it is set. Each test gets a database of its own.
Without binaries the PostgreSQL tests skip, except under CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .postgres import Unavailable, cluster, database

STORES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server's ``postgres`` database, for creating test databases."""
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


@pytest.fixture(params=STORES)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty mirror database: a SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'mirror.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    with database(server) as url:
        yield url
