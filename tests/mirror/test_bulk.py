"""The bulk writes of a chunk, on both stores: what they send, and that the guards still hold."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from kimono_interop.mirror import Mirror, Result

from .builders import TENANT, data_task, new_id, person, section


@pytest.fixture
def mirror(store_url: str) -> Iterator[Mirror]:
    with Mirror.open(store_url) as opened:
        yield opened


@pytest.fixture
def statements(mirror: Mirror) -> Iterator[list[str]]:
    """The SQL statements the mirror's engine sends (an executemany counts once)."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(" ".join(statement.split()))

    sa.event.listen(mirror.engine, "before_cursor_execute", record)
    yield sent
    sa.event.remove(mirror.engine, "before_cursor_execute", record)


def _reads(sent: list[str], table: str) -> list[str]:
    """The reads of ``table`` (PostgreSQL joins it to the array of keys looked up)."""
    return [
        s
        for s in sent
        if s.upper().startswith("SELECT") and (f"FROM {table}" in s or f"JOIN {table}" in s)
    ]


def _writes(sent: list[str], verb: str, table: str) -> list[str]:
    """The statements that write ``table`` (PostgreSQL may put two tables' in one)."""
    return [s for s in sent if f"{verb} {table}" in s and not s.upper().startswith("SELECT")]


def test_a_chunk_reads_the_inbox_and_the_objects_once_and_writes_each_table_once(
    mirror: Mirror, statements: list[str]
) -> None:
    ids = [new_id() for _ in range(100)]
    tasks = [
        data_task("ADD", "persons", person(i, sections=[new_id()]), n + 1)
        for n, i in enumerate(ids)
    ]
    assert {o.result for o in mirror.apply(tasks)} == {Result.APPLIED}
    assert len(_reads(statements, "mirror_inbox")) == 1
    assert len(_reads(statements, "mirror_objects")) == 1
    # objects, links, changes, inbox: one statement each, whatever the number of tasks
    for table in ("mirror_objects", "mirror_links", "mirror_changes", "mirror_inbox"):
        assert len(_writes(statements, "INSERT INTO", table)) == 1, (table, statements)
    assert not _writes(statements, "UPDATE", "mirror_objects")
    statements.clear()
    updates = [
        data_task("UPDATE", "persons", person(i, schools=[i], name="B"), 200 + n)
        for n, i in enumerate(ids)
    ]
    assert {o.result for o in mirror.apply(updates)} == {Result.APPLIED}
    assert len(_reads(statements, "mirror_inbox")) == 1
    assert len(_reads(statements, "mirror_objects")) == 1
    assert len(_writes(statements, "UPDATE", "mirror_objects")) == 1
    assert len(_writes(statements, "DELETE FROM", "mirror_links")) == 1
    for table in ("mirror_links", "mirror_changes", "mirror_inbox"):
        assert len(_writes(statements, "INSERT INTO", table)) == 1, (table, statements)
    assert not _writes(statements, "INSERT INTO", "mirror_objects")
    assert all(
        s.data is not None and s.data["name"]["first"] == "B" for s in mirror.objects("persons")
    )


def test_the_sequence_guard_holds_within_one_chunk(mirror: Mirror) -> None:
    pid, s1, s2 = new_id(), new_id(), new_id()
    outcomes = mirror.apply(
        [
            data_task("ADD", "persons", person(pid, sections=[s1], name="Old"), 5),
            data_task("UPDATE", "persons", person(pid, sections=[s2], name="New"), 9),
            data_task("UPDATE", "persons", person(pid, sections=[s1], name="Older"), 7),
            data_task("DELETE", "persons", None, 8, object_id=pid),
        ]
    )
    assert [o.result for o in outcomes] == [
        Result.APPLIED,
        Result.APPLIED,
        Result.STALE,
        Result.STALE,
    ]
    stored = mirror.get(TENANT, "persons", pid)
    assert stored is not None and stored.sequence == 9 and not stored.deleted
    assert stored.data == person(pid, sections=[s2], name="New")
    with mirror.engine.connect() as connection:
        targets = connection.scalars(sa.text("SELECT target_id FROM mirror_links")).all()
    assert targets == [s2]
    assert [c.sequence for c in mirror.changes()] == [5, 9]


def test_objects_of_two_types_with_one_id_are_guarded_apart(mirror: Mirror) -> None:
    shared = new_id()
    mirror.apply([data_task("ADD", "persons", person(shared), 10)])
    outcomes = mirror.apply(
        [
            data_task("ADD", "sections", section(shared), 3),
            data_task("UPDATE", "persons", person(shared, name="B"), 4),
        ]
    )
    assert [o.result for o in outcomes] == [Result.APPLIED, Result.STALE]
    stored = mirror.get(TENANT, "sections", shared)
    assert stored is not None and stored.sequence == 3


