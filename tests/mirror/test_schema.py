"""The schema: created and upgraded by the migrations shipped in the package, on both stores."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kimono_interop.mirror import Mirror, database_url, head, migration_sql
from kimono_interop.mirror._migrations import MIRROR
from kimono_interop.mirror._schema import metadata

from .builders import data_task, new_id


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
    upgrade = migration_sql(dialect, start="0001")
    assert "DROP INDEX ix_mirror_changes_object" in upgrade
    assert "CREATE TABLE mirror_inbox" not in upgrade
    # revision 0005 rebuilds the objects and links on SQLite, keeping their rows, and
    # alters them in place on PostgreSQL
    keys = migration_sql(dialect, start="0004")
    if dialect == "sqlite":
        assert "CREATE TABLE mirror_links" in keys and "INSERT INTO mirror_links" in keys
        assert "DROP TABLE mirror_objects_old" in keys and "BEGIN" in keys
    else:
        assert "CREATE TABLE" not in keys
        assert "ALTER TABLE mirror_objects ADD COLUMN object_key BIGSERIAL" in keys
        assert "ANALYZE mirror_objects, mirror_links" in keys


def test_urls(tmp_path: Path) -> None:
    assert database_url(tmp_path / "m.db") == f"sqlite:///{tmp_path / 'm.db'}"
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"
    for memory in (
        "sqlite://",
        "sqlite:///",
        "sqlite+pysqlite://",
        "sqlite+pysqlite:///:memory:",
        "sqlite:///:memory:?uri=true",
        "sqlite:///:memory:?timeout=5",
        "sqlite:///file::memory:?uri=true",
        f"sqlite:///file:{tmp_path / 'm.db'}?mode=memory&uri=true",
        f"sqlite:///file:{tmp_path / 'm.db'}?vfs=memdb&uri=true",
        "sqlite:///file:?uri=true",  # a private temporary database
    ):
        with pytest.raises(ValueError, match="SQLite file"):  # in memory: no WAL, no file
            Mirror.open(memory)
    # a file, whatever its name, and "mode" where SQLite does not read it as a URI
    for name in ("memory.db", "file::memory:"):
        with Mirror.open(f"sqlite:///{tmp_path / name}") as mirror:
            assert mirror.status()["parked"] == 0


@pytest.mark.parametrize(
    "name", ["a?b.db", "a%41b.db", "x#y.db", "my db.db", os.fsdecode(b"not-utf-8-\xff.db")]
)
def test_a_path_is_the_file_it_names(tmp_path: Path, name: str) -> None:
    """A path is a path: "?", "#" and "%" in it are not a URL's query, fragment or
    escapes (the mirror opened "a" for "a?b.db", "aAb.db" for "a%41b.db")."""
    with Mirror.open(tmp_path / name):
        pass
    with Mirror.open(tmp_path / name, create=False) as mirror:
        assert mirror.status()["parked"] == 0
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [
        name
    ]


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


@pytest.mark.parametrize("engine", ["mirror", "fleet"])
def test_a_postgresql_server_that_never_answers_is_given_up_on(
    monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    """Without a connect timeout in the URL, the mirror's engine (and the fleet's: a
    `fleet run` hung 131 s there, deaf to SIGTERM) gives up on a server that accepts the
    connection and never answers (libpq would wait for good)."""
    import socket
    import threading

    from kimono_interop.fleet._store import create_engine as fleet_engine
    from kimono_interop.mirror import _store

    def open_fleet(url: str) -> None:
        with fleet_engine(url).connect():
            pass

    opener = Mirror.open if engine == "mirror" else open_fleet

    monkeypatch.setattr(_store, "PG_CONNECT_TIMEOUT", 1)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"postgresql://u@127.0.0.1:{silent.getsockname()[1]}/x"
        failed: list[BaseException] = []

        def opening() -> None:
            try:
                opener(url)
            except sa.exc.OperationalError as exc:
                failed.append(exc)

        thread = threading.Thread(target=opening, daemon=True)
        thread.start()
        thread.join(20)
        assert not thread.is_alive() and len(failed) == 1
        assert "timeout" in str(failed[0]).lower()


def test_openers_of_one_new_sqlite_file_at_once_all_open_it(tmp_path: Path) -> None:
    """The first opener switches a new file to WAL; SQLite refuses that switch at once
    (no busy wait) while another opener holds the file, so it is retried."""
    for round_ in range(10):
        assert _open_at_once(database_url(tmp_path / f"new-{round_}.db"), 4) == []


def test_a_database_of_the_first_revision_is_upgraded_with_its_data(store_url: str) -> None:
    """A mirror written at revision 0001 (objects, links, inbox, changes) opens at head:
    the rows survive, the views answer, and the mirror goes on applying onto them."""
    from alembic import command

    from kimono_interop.mirror._migrations import MIRROR
    from kimono_interop.mirror._store import create_engine

    tenant, person, section = "t-1", "p-1", "s-1"
    rows = {
        "mirror_objects": (
            "INSERT INTO mirror_objects (tenant_id, object_type, object_id, data, sequence,"
            " deleted, person_type, updated_at) VALUES (:t, 'persons', :p, :data, 4, :no,"
            " 'student', :at)"
        ),
        "mirror_links": (
            "INSERT INTO mirror_links VALUES (:t, 'persons', :p, 'sections', :s),"
            " (:t, 'persons', :p, 'schools', 'school-1')"
        ),
        "mirror_inbox": (
            "INSERT INTO mirror_inbox (task_id, tenant_id, sequence, action, object_type,"
            " object_id, result, status, recorded_at) VALUES ('task-4', :t, 4, 'ADD',"
            " 'persons', :p, 'applied', 'success', :at)"
        ),
        "mirror_changes": (
            "INSERT INTO mirror_changes (tenant_id, object_type, object_id, op, action,"
            " sequence, task_id, at) VALUES (:t, 'persons', :p, 'upsert', 'ADD', 4,"
            " 'task-4', :at)"
        ),
    }
    data = '{"$sys": {"person_type": "student"}, "$sections": [{"id": "s-1"}], "name": "A"}'
    engine = create_engine(database_url(store_url))
    try:
        with engine.begin() as connection:
            command.upgrade(MIRROR._config(connection=connection), "0001")
            for statement in rows.values():
                connection.execute(
                    sa.text(statement),
                    {
                        "t": tenant,
                        "p": person,
                        "s": section,
                        "data": data,
                        "no": False,
                        "at": "2026-11-30 09:00:00+00:00",
                    },
                )
        with engine.connect() as connection:
            assert MIRROR.current(connection) == "0001"
    finally:
        engine.dispose()
    with Mirror.open(store_url) as mirror:
        with mirror.engine.connect() as connection:
            assert MIRROR.current(connection) == head()
            for table in rows:
                count = connection.scalar(sa.text(f"SELECT count(*) FROM {table}"))
                assert count == (2 if table == "mirror_links" else 1), table
            assert connection.execute(
                sa.text("SELECT person_id, person_type FROM mirror_enrollments")
            ).all() == [(person, "student")]
            assert connection.scalars(
                sa.text("SELECT school_id FROM mirror_person_schools")
            ).all() == ["school-1"]
            assert connection.scalars(sa.text("SELECT person_id FROM mirror_persons")).all() == [
                person
            ]
            indexes = {i["name"] for i in sa.inspect(connection).get_indexes("mirror_changes")}
            assert "ix_mirror_changes_object" not in indexes
        stored = mirror.get(tenant, "persons", person)
        assert stored is not None and stored.sequence == 4 and stored.data is not None
        assert stored.data["name"] == "A"
        assert [(c.cursor, c.task_id) for c in mirror.changes()] == [(1, "task-4")]
        # a redelivery of the recorded task is not applied again; a newer update is
        redelivered = {
            "type": "data_event",
            "id": "task-4",
            "tenant_id": tenant,
            "sequence": 4,
            "action": "ADD",
            "object_type": "persons",
            "object_id": person,
            "data": {"name": "again"},
        }
        update = {
            **redelivered,
            "id": "task-5",
            "sequence": 5,
            "action": "UPDATE",
            "data": {"$sys": {"person_type": "student"}, "$sections": [{"id": "s-2"}], "name": "B"},
        }
        assert [o.result for o in mirror.apply([redelivered, update])] == ["duplicate", "applied"]
        stored = mirror.get(tenant, "persons", person)
        assert stored is not None and stored.data is not None and stored.data["name"] == "B"
        with mirror.engine.connect() as connection:
            assert connection.scalars(
                sa.text("SELECT section_id FROM mirror_enrollments")
            ).all() == ["s-2"]


def test_a_view_of_yours_on_the_enrollments_survives_the_upgrade(store_url: str) -> None:
    """Revision 0004 replaces the enrollments view: a view built on it (PostgreSQL refuses
    to drop a view others depend on) still answers afterwards."""
    from alembic import command

    from kimono_interop.mirror._migrations import MIRROR
    from kimono_interop.mirror._store import create_engine

    engine = create_engine(database_url(store_url))
    try:
        with engine.begin() as connection:
            command.upgrade(MIRROR._config(connection=connection), "0003")
            connection.exec_driver_sql(
                "CREATE VIEW my_rosters AS SELECT tenant_id, section_id, count(*) AS persons "
                "FROM mirror_enrollments GROUP BY tenant_id, section_id"
            )
    finally:
        engine.dispose()
    with Mirror.open(store_url) as mirror:
        mirror.apply(
            [
                {
                    "type": "data_event",
                    "id": "t-1",
                    "tenant_id": "x",
                    "action": "ADD",
                    "object_type": "sections",
                    "object_id": "s-1",
                    "data": {"$students": [{"id": "p-1"}, {"id": "p-2"}]},
                }
            ]
        )
        with mirror.engine.connect() as connection:
            assert MIRROR.current(connection) == head()
            rows = connection.exec_driver_sql("SELECT * FROM my_rosters").all()
    assert [tuple(row) for row in rows] == [("x", "s-1", 2)]


def test_revision_0005_goes_down_and_up_again_with_the_links(store_url: str) -> None:
    """Objects keyed by integer and links by that key (0005) go back to links keyed by
    tenant, type and id (0004) and forward again; the views give the same rows."""
    from alembic import command

    from kimono_interop.mirror._migrations import MIRROR

    pid, sid, school = "p-1", "s-1", "school-1"
    tasks = [
        {
            "type": "data_event",
            "id": f"t-{n}",
            "tenant_id": "x",
            "sequence": n,
            "action": "ADD",
            "object_type": kind,
            "object_id": object_id,
            "data": data,
        }
        for n, (kind, object_id, data) in enumerate(
            [
                ("persons", pid, {"$schools": [{"id": school}], "$sections": [{"id": "s-2"}]}),
                ("sections", sid, {"$students": [{"id": pid}], "$teachers": [{"id": "p-2"}]}),
            ],
            start=1,
        )
    ]
    views = (
        "SELECT tenant_id, section_id, person_id, person_type FROM mirror_enrollments",
        "SELECT tenant_id, person_id, school_id FROM mirror_person_schools",
    )

    def answers(connection: sa.Connection) -> list[list[tuple[object, ...]]]:
        return [sorted(map(tuple, connection.exec_driver_sql(view).all())) for view in views]

    with Mirror.open(store_url) as mirror:
        assert [o.result for o in mirror.apply(tasks)] == ["applied", "applied"]
        with mirror.engine.connect() as connection:
            before = answers(connection)
        assert before == [
            [("x", "s-1", "p-1", None), ("x", "s-1", "p-2", None), ("x", "s-2", "p-1", None)],
            [("x", "p-1", school)],
        ]
        with mirror.engine.begin() as connection:
            command.downgrade(MIRROR._config(connection=connection), "0004")
        with mirror.engine.connect() as connection:
            assert MIRROR.current(connection) == "0004"
            assert answers(connection) == before
            links = connection.exec_driver_sql(
                "SELECT object_id, rel, target_id FROM mirror_links"
            ).all()
            assert sorted(map(tuple, links)) == [
                ("p-1", "schools", school),
                ("p-1", "sections", "s-2"),
                ("s-1", "students", pid),
                ("s-1", "teachers", "p-2"),
            ]
        with mirror.engine.begin() as connection:
            command.upgrade(MIRROR._config(connection=connection), "head")
        with mirror.engine.connect() as connection:
            assert MIRROR.current(connection) == head()
            assert answers(connection) == before
            if connection.dialect.name == "postgresql":
                # the tables have statistics at once (only ANALYZE writes pg_stats)
                analyzed = connection.exec_driver_sql(
                    "SELECT DISTINCT tablename FROM pg_stats "
                    "WHERE tablename IN ('mirror_objects', 'mirror_links') ORDER BY tablename"
                ).scalars()
                assert list(analyzed) == ["mirror_links", "mirror_objects"]
        stored = mirror.get("x", "persons", pid)
        assert stored is not None and stored.data == tasks[0]["data"]


def _at_revision(store_url: str, revision: str, *statements: str) -> None:
    """A new mirror database at ``revision``, with ``statements`` run on it."""
    from alembic import command

    from kimono_interop.mirror._migrations import MIRROR
    from kimono_interop.mirror._store import create_engine

    engine = create_engine(database_url(store_url))
    try:
        with engine.begin() as connection:
            command.upgrade(MIRROR._config(connection=connection), revision)
            for statement in statements:
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


def test_a_view_of_yours_on_the_objects_survives_revision_0005(store_url: str) -> None:
    """Revision 0005 rebuilds (SQLite) or alters (PostgreSQL) the objects: a view of
    yours on them answers afterwards."""
    _at_revision(
        store_url,
        "0004",
        "CREATE VIEW my_people AS SELECT tenant_id, object_id FROM mirror_objects "
        "WHERE object_type = 'persons'",
    )
    with Mirror.open(store_url) as mirror:
        task = {
            "type": "data_event",
            "id": "t-1",
            "tenant_id": "x",
            "action": "ADD",
            "object_type": "persons",
            "object_id": "p-1",
            "data": {"$sections": [{"id": "s-1"}]},
        }
        assert [o.result for o in mirror.apply([task])] == ["applied"]
        with mirror.engine.connect() as connection:
            people = connection.exec_driver_sql("SELECT * FROM my_people").all()
    assert [tuple(row) for row in people] == [("x", "p-1")]


def test_a_view_of_yours_on_the_links_stops_revision_0005_by_name(store_url: str) -> None:
    """The links' tenant, type and id go: a view of yours on them stops the upgrade with
    what to do, and the database stays as it was (on both stores; SQLite would keep the
    view, broken, and then refuse every later rename of a table)."""
    from kimono_interop.mirror._migrations import MIRROR
    from kimono_interop.mirror._store import create_engine

    _at_revision(
        store_url,
        "0004",
        "INSERT INTO mirror_links VALUES ('x', 'persons', 'p-1', 'sections', 's-1')",
        "CREATE VIEW my_links AS SELECT tenant_id, object_id, target_id FROM mirror_links",
    )
    with pytest.raises(RuntimeError, match=r"my_links read\(s\) mirror_links.*drop it"):
        Mirror.open(store_url)
    engine = create_engine(database_url(store_url))
    try:
        with engine.connect() as connection:
            assert MIRROR.current(connection) == "0004"
            rows = connection.exec_driver_sql("SELECT * FROM my_links").all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in rows] == [("x", "p-1", "s-1")]


def test_links_of_objects_not_stored_are_dropped_and_logged(
    store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A link whose object the mirror does not hold (only SQL of yours writes one) has
    no key to name it by: revision 0005 leaves it out and says how many."""
    _at_revision(
        store_url,
        "0004",
        "INSERT INTO mirror_links VALUES ('x', 'persons', 'gone', 'sections', 's-1')",
    )
    with (
        caplog.at_level("WARNING", logger="kimono_interop.mirror"),
        Mirror.open(store_url) as mirror,
        mirror.engine.connect() as connection,
    ):
        links = connection.exec_driver_sql("SELECT count(*) FROM mirror_links").scalar()
    assert links == 0
    assert "1 link(s) of objects the mirror does not hold were dropped" in caplog.text


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_the_sql_for_a_dba_says_how_many_links_it_drops(store_url: str) -> None:
    """Run by a DBA, revision 0005's SQL counts the links it drops in the server and
    says so in a WARNING, as the upgrade of a mirror that opens does in its log."""
    import psycopg

    _at_revision(
        store_url,
        "0004",
        "INSERT INTO mirror_links VALUES ('x', 'persons', 'gone', 'sections', 's-1'), "
        "('x', 'persons', 'gone', 'orgs', 'o-1')",
    )
    script = migration_sql("postgresql", start="0004")
    plain = sa.make_url(store_url).set(drivername="postgresql")
    notices: list[tuple[str | None, str | None]] = []
    with psycopg.connect(plain.render_as_string(hide_password=False), autocommit=True) as db:
        db.add_notice_handler(
            lambda d: notices.append((d.severity_nonlocalized, d.message_primary))
        )
        db.execute(script.encode())
        assert db.execute("SELECT count(*) FROM mirror_links").fetchone() == (0,)
    assert (
        "WARNING",
        "mirror schema 0005: 2 link(s) of objects the mirror does not hold were dropped",
    ) in notices


