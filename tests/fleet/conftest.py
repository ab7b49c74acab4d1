"""Fixtures of the fleet's tests: a fresh PostgreSQL database with the fleet's schema.

The database lives on the session's throwaway cluster (``postgres_server``,
tests/conftest.py); without PostgreSQL binaries these tests skip (fail under CI).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from kimono_interop.fleet import create_engine, migrate
from tests.support.postgres import database


@pytest.fixture
def fleet_url(postgres_server: str) -> Iterator[str]:
    """The URL of an empty database with the mirror's and the fleet's schema."""
    with database(postgres_server) as url:
        engine = create_engine(url)
        try:
            migrate(engine)
        finally:
            engine.dispose()
        yield url


@pytest.fixture
def fleet_engine(fleet_url: str) -> Iterator[sa.Engine]:
    engine = create_engine(fleet_url, idle_in_transaction=5)
    try:
        yield engine
    finally:
        engine.dispose()
