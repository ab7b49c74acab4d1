"""How fast the roster mirror applies tasks: apply alone, and draining the sandbox into it.

    ./dev .venv/bin/python -m scripts.bench_mirror [--postgres] [--tasks N] [--rounds N]
        [--no-drain]

``measure(store, tasks=N)`` applies N synthetic DATA tasks carrying person-sized objects
(as the sandbox shapes them: references to schools and sections) through
``Mirror.apply`` in batches of 100, with no HTTP: first as ADDs of new objects, then as
UPDATEs of the same objects (newer sequences) referencing other schools and sections,
then as UPDATEs that change a name and keep the references, and returns tasks/s of each. ``drain``
empties a local sandbox's queue (its initial sync) with a no-op handler, then another
sandbox's identical queue into a mirror, and returns the ratio of the two rates.
``floor`` writes the same ADDs' rows by plain SQL (``sqlite3``, or psycopg's ``COPY``),
in the same transactions: first each object alone into a one-table upsert, then every
row the mirror writes (object, links, task record, change) into the mirror's own tables
and indexes, with none of its reads, locks or logic; what the mirror's ADDs reach
against the second is the part of the rate its code decides, the rest its schema.

With ``--postgres`` a throwaway cluster is started as the mirror's tests start theirs
(tests/support/postgres.py), with ``fsync`` on, as a production server has it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kimono_interop import KimonoClient
from kimono_interop._json import dumps_line
from kimono_interop._task_view import TaskView
from kimono_interop.mirror import Mirror
from kimono_interop.sandbox import Sandbox

BATCH = 100
TENANT = "5b1f3c52-7a0e-4c0d-9a57-1c1d2f3e4a5b"


def _ref(kind: str, label: str, membership: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "type": kind,
        "label": label,
        "$membership": {
            "id": str(uuid.uuid4()),
            "type": membership,
            "status": "Active",
            "primary": True,
            "start_date": "2025-08-20",
        },
    }


def person(
    n: int, object_id: str, schools: list[str], sections: list[str], last: str = "Number"
) -> dict[str, Any]:
    """A person as the sandbox gives one (about 1.5 kB of JSON, four references)."""
    school = {"$sys": _ref("orgs", "Springfield High School", "student")}
    school["$sys"]["id"] = schools[n % len(schools)]
    refs = []
    for i in range(3):
        ref = _ref("sections", f"Section {i}", "student")
        ref["id"] = sections[(n + i) % len(sections)]
        refs.append(ref)
    return {
        "$sys": {
            "id": object_id,
            "type": "persons",
            "label": f"Student {n}",
            "school_year": 2026,
            "created_at": "2025-07-01T08:00:00Z",
            "updated_at": "2025-07-01T08:00:00Z",
            "person_type": "student",
        },
        "local_id": f"S{n:06d}",
        "name": {"first": "Student", "last": f"{last} {n}"},
        "email": f"student.{n}@example.edu",
        "address": {
            "line1": f"{n} Main St",
            "city": "Springfield",
            "state": "OR",
            "postal_code": "97134",
            "country": "US",
        },
        "$schools": [school],
        "$sections": refs,
    }


def targets() -> tuple[list[str], list[str]]:
    """New ids of 3 schools and 60 sections for the persons to reference."""
    return [str(uuid.uuid4()) for _ in range(3)], [str(uuid.uuid4()) for _ in range(60)]


def tasks_of(
    count: int,
    action: str,
    ids: list[str],
    first_sequence: int,
    refs: tuple[list[str], list[str]] | None = None,
    last: str = "Number",
) -> list[TaskView]:
    """``count`` tasks of persons ``ids`` (referencing ``refs``: new ones if not given)."""
    schools, sections = refs or targets()
    views = []
    for n in range(count):
        views.append(
            TaskView.from_raw(
                {
                    "schema": "3.0",
                    "type": "data_event",
                    "id": str(uuid.uuid4()),
                    "tenant_id": TENANT,
                    "sequence": first_sequence + n,
                    "action": action,
                    "object_type": "persons",
                    "object_id": ids[n],
                    "data": person(n, ids[n], schools, sections, last),
                }
            )
        )
    return views


def _rate(mirror: Mirror, views: list[TaskView]) -> float:
    started = time.perf_counter()
    for start in range(0, len(views), BATCH):
        outcomes = mirror.apply(views[start : start + BATCH])
        assert all(o.result == "applied" for o in outcomes), outcomes[:3]
    return len(views) / (time.perf_counter() - started)


def measure(store: str | Path, tasks: int = 5000) -> dict[str, float]:
    """Tasks/s of ``Mirror.apply`` in batches of 100: ADDs of new persons, then UPDATEs
    that reference other schools and sections (every link rewritten), then UPDATEs that
    change a name and keep the references (the common case)."""
    ids = [str(uuid.uuid4()) for _ in range(tasks)]
    adds = tasks_of(tasks, "ADD", ids, 1)
    refs = targets()
    updates = tasks_of(tasks, "UPDATE", ids, tasks + 1, refs)
    renames = tasks_of(tasks, "UPDATE", ids, 2 * tasks + 1, refs, last="Renamed")
    with Mirror.open(store) as mirror:
        add = _rate(mirror, adds)
        update = _rate(mirror, updates)
        rename = _rate(mirror, renames)
    return {
        "tasks": tasks,
        "add": add,
        "update": update,
        "rename": rename,
        "per_s": 2 * tasks / (tasks / add + tasks / update),
    }


def floor(store: str | Path, tasks: int = 5000) -> dict[str, float]:
    """Tasks/s of plain SQL writing the rows of ``tasks`` ADDs in batches of 100 (see the
    module's docstring): ``upsert`` into one table, ``schema`` into the mirror's tables (a
    fresh mirror store: a SQLite file, WAL and ``synchronous=FULL``, or a PostgreSQL
    database), each object's key given with it, so that its links name it with no lookup.
    SQLite's rows go through ``sqlite3``'s ``executemany``, PostgreSQL's through psycopg:
    ``executemany`` for the upserts, ``COPY`` (its fastest way in) for the mirror's rows."""
    if str(store).startswith("postgresql"):
        return _floor_postgres(str(store), tasks)
    return _floor_sqlite(store, tasks)


def _floor_rows(tasks: int) -> tuple[list[str], list[dict[str, Any]], list[str]]:
    """Object ids, person-sized objects and task ids for a floor's ``tasks`` ADDs."""
    schools, sections = targets()
    ids = [str(uuid.uuid4()) for _ in range(tasks)]
    objects = [person(n, ids[n], schools, sections) for n in range(tasks)]
    return ids, objects, [str(uuid.uuid4()) for _ in range(tasks)]


def _links(key: int, item: dict[str, Any]) -> list[tuple[int, str, str]]:
    return [
        (key, rel[1:], ref.get("id") or ref["$sys"]["id"])
        for rel in ("$schools", "$sections")
        for ref in item[rel]
    ]


def _floor_sqlite(path: str | Path, tasks: int) -> dict[str, float]:
    ids, objects, task_ids = _floor_rows(tasks)
    at = datetime.datetime.now(datetime.timezone.utc).isoformat(sep=" ")

    def connect(file: str | Path) -> sqlite3.Connection:
        connection = sqlite3.connect(file, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        return connection

    upsert = connect(Path(path).with_suffix(".upsert.db"))
    upsert.execute(
        "CREATE TABLE objects (tenant_id TEXT, object_type TEXT, object_id TEXT, data TEXT, "
        "sequence INTEGER, PRIMARY KEY (tenant_id, object_type, object_id))"
    )
    started = time.perf_counter()
    for start in range(0, tasks, BATCH):
        upsert.execute("BEGIN IMMEDIATE")
        upsert.executemany(
            "INSERT INTO objects VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
            "data = excluded.data, sequence = excluded.sequence "
            "WHERE excluded.sequence > objects.sequence",
            [
                (TENANT, "persons", ids[n], dumps_line(objects[n]), n + 1)
                for n in range(start, min(start + BATCH, tasks))
            ],
        )
        upsert.execute("COMMIT")
    one_table = tasks / (time.perf_counter() - started)
    upsert.close()

    with Mirror.open(path):  # the schema
        pass
    mirror = connect(path)
    started = time.perf_counter()
    for start in range(0, tasks, BATCH):
        chunk = range(start, min(start + BATCH, tasks))
        mirror.execute("BEGIN IMMEDIATE")
        mirror.executemany(
            "INSERT INTO mirror_objects (object_key, tenant_id, object_type, object_id, data, "
            "sequence, deleted, person_type, updated_at) "
            "VALUES (?, ?, 'persons', ?, ?, ?, 0, 'student', ?)",
            [(n + 1, TENANT, ids[n], dumps_line(objects[n]), n + 1, at) for n in chunk],
        )
        mirror.executemany(
            "INSERT INTO mirror_links (object_key, rel, target_id) VALUES (?, ?, ?)",
            [link for n in chunk for link in _links(n + 1, objects[n])],
        )
        mirror.executemany(
            "INSERT INTO mirror_inbox VALUES (?, ?, ?, 'ADD', 'persons', ?, 'applied', "
            "'success', NULL, ?)",
            [(task_ids[n], TENANT, n + 1, ids[n], at) for n in chunk],
        )
        mirror.executemany(
            "INSERT INTO mirror_changes (tenant_id, object_type, object_id, op, action, "
            "sequence, task_id, generation, at) VALUES (?, 'persons', ?, 'upsert', 'ADD', ?, "
            "?, NULL, ?)",
            [(TENANT, ids[n], n + 1, task_ids[n], at) for n in chunk],
        )
        mirror.execute("COMMIT")
    schema = tasks / (time.perf_counter() - started)
    mirror.close()
    return {"upsert": one_table, "schema": schema}


def _floor_postgres(url: str, tasks: int) -> dict[str, float]:
    import psycopg
    import sqlalchemy as sa

    ids, objects, task_ids = _floor_rows(tasks)
    at = datetime.datetime.now(datetime.timezone.utc)
    plain = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(
            "CREATE TABLE bench_upsert (tenant_id text, object_type text, object_id text, "
            "data jsonb, sequence bigint, PRIMARY KEY (tenant_id, object_type, object_id))"
        )
        started = time.perf_counter()
        for start in range(0, tasks, BATCH):
            with connection.transaction(), connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO bench_upsert VALUES (%s, %s, %s, %s::jsonb, %s) "
                    "ON CONFLICT (tenant_id, object_type, object_id) DO UPDATE SET "
                    "data = excluded.data, sequence = excluded.sequence "
                    "WHERE excluded.sequence > bench_upsert.sequence",
                    [
                        (TENANT, "persons", ids[n], dumps_line(objects[n]), n + 1)
                        for n in range(start, min(start + BATCH, tasks))
                    ],
                )
        one_table = tasks / (time.perf_counter() - started)

        with Mirror.open(url):  # the schema
            pass
        copies = {
            "mirror_objects (object_key, tenant_id, object_type, object_id, data, sequence, "
            "deleted, person_type, updated_at)": lambda n: [
                (
                    n + 1,
                    TENANT,
                    "persons",
                    ids[n],
                    dumps_line(objects[n]),
                    n + 1,
                    False,
                    "student",
                    at,
                )
            ],
            "mirror_links (object_key, rel, target_id)": lambda n: _links(n + 1, objects[n]),
            "mirror_inbox (task_id, tenant_id, sequence, action, object_type, object_id, "
            "result, status, recorded_at)": lambda n: [
                (
                    task_ids[n],
                    TENANT,
                    n + 1,
                    "ADD",
                    "persons",
                    ids[n],
                    "applied",
                    "success",
                    at,
                )
            ],
            "mirror_changes (tenant_id, object_type, object_id, op, action, sequence, task_id, "
            "at)": lambda n: [(TENANT, "persons", ids[n], "upsert", "ADD", n + 1, task_ids[n], at)],
        }
        started = time.perf_counter()
        for start in range(0, tasks, BATCH):
            chunk = range(start, min(start + BATCH, tasks))
            with connection.transaction(), connection.cursor() as cursor:
                for table, rows_of in copies.items():
                    with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                        for n in chunk:
                            for row in rows_of(n):
                                copy.write_row(row)
        schema = tasks / (time.perf_counter() - started)
        for table, rows_of in copies.items():  # every row landed
            expected = sum(len(rows_of(n)) for n in range(tasks))
            counted = connection.execute(f"SELECT count(*) FROM {table.split()[0]}").fetchone()
            assert counted == (expected,), (table, counted, expected)
    return {"upsert": one_table, "schema": schema}


#: Seconds the sandbox adds to each answer for the drain "across a network".
NETWORK_LATENCY = 0.020


def drain(store: str | Path, students: int = 1500, latency: float = 0.0) -> dict[str, float]:
    """Tasks/s draining a sandbox's initial sync with a no-op handler, and into a mirror.

    ``latency``: seconds the sandbox adds to each answer. At 0 (in the same process,
    answering in well under a millisecond) the service costs least, so the mirror's
    share of the time is the largest it can be; a real service answers across a
    network, as ``NETWORK_LATENCY`` models.
    """

    def sandbox() -> Sandbox:
        return Sandbox(
            students=students,
            seed=11,
            grades_queries=0,
            authenticate_requests=0,
            latency=latency,
        )

    with sandbox() as box, KimonoClient(**box.credentials) as kimono:
        count = box.state.queue.pending()
        started = time.perf_counter()
        kimono.tasks.run(lambda task: None, stop_when_empty=True, handle_signals=False)
        alone = count / (time.perf_counter() - started)
    with (
        sandbox() as box,
        KimonoClient(**box.credentials) as kimono,
        Mirror.open(store) as mirror,
    ):
        count = box.state.queue.pending()
        started = time.perf_counter()
        stats = mirror.run(kimono, stop_when_empty=True)
        into = count / (time.perf_counter() - started)
        assert stats.received == count and not stats.parked, stats
    return {"tasks": count, "drain": alone, "drain_apply": into, "ratio": into / alone}


@contextlib.contextmanager
def _stores(postgres: bool) -> Iterator[Iterator[str]]:
    """Yields an endless supply of fresh, empty mirror stores."""
    with tempfile.TemporaryDirectory(prefix="bench-mirror-") as root:
        if not postgres:

            def files() -> Iterator[str]:
                n = 0
                while True:
                    n += 1
                    yield str(Path(root) / f"mirror{n}.db")

            yield files()
            return
        from tests.support.postgres import cluster, database

        with cluster(durable=True) as server, contextlib.ExitStack() as stack:

            def databases() -> Iterator[str]:
                while True:
                    yield stack.enter_context(database(server))

            yield databases()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL cluster")
    parser.add_argument("--tasks", type=int, default=3000, help="tasks per apply-only round")
    parser.add_argument("--students", type=int, default=1500, help="sandbox size for the drain")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (medians are printed)")
    parser.add_argument("--no-drain", action="store_true", help="apply rounds only")
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        help=f"seconds added to each of the sandbox's answers (e.g. {NETWORK_LATENCY})",
    )
    args = parser.parse_args(argv)
    applied: list[dict[str, float]] = []
    drained: list[dict[str, float]] = []
    floors: list[dict[str, float]] = []
    with _stores(args.postgres) as stores:
        for _ in range(args.rounds):
            applied.append(measure(next(stores), tasks=args.tasks))
            floors.append(floor(next(stores), tasks=args.tasks))
            if not args.no_drain:
                drained.append(drain(next(stores), students=args.students, latency=args.latency))

    def median(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(row[key] for row in rows)

    store = "postgresql (fsync on)" if args.postgres else "sqlite (WAL, synchronous=FULL)"
    print(f"store: {store}; medians of {args.rounds} rounds; {args.latency * 1000:g} ms latency")
    print(f"{'measure':<44}{'value':>12}")
    rows = [
        (f"apply ADD, batches of {BATCH} (tasks/s)", median(applied, "add")),
        (f"apply UPDATE, batches of {BATCH} (tasks/s)", median(applied, "update")),
        ("apply UPDATE keeping the links (tasks/s)", median(applied, "rename")),
    ]
    plain = "plain psycopg" if args.postgres else "plain sqlite3"
    rows += [
        (f"{plain}, one upsert table (tasks/s)", median(floors, "upsert")),
        (f"{plain}, the mirror's rows (tasks/s)", median(floors, "schema")),
    ]
    if drained:
        rows += [
            (f"drain alone, {int(drained[0]['tasks'])} tasks (tasks/s)", median(drained, "drain")),
            ("drain into the mirror (tasks/s)", median(drained, "drain_apply")),
            ("drain+apply / drain", median(drained, "ratio")),
        ]
    for name, value in rows:
        shown = f"{value:.0%}" if name.endswith("/ drain") else f"{value:,.0f}"
        print(f"{name:<44}{shown:>12}")


if __name__ == "__main__":
    main()