def test_revision_0006_keeps_the_change_feed_and_goes_on_after_its_cursors(
    store_url: str,
) -> None:
    """The feed's rows and cursors stay, a view of yours on it answers, and the next
    change comes after the greatest cursor given since the upgrade (SQLite) or ever
    (PostgreSQL, whose cursors never came back), on the way up and down."""
    from alembic import command

    change = (
        "INSERT INTO mirror_changes (tenant_id, object_type, object_id, op, at) "
        "VALUES ('x', 'persons', 'p-{}', 'upsert', '2026-11-30 00:00:00+00:00')"
    )
    _at_revision(
        store_url,
        "0005",
        *(change.format(n) for n in (1, 2, 3)),
        'DELETE FROM mirror_changes WHERE "cursor" = 3',
        'CREATE VIEW my_feed AS SELECT "cursor", object_id FROM mirror_changes',
    )

    def feed(connection: sa.Connection) -> list[tuple[int, str]]:
        rows = connection.exec_driver_sql('SELECT * FROM my_feed ORDER BY "cursor"')
        return [tuple(row) for row in rows]  # type: ignore[misc]

    with Mirror.open(store_url) as mirror, mirror.engine.begin() as connection:
        assert MIRROR.current(connection) == head()
        assert feed(connection) == [(1, "p-1"), (2, "p-2")]
        connection.exec_driver_sql('DELETE FROM mirror_changes WHERE "cursor" = 2')
        connection.exec_driver_sql(change.format(4))
        # 3 was given and deleted before the upgrade: SQLite did not keep that
        given = 3 if store_url.startswith("sqlite") else 4
        assert feed(connection) == [(1, "p-1"), (given, "p-4")]
        command.downgrade(MIRROR._config(connection=connection), "0005")
        assert feed(connection) == [(1, "p-1"), (given, "p-4")]
        connection.exec_driver_sql(change.format(5))
        assert feed(connection)[-1] == (given + 1, "p-5")


