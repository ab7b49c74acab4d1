"""The schema: created and upgraded by the migrations shipped in the package, on both stores."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kimono_interop.mirror import Mirror, database_url, head, migration_sql
from kimono_interop.mirror._schema import metadata


def test_the_migrations_create_the_tables_the_code_queries(store_url: str) -> None:
    with Mirror.open(store_url) as mirror, mirror.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = [
            d
            for d in compare_metadata(context, metadata)
            # the indexes are the migrations' own (the code declares none), and so is
            # the version table
            if d[0] != "remove_index"
            and not (d[0] == "remove_table" and d[1].name == "mirror_alembic_version")
        ]
        assert differences == []
        views = set(sa.inspect(connection).get_view_names())
        assert {"mirror_persons", "mirror_enrollments", "mirror_person_schools"} <= views
        version = connection.scalar(sa.text("SELECT version_num FROM mirror_alembic_version"))
        assert version == head()


def test_opening_again_leaves_the_schema_and_the_data(store_url: str) -> None:
    task = {
        "type": "data_event",
        "id": "t-1",
        "tenant_id": "x",
        "action": "ADD",
        "object_type": "terms",
        "object_id": "a",
        "data": {"name": "Fall"},
    }
    with Mirror.open(store_url) as mirror:
        mirror.apply([task])
    with Mirror.open(store_url) as mirror:
        stored = mirror.get("x", "terms", "a")
        assert stored is not None and stored.data == {"name": "Fall"}


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_the_migrations_can_be_written_as_sql_for_a_dba(dialect: str) -> None:
    sql = migration_sql(dialect)
    assert "CREATE TABLE mirror_objects" in sql
    assert "CREATE VIEW mirror_enrollments" in sql
    assert "INSERT INTO mirror_alembic_version" in sql
    assert ("JSONB" in sql) is (dialect == "postgresql")


def test_urls(tmp_path: Path) -> None:
    assert database_url(tmp_path / "m.db") == f"sqlite:///{tmp_path / 'm.db'}"
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"
    with pytest.raises(ValueError, match="SQLite file"):
        Mirror.open("sqlite://")


def _open_at_once(url: str, openers: int) -> list[BaseException]:
    """Open the mirror at ``url`` from ``openers`` threads released together."""
    import threading

    barrier = threading.Barrier(openers)
    errors: list[BaseException] = []

    def opener() -> None:
        barrier.wait()
        try:
            with Mirror.open(url) as mirror, mirror.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=opener) for _ in range(openers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def test_openers_of_one_new_sqlite_file_at_once_all_open_it(tmp_path: Path) -> None:
    """The first opener switches a new file to WAL; SQLite refuses that switch at once
    (no busy wait) while another opener holds the file, so it is retried."""
    for round_ in range(10):
        assert _open_at_once(database_url(tmp_path / f"new-{round_}.db"), 4) == []