def test_sqlite_stores_timestamps_and_json_as_sqlalchemy_reads_them(tmp_path: Any) -> None:
    with Mirror.open(tmp_path / "mirror.db") as mirror:
        pid = new_id()
        data = person(pid, name="Zoë")
        mirror.apply([data_task("ADD", "persons", data, 1)])
        with mirror.engine.connect() as connection:
            row = connection.execute(
                sa.text("SELECT updated_at, data FROM mirror_objects WHERE object_id = :id"),
                {"id": pid},
            ).one()
            recorded = connection.scalar(sa.text("SELECT recorded_at FROM mirror_inbox"))
            at = connection.scalar(sa.text("SELECT at FROM mirror_changes"))
        pattern = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}"
        assert all(re.fullmatch(pattern, value) for value in (row.updated_at, recorded, at))
        assert "Zoë" in row.data
        stored = mirror.get(TENANT, "persons", pid)
        assert stored is not None and stored.data == data
        assert stored.updated_at.tzinfo is not None


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_postgresql_statistics_are_refreshed_as_the_tables_grow(
    mirror: Mirror, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without statistics the planner may look links up through the wrong index (a scan
    of the tenant's links per chunk): the applier runs ANALYZE as the count doubles."""
    assert mirror.engine.dialect.name == "postgresql"
    from kimono_interop.mirror import _store

    monkeypatch.setattr(_store._Statistics, "FIRST", 30)

    def analyzed() -> int:
        with mirror.engine.connect() as connection:
            return int(
                connection.exec_driver_sql(
                    "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'mirror_links'"
                ).scalar_one()
            )

    def add(count: int) -> None:
        mirror.apply(
            [
                data_task("ADD", "persons", person(new_id(), sections=[new_id()]), 1)
                for _ in range(count)
            ]
        )

    before = analyzed()  # the migrations analyze the tables they alter
    add(20)
    assert analyzed() == before
    add(20)  # 40 >= 30: analyzed; the next at 80
    assert analyzed() == before + 1
    add(20)
    assert analyzed() == before + 1
    add(20)
    assert analyzed() == before + 2


def test_an_update_writes_only_the_links_that_changed(mirror: Mirror) -> None:
    """An update leaves the links it keeps, deletes the ones dropped and inserts the new
    ones; a DELETE removes them all. On SQLite a link kept is not written again (a trigger
    logs every write of a link); PostgreSQL rewrites them (a diff did not pay there)."""
    pid, school, s1, s2, s3 = new_id(), new_id(), new_id(), new_id(), new_id()
    with mirror.engine.begin() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("CREATE TABLE link_writes (op TEXT, target_id TEXT)")
            for op, row in (("INSERT", "new"), ("DELETE", "old")):
                connection.exec_driver_sql(
                    f"CREATE TRIGGER log_link_{op.lower()} AFTER {op} ON mirror_links BEGIN "
                    f"INSERT INTO link_writes VALUES ('{op}', {row}.target_id); END"
                )

    def links() -> set[str]:
        with mirror.engine.connect() as connection:
            return set(connection.scalars(sa.text("SELECT target_id FROM mirror_links")))

    def written() -> list[tuple[str, str]]:
        """The link writes logged since the last call (SQLite)."""
        if not sqlite:
            return []
        with mirror.engine.begin() as connection:
            rows = connection.execute(sa.text("SELECT op, target_id FROM link_writes")).all()
            connection.exec_driver_sql("DELETE FROM link_writes")
        return sorted((op, target) for op, target in rows)

    other = new_id()
    mirror.apply(
        [
            data_task("ADD", "persons", person(pid, schools=[school], sections=[s1, s2]), 1),
            data_task("ADD", "persons", person(new_id(), sections=[other]), 1),
        ]
    )
    assert links() == {school, s1, s2, other}
    assert len(written()) == (4 if sqlite else 0)
    renamed = person(pid, schools=[school], sections=[s2, s1], name="Bea")
    assert [o.result for o in mirror.apply([data_task("UPDATE", "persons", renamed, 2)])] == [
        Result.APPLIED
    ]
    assert links() == {school, s1, s2, other}
    assert written() == []
    moved = person(pid, schools=[school], sections=[s2, s3], name="Bea")
    mirror.apply([data_task("UPDATE", "persons", moved, 3)])
    assert links() == {school, s2, s3, other}
    assert written() == ([("DELETE", s1), ("INSERT", s3)] if sqlite else [])
    with mirror.engine.connect() as connection:
        sections = connection.scalars(
            sa.text("SELECT section_id FROM mirror_enrollments WHERE person_id = :p"), {"p": pid}
        ).all()
    assert sorted(sections) == sorted([s2, s3])
    mirror.apply([data_task("DELETE", "persons", None, 4, object_id=pid)])
    assert links() == {other}
    assert written() == (sorted(("DELETE", t) for t in (school, s2, s3)) if sqlite else [])


def test_an_older_sqlite_without_returning_reads_the_new_keys_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite before 3.35 has no ``INSERT ... RETURNING``: the keys of new objects are
    read back with their states, and their links name them the same."""
    from kimono_interop.mirror import _writes

    monkeypatch.setattr(_writes, "SQLITE_RETURNING", False)
    p1, p2, s1, s2 = new_id(), new_id(), new_id(), new_id()
    tasks = [
        data_task("ADD", "persons", person(p1, sections=[s1]), 1),
        data_task("ADD", "persons", person(p2, sections=[s1, s2]), 2),
        data_task("UPDATE", "persons", person(p1, sections=[s2], name="B"), 3),
    ]
    with Mirror.open(tmp_path / "mirror.db") as mirror:
        sent: list[str] = []
        sa.event.listen(mirror.engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
        assert {o.result for o in mirror.apply(tasks)} == {Result.APPLIED}
        assert sent and not [s for s in sent if "RETURNING" in s]
        with mirror.engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT section_id, person_id FROM mirror_enrollments")
            ).all()
    assert sorted(map(tuple, rows)) == sorted([(s2, p1), (s1, p2), (s2, p2)])