def test_revision_0006_keys_the_records_of_long_task_ids_by_their_digest(tmp_path: Path) -> None:
    """SQLite held a task id of more than 128 characters as it was; from 0006 on, its
    records are keyed by its digest: a redelivery is still found, not applied again."""
    url = str(tmp_path / "m.db")
    long_id = "t" * 200
    task = data_task("ADD", "persons", None, 1, object_id=new_id(), id=long_id)
    _at_revision(
        url,
        "0005",
        "INSERT INTO mirror_inbox (task_id, tenant_id, result, status, recorded_at) "
        f"VALUES ('{long_id}', 'x', 'parked', 'error', '2026-11-30 00:00:00+00:00')",
        "INSERT INTO mirror_parked (task_id, tenant_id, attempts, parked_at) "
        f"VALUES ('{long_id}', 'x', 1, '2026-11-30 00:00:00+00:00')",
    )
    with Mirror.open(url) as mirror:
        (again,) = mirror.apply([task])
        assert (again.result, again.status) == ("duplicate", "error")
        (parked,) = mirror.parked()
        assert parked.task_id.startswith("sha256:")


def test_a_failed_upgrade_leaves_sqlites_rename_setting_as_it_was(tmp_path: Path) -> None:
    """Revision 0005 renames with ``legacy_alter_table`` on, a setting of the connection
    that a rollback does not undo: it is turned off again when a rename fails."""
    from alembic import command

    from kimono_interop.mirror._migrations import MIRROR
    from kimono_interop.mirror._store import create_engine

    url = str(tmp_path / "mirror.db")
    # a table in the way of the rename
    _at_revision(url, "0004", "CREATE TABLE mirror_objects_old (x INTEGER)")
    with pytest.raises(sa.exc.OperationalError, match="mirror_objects_old"):
        Mirror.open(url)
    engine = create_engine(database_url(url))
    try:
        with engine.connect() as connection:
            with (
                pytest.raises(sa.exc.OperationalError, match="mirror_objects_old"),
                connection.begin(),
            ):
                command.upgrade(MIRROR._config(connection=connection), "head")
            assert MIRROR.current(connection) == "0004"
            assert connection.exec_driver_sql("PRAGMA legacy_alter_table").scalar() == 0
    finally:
        engine.dispose()


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_revision_0005_keeps_what_is_attached_to_postgresqls_tables(store_url: str) -> None:
    """PostgreSQL's objects and links are altered in place: a grant and a comment of yours
    on them stay (a rebuilt table would have lost both)."""
    role = f"reader_{new_id().replace('-', '')[:12]}"
    _at_revision(
        store_url,
        "0004",
        f"CREATE ROLE {role}",
        f"GRANT SELECT ON mirror_objects, mirror_links TO {role}",
        # column grants count too
        f"GRANT INSERT (tenant_id, object_type, object_id) ON mirror_objects TO {role}",
        "COMMENT ON TABLE mirror_links IS 'the links'",
        # a publication: the links keep a replica identity while their rows are keyed
        f"CREATE PUBLICATION {role} FOR TABLE mirror_objects, mirror_links",
        "INSERT INTO mirror_objects (tenant_id, object_type, object_id, deleted, updated_at) "
        "VALUES ('x', 'persons', 'p-1', false, now())",
        "INSERT INTO mirror_links VALUES ('x', 'persons', 'p-1', 'sections', 's-1')",
    )
    try:
        with Mirror.open(store_url) as mirror, mirror.engine.connect() as connection:
            granted = connection.exec_driver_sql(
                f"SELECT has_table_privilege('{role}', 'mirror_links', 'SELECT'), "
                f"has_table_privilege('{role}', 'mirror_objects', 'SELECT'), "
                "obj_description('mirror_links'::regclass, 'pg_class'), "
                # and a role that inserts objects may use their new key's sequence
                f"has_sequence_privilege('{role}', 'mirror_objects_object_key_seq', 'USAGE')"
            ).one()
            published = connection.exec_driver_sql(
                f"SELECT tablename FROM pg_publication_tables WHERE pubname = '{role}' "
                "ORDER BY tablename"
            ).scalars()
            assert list(published) == ["mirror_links", "mirror_objects"]
            assert connection.exec_driver_sql("SELECT count(*) FROM mirror_links").scalar() == 1
    finally:
        _at_revision(
            store_url,
            "head",
            f"DROP PUBLICATION IF EXISTS {role}",
            f"DROP OWNED BY {role}",
            f"DROP ROLE {role}",
        )
    assert tuple(granted) == (True, True, "the links", True)


