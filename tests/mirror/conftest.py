"""Fixtures of the mirror's tests: a store per test, on SQLite and on PostgreSQL.

PostgreSQL is real: the session's throwaway cluster (``postgres_server`` in
tests/conftest.py, tests/support/postgres.py), or the server of
``KIMONO_TEST_DATABASE_URL`` when it is set. Each test gets a database of its own.
Without binaries the PostgreSQL tests skip, except under CI (``CI=true``), where they fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.postgres import database as postgres_database

STORES = ["sqlite", "postgresql"]


@pytest.fixture(params=STORES)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty mirror database: a SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'mirror.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    with postgres_database(server) as url:
        yield url


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of an empty mirror database on PostgreSQL (for what only it has)."""
    server = request.getfixturevalue("postgres_server")
    with postgres_database(server) as url:
        yield url