@pytest.mark.parametrize(
    ("statement", "stops"),
    [
        # a trigger on the links would fail at their next write
        (
            "CREATE TRIGGER my_audit AFTER INSERT ON mirror_links BEGIN SELECT new.tenant_id; END",
            True,
        ),
        # a quote or dashes inside a quoted name hide nothing
        (
            'CREATE VIEW my_odd AS SELECT 1 AS "it\'s", 2 AS "a--b", tenant_id FROM mirror_links',
            True,
        ),
        # a trigger on the links that happens to share a name with one of the mirror's views
        ("CREATE TRIGGER mirror_persons AFTER INSERT ON mirror_links BEGIN SELECT 1; END", True),
        # the name in a comment, a string or a longer name is not a read of the links
        (
            "CREATE VIEW mirror_links_per_section AS SELECT section_id, count(*) AS n "
            "FROM mirror_enrollments GROUP BY section_id -- built on mirror_links",
            False,
        ),
        (
            "CREATE VIEW my_sources AS SELECT 'links of mirror_links' AS source, object_id, "
            '1 AS "mirror_links-count" FROM mirror_objects /* not mirror_links */',
            False,
        ),
        # a string where a table name belongs is a table name to SQLite
        ("CREATE VIEW my_quoted AS SELECT object_id FROM 'mirror_links'", True),
    ],
)
def test_what_of_yours_reads_the_links_on_sqlite(
    tmp_path: Path, statement: str, stops: bool
) -> None:
    url = str(tmp_path / "mirror.db")
    _at_revision(url, "0004", statement)
    if stops:
        with pytest.raises(RuntimeError, match="read\\(s\\) mirror_links"):
            Mirror.open(url)
    else:
        with Mirror.open(url) as mirror, mirror.engine.connect() as connection:
            assert MIRROR.current(connection) == head()


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize(
    ("statements", "named"),
    [
        (
            [
                "CREATE FUNCTION my_audit() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN PERFORM NEW.tenant_id; RETURN NEW; END $$",
                "CREATE TRIGGER my_audit AFTER INSERT ON mirror_links "
                "FOR EACH ROW EXECUTE FUNCTION my_audit()",
            ],
            "trigger my_audit read(s) mirror_links",
        ),
        (
            ["CREATE RULE my_rule AS ON INSERT TO mirror_links DO ALSO NOTIFY my_channel"],
            "rule my_rule on mirror_links read(s) mirror_links",
        ),
        # a rule of yours on one of the mirror's views that writes the links
        (
            [
                "CREATE RULE my_insert AS ON INSERT TO mirror_person_schools DO INSTEAD "
                "INSERT INTO mirror_links (tenant_id, object_type, object_id, rel, target_id) "
                "VALUES (NEW.tenant_id, 'persons', NEW.person_id, 'schools', NEW.school_id)"
            ],
            "rule my_insert on mirror_person_schools read(s) mirror_links",
        ),
        # a partitioned table's foreign key, named once (its partitions' copies cannot be
        # dropped alone), and a name that needs quotes, quoted
        (
            [
                'CREATE TABLE "My Grades" (tenant_id varchar(64), object_type varchar(64), '
                'object_id varchar(128), CONSTRAINT "My Person" FOREIGN KEY '
                "(tenant_id, object_type, object_id) REFERENCES mirror_objects) "
                "PARTITION BY LIST (tenant_id)",
                "CREATE TABLE my_grades_x PARTITION OF \"My Grades\" FOR VALUES IN ('x')",
                "CREATE TABLE my_grades_y PARTITION OF \"My Grades\" FOR VALUES IN ('y')",
            ],
            'foreign key "My Person" on "My Grades" rest(s) on a key or column',
        ),
        # on a column of the links that goes
        (
            [
                "CREATE TABLE my_tenants (id varchar(64) PRIMARY KEY)",
                "ALTER TABLE mirror_links ADD CONSTRAINT my_tenant FOREIGN KEY (tenant_id) "
                "REFERENCES my_tenants NOT VALID",
            ],
            "foreign key my_tenant on mirror_links rest(s) on a key or column",
        ),
        # a view that rests on the objects' key (grouped by it), with no foreign key
        (
            [
                "CREATE VIEW my_counts AS SELECT o.tenant_id, o.object_type, o.object_id, "
                "o.person_type, count(*) AS n FROM mirror_objects o "
                "GROUP BY o.tenant_id, o.object_type, o.object_id"
            ],
            "view my_counts rest(s) on a key or column",
        ),
    ],
)
def test_what_of_yours_reads_the_links_or_rests_on_a_key_stops_revision_0005_by_name(
    store_url: str, statements: list[str], named: str
) -> None:
    """On PostgreSQL: named once, quoted where the name needs it."""
    _at_revision(store_url, "0004", *statements)
    with pytest.raises(RuntimeError) as stopped:
        Mirror.open(store_url)
    assert str(stopped.value).startswith(named), stopped.value


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_a_foreign_key_of_yours_to_the_objects_stops_revision_0005_by_name(
    store_url: str,
) -> None:
    """PostgreSQL drops no key a foreign key rests on: one of yours to the objects' 0004
    key stops the upgrade by name with what to do, the database left at 0004; once it is
    dropped, the upgrade goes through, and the same foreign key can be made again on the
    three columns, which stay unique."""
    from kimono_interop.mirror._store import create_engine

    make = (
        "ALTER TABLE my_grades ADD CONSTRAINT my_person FOREIGN KEY "
        "(tenant_id, object_type, object_id) "
        "REFERENCES mirror_objects (tenant_id, object_type, object_id)"
    )
    _at_revision(
        store_url,
        "0004",
        "CREATE TABLE my_grades (tenant_id varchar(64), object_type varchar(64), "
        "object_id varchar(128), grade text)",
        make,
    )
    stopped = r"^foreign key my_person on my_grades rest\(s\) on a key .*drop it, upgrade again"
    with pytest.raises(RuntimeError, match=stopped):
        Mirror.open(store_url)
    engine = create_engine(database_url(store_url))
    try:
        with engine.begin() as connection:
            assert MIRROR.current(connection) == "0004"
            connection.exec_driver_sql("ALTER TABLE my_grades DROP CONSTRAINT my_person")
        with Mirror.open(store_url) as mirror, mirror.engine.begin() as connection:
            assert MIRROR.current(connection) == head()
            connection.exec_driver_sql(make)
    finally:
        engine.dispose()


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize(
    ("statements", "named", "drop"),
    [
        (
            ["CREATE TABLE my_notes (object_key bigint REFERENCES mirror_objects, note text)"],
            "foreign key my_notes_object_key_fkey on my_notes",
            "DROP TABLE my_notes",
        ),
        # what reads the objects' key, which goes on the way down (PostgreSQL would
        # refuse to drop the column with its bare "other objects depend on it")
        (
            ["CREATE VIEW my_keys AS SELECT object_key, object_id FROM mirror_objects"],
            "view my_keys",
            "DROP VIEW my_keys",
        ),
        (
            [
                "CREATE FUNCTION my_check() RETURNS trigger LANGUAGE plpgsql "
                "AS 'BEGIN RETURN NEW; END'",
                'CREATE TRIGGER "My Check" BEFORE UPDATE ON mirror_objects FOR EACH ROW '
                "WHEN (NEW.object_key > 0) EXECUTE FUNCTION my_check()",
            ],
            'trigger "My Check" on mirror_objects',
            'DROP TRIGGER "My Check" ON mirror_objects',
        ),
    ],
)
def test_what_of_yours_uses_an_object_key_stops_the_downgrade_by_name(
    store_url: str, statements: list[str], named: str, drop: str
) -> None:
    _downgrade_stops_by_name(store_url, statements, named, drop)


def _downgrade_stops_by_name(url: str, statements: list[str], named: str, drop: str) -> None:
    """The way down to 0004 stops, naming what ``statements`` made, and changes nothing;
    once ``drop`` has dropped it, the way down goes."""
    from alembic import command

    with Mirror.open(url) as mirror:
        with mirror.engine.begin() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)
        stopped = pytest.raises(RuntimeError, match=f"^{re.escape(named)} rest")
        with stopped, mirror.engine.begin() as connection:
            command.downgrade(MIRROR._config(connection=connection), "0004")
        with mirror.engine.begin() as connection:
            assert MIRROR.current(connection) == head()
            connection.exec_driver_sql(drop)
        with mirror.engine.begin() as connection:
            command.downgrade(MIRROR._config(connection=connection), "0004")
            assert MIRROR.current(connection) == "0004"


@pytest.mark.parametrize(
    ("statement", "named"),
    [
        (
            "CREATE VIEW my_keys AS SELECT object_key, object_id FROM mirror_objects",
            "view my_keys",
        ),
        (
            'CREATE TRIGGER my_check AFTER UPDATE ON "mirror_objects" '
            "WHEN NEW.object_key > 0 BEGIN SELECT 1; END",
            "trigger my_check",
        ),
    ],
)
def test_what_of_yours_reads_an_object_key_on_sqlite_stops_the_downgrade_by_name(
    tmp_path: Path, statement: str, named: str
) -> None:
    """SQLite keeps a view or trigger whose column is gone, and fails it from then on:
    the way down stops first, names it, and goes once it is dropped."""
    kind, name = named.split()
    _downgrade_stops_by_name(str(tmp_path / "m.db"), [statement], named, f"DROP {kind} {name}")


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize(
    ("statement", "named"),
    [
        (
            "CREATE TABLE my_grades (tenant_id varchar(64), object_type varchar(64), "
            "object_id varchar(128), CONSTRAINT my_person FOREIGN KEY "
            "(tenant_id, object_type, object_id) REFERENCES mirror_objects)",
            r"foreign key my_person on my_grades rest\(s\) on a key .*drop it, upgrade again",
        ),
        (
            "CREATE VIEW my_links AS SELECT object_id, target_id FROM mirror_links",
            r"view my_links read\(s\) mirror_links, .* link's object .*drop it",
        ),
    ],
)
def test_the_sql_for_a_dba_makes_postgresqls_checks_in_the_server(
    store_url: str, statement: str, named: str
) -> None:
    """The SQL written for a DBA cannot ask the database before it is run, so on
    PostgreSQL it carries revision 0005's checks: run with something of yours in the
    way, it stops in the server with the same words, and changes nothing; once that is
    dropped, the same script upgrades."""
    import psycopg

    _at_revision(store_url, "0004", statement)
    script = migration_sql("postgresql", start="0004")
    plain = sa.make_url(store_url).set(drivername="postgresql")
    with psycopg.connect(plain.render_as_string(hide_password=False), autocommit=True) as db:
        with pytest.raises(psycopg.errors.RaiseException, match=f"^{named}"):
            db.execute(script.encode())  # as psql -v ON_ERROR_STOP=1 -f would
        db.execute("ROLLBACK")  # the script's own transaction (psql would end the session)
        assert db.execute("SELECT version_num FROM mirror_alembic_version").fetchall() == [
            ("0004",)
        ]
        db.execute("DROP TABLE my_grades" if "my_grades" in statement else "DROP VIEW my_links")
        db.execute(script.encode())
        assert db.execute("SELECT version_num FROM mirror_alembic_version").fetchall() == [
            (head(),)
        ]


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_a_foreign_key_of_yours_on_a_column_that_stays_is_no_matter(store_url: str) -> None:
    """Foreign keys on the links' target and on the objects' tenant, which stay, neither
    stop revision 0005 nor go."""
    _at_revision(
        store_url,
        "0004",
        "CREATE TABLE my_targets (id varchar(128) PRIMARY KEY)",
        "ALTER TABLE mirror_links ADD CONSTRAINT my_target FOREIGN KEY (target_id) "
        "REFERENCES my_targets NOT VALID",
        "CREATE TABLE my_tenants (id varchar(64) PRIMARY KEY)",
        "ALTER TABLE mirror_objects ADD CONSTRAINT my_tenant FOREIGN KEY (tenant_id) "
        "REFERENCES my_tenants NOT VALID",
    )
    with Mirror.open(store_url) as mirror, mirror.engine.connect() as connection:
        assert MIRROR.current(connection) == head()
        kept = connection.exec_driver_sql(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint "
            "WHERE conrelid IN ('mirror_links'::regclass, 'mirror_objects'::regclass) "
            "AND contype = 'f' ORDER BY conname"
        ).all()
        assert [tuple(row) for row in kept] == [
            ("mirror_links", "my_target"),
            ("mirror_objects", "my_tenant"),
        ]


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("references", "stops"),
    [
        ("REFERENCES mirror_objects", True),  # its primary key: object_key after 0005
        ("REFERENCES mirror_links", True),
        ("REFERENCES mirror_objects (tenant_id, object_type, object_id)", False),  # unique
    ],
)
def test_a_foreign_key_of_yours_on_sqlite_that_revision_0005_would_break_stops_it(
    store_url: str, references: str, stops: bool
) -> None:
    """SQLite checks a foreign key's parent key when it is used, not when a table is
    rebuilt: one that would no longer match a unique key stops the upgrade; one that
    names the object's tenant, type and id, which stay unique, still answers after it."""
    _at_revision(
        store_url,
        "0004",
        "CREATE TABLE my_grades (tenant_id TEXT, object_type TEXT, object_id TEXT, "
        f"FOREIGN KEY (tenant_id, object_type, object_id) {references})",
    )
    if stops:
        with pytest.raises(RuntimeError, match=r"^a foreign key of table my_grades to mirror_"):
            Mirror.open(store_url)
        return
    with Mirror.open(store_url) as mirror:
        task = data_task("ADD", "persons", {}, 1, object_id="p-1", tenant="x")
        assert [o.result for o in mirror.apply([task])] == ["applied"]
    path = sa.make_url(database_url(store_url)).database
    assert path
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.execute("PRAGMA foreign_keys=ON")  # outside a transaction, or ignored
        connection.execute("INSERT INTO my_grades VALUES ('x', 'persons', 'p-1')")
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY constraint failed"):
            connection.execute("INSERT INTO my_grades VALUES ('x', 'persons', 'p-2')")


#: Rows of revision 0007 stored under topics' names (object_key, type, id, sequence,
#: deleted, person_type, day written): what revision 0008 moves.
_ROWS_0007 = [
    (1, "student", "p1", 5, False, None, 1),  # older by sequence: goes
    (2, "persons", "p1", 9, False, "student", 1),
    (3, "rdm:student", "p2", 7, False, None, 1),  # newer by sequence: stays
    (4, "persons", "p2", 3, False, None, 2),
    (5, "rdm:coursesection", "s1", 1, False, None, 1),
    (6, "widgets", "w1", 1, False, None, 1),
    (7, "persons", "p3", None, False, None, 1),  # added as a Person...
    (8, "student", "p3", None, True, None, 2),  # ...deleted later as a Student: deleted
    (9, "staff", "p4", 2, False, None, 1),  # older, but its type stays with the object
    (10, "persons", "p4", 4, False, None, 1),
    (11, "school", "o1", None, False, None, 2),  # written last: stays
    (12, "lea", "o1", None, False, None, 1),
    (13, "persons", "p5", None, False, None, 3),  # added as a Person and deleted as a
    (14, "student", "p5", None, True, None, 3),  # Student in one chunk (one time): deleted
]


def _rows_0007() -> list[str]:
    row = (
        "INSERT INTO mirror_objects (object_key, tenant_id, object_type, object_id, data, "
        "sequence, deleted, person_type, updated_at) VALUES "
        "({}, 'x', '{}', '{}', '{{\"v\": 1}}', {}, {}, {}, '2026-11-0{} 00:00:00.000000')"
    )
    return [
        row.format(
            key,
            kind,
            id_,
            "NULL" if seq is None else seq,
            "TRUE" if deleted else "FALSE",
            "NULL" if typed is None else f"'{typed}'",
            day,
        )
        for key, kind, id_, seq, deleted, typed, day in _ROWS_0007
    ] + [
        "INSERT INTO mirror_links (object_key, rel, target_id) VALUES "
        "(1, 'sections', 'gone-1'), (2, 'sections', 's1'), (4, 'schools', 'gone-4'), "
        "(5, 'students', 'p2')",
        "INSERT INTO mirror_inbox (task_id, tenant_id, object_type, result, status, "
        "recorded_at) VALUES ('t1', 'x', 'student', 'applied', 'success', "
        "'2026-11-30 00:00:00+00:00')",
        "INSERT INTO mirror_changes (tenant_id, object_type, object_id, op, at) "
        "VALUES ('x', 'rdm:student', 'p2', 'upsert', '2026-11-30 00:00:00+00:00'), "
        "('x', 'persons', 'p5', 'upsert', '2026-11-03 00:00:00+00:00'), "
        "('x', 'student', 'p5', 'delete', '2026-11-03 00:00:00+00:00')",
    ]


def _check_0008(connection: sa.Connection) -> None:
    def rows(sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in connection.exec_driver_sql(sql).all()]

    objects = rows(
        "SELECT object_key, object_type, object_id, person_type, deleted FROM mirror_objects "
        "ORDER BY object_key"
    )
    assert [(k, kind, i, typed, bool(d)) for k, kind, i, typed, d in objects] == [
        (2, "persons", "p1", "student", False),
        (3, "persons", "p2", "student", False),
        (5, "sections", "s1", None, False),
        (6, "widgets", "w1", None, False),
        (8, "persons", "p3", "student", True),
        (10, "persons", "p4", "staff", False),
        (11, "orgs", "o1", None, False),
        (14, "persons", "p5", "student", True),
    ]
    assert rows("SELECT object_key, target_id FROM mirror_links ORDER BY object_key") == [
        (2, "s1"),
        (5, "p2"),
    ]
    # (the section lists p2; p1, the newer row, lists the section)
    enrolled = rows("SELECT section_id, person_id, person_type FROM mirror_enrollments")
    assert sorted(enrolled) == [("s1", p, "student") for p in ("p1", "p2")]
    assert rows("SELECT object_type FROM mirror_inbox") == [("persons",)]
    # the feed's old row under the type's name, then each moved object's state
    feed = rows('SELECT object_type, object_id, op FROM mirror_changes ORDER BY "cursor"')
    assert feed[:3] == [
        ("persons", "p2", "upsert"),
        ("persons", "p5", "upsert"),
        ("persons", "p5", "delete"),
    ]
    assert sorted(feed[3:]) == sorted(
        [
            ("persons", "p5", "delete"),
            ("persons", "p1", "upsert"),
            ("persons", "p2", "upsert"),
            ("persons", "p3", "delete"),
            ("persons", "p4", "upsert"),
            ("orgs", "o1", "upsert"),
            ("orgs", "o1", "upsert"),
            ("sections", "s1", "upsert"),
        ]
    )


def test_revision_0008_moves_objects_under_a_topic_s_name_to_their_type(store_url: str) -> None:
    """Objects stored under a blueprint topic's name (``student``, ``rdm:coursesection``)
    join their type. Of one object under two names the row written last stays, with its
    links: by sequence where both have one, else by when each was written (a person
    added as a Person and deleted as a Student stays deleted). The type a ``Student`` or
    ``Staff`` row names is the object's; records and a held sweep's types follow; the
    change feed tells each moved object's state under its type's name; another type
    stays as it was."""
    _at_revision(
        store_url,
        "0007",
        *_rows_0007(),
        "INSERT INTO mirror_syncs (tenant_id, status, types, started_at) VALUES "
        "('x', 'held', '[\"student\", \"orgs\"]', '2026-11-30 00:00:00+00:00')",
    )
    with Mirror.open(store_url) as mirror, mirror.engine.connect() as connection:
        _check_0008(connection)
        assert mirror.syncs()[0].types == ["orgs", "persons"]


def test_the_sql_for_a_dba_moves_what_revision_0008_moves(tmp_path: Path) -> None:
    """The SQL written for a DBA (SQLite here) moves the roster's names as the online
    upgrade does."""
    path = tmp_path / "m.db"
    _at_revision(str(path), "0007", *_rows_0007())
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.executescript(migration_sql("sqlite", start="0007"))
    finally:
        connection.close()
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            _check_0008(connection)
    finally:
        engine.dispose()


def test_a_database_of_a_newer_version_is_left_as_it_is_and_said_so(
    store_url: str, tmp_path: Path
) -> None:
    """A mirror a newer kimono-interop wrote (a revision this one does not know): opening
    it failed with Alembic's "Can't locate revision" (a traceback from `mirror run`),
    after the database-wide lock; and a reader's command told to "open it once to
    upgrade it", which failed so. Now both say to upgrade kimono-interop, and the
    database is not touched."""
    from kimono_interop.mirror import NoMirror, SchemaTooNew
    from tests.support.cli import run

    with Mirror.open(store_url) as mirror, mirror.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE mirror_alembic_version SET version_num = '0099'")
    for create in (True, False):
        with pytest.raises(SchemaTooNew, match=r"0099.*Upgrade kimono-interop") as raised:
            Mirror.open(store_url, create=create)
        assert isinstance(raised.value, NoMirror)
    for command in (("status",), ("changes",)):
        result = run("mirror", *command, "--db", store_url)
        assert result.exit_code == 3, result.output
        assert "Upgrade kimono-interop" in result.stderr and "open it once" not in result.stderr
        assert "Traceback" not in result.output
    engine = sa.create_engine(database_url(store_url))
    try:
        with engine.connect() as connection:
            version = connection.exec_driver_sql("SELECT version_num FROM mirror_alembic_version")
            assert version.scalar_one() == "0099"
    finally:
        engine.dispose()


def test_the_sql_for_a_dba_stops_where_revision_0006_would_leave_long_task_ids(
    tmp_path: Path,
) -> None:
    """SQLite: the SQL written for a DBA cannot key the records of a long task id by its
    digest, and left them as they were: such a parked task could never be replayed
    (replay looks for its digest). It now stops before changing anything, and says to
    open the mirror; without such records it runs through."""
    script = migration_sql("sqlite", start="0005")
    long_id = "t" * 200
    for name, records in (("long.db", 1), ("plain.db", 0)):
        path = tmp_path / name
        task_id = long_id if records else "t-1"
        _at_revision(
            str(path),
            "0005",
            "INSERT INTO mirror_parked (task_id, tenant_id, attempts, parked_at) "
            f"VALUES ('{task_id}', 'x', 1, '2026-11-30 00:00:00+00:00')",
        )
        connection = sqlite3.connect(path, isolation_level=None)
        try:
            if records:
                with pytest.raises(sqlite3.IntegrityError, match=r"open.*Mirror\.open"):
                    connection.executescript(script)
                connection.rollback()
            else:
                connection.executescript(script)
            (version,) = connection.execute(
                "SELECT version_num FROM mirror_alembic_version"
            ).fetchone()
        finally:
            connection.close()
        assert version == ("0005" if records else head())


@pytest.mark.parametrize("lost", ["dropped", "emptied"])
def test_tables_whose_revision_record_is_lost_are_left_as_they_are_and_said_so(
    store_url: str, lost: str
) -> None:
    """The mirror's tables with their version table dropped or emptied: opening them
    failed with "table mirror_objects already exists" (the first revision run again),
    and a reader's command said there was no mirror and to make one. Both say what is
    lost and how to record it; the data is not touched."""
    from kimono_interop.mirror import NoMirror, SchemaNotRecorded
    from tests.support.cli import run

    with Mirror.open(store_url) as mirror:
        mirror.apply([data_task("ADD", "persons", None, 1, object_id=new_id())])
        with mirror.engine.begin() as connection:
            if lost == "dropped":
                connection.exec_driver_sql("DROP TABLE mirror_alembic_version")
            else:
                connection.exec_driver_sql("DELETE FROM mirror_alembic_version")
    for create in (True, False):
        with pytest.raises(SchemaNotRecorded, match="alembic stamp") as raised:
            Mirror.open(store_url, create=create)
        assert isinstance(raised.value, NoMirror)
        assert "already exists" not in str(raised.value)
    result = run("mirror", "status", "--db", store_url)
    assert result.exit_code == 3, result.output
    assert "no record of its schema revision" in result.stderr
    assert "makes (or upgrades)" not in result.stderr
    engine = sa.create_engine(database_url(store_url))
    try:
        with engine.connect() as connection:
            count = connection.exec_driver_sql("SELECT count(*) FROM mirror_inbox").scalar_one()
            assert count == 1
    finally:
        engine.dispose()
