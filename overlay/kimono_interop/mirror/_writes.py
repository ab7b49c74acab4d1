"""The writes of one transaction, buffered and sent in bulk.

Applying a chunk of tasks touches the same few tables for each task. Instead of several
statements per task, the applier reads the state of every object of the chunk in one
query, keeps what it writes here (one row per object however many tasks wrote it, the
links, the change feed, the inbox), and :meth:`Writes.flush` sends each table's rows as
one executemany of a statement built once. Nothing here commits: the caller's
transaction (or savepoint) decides.
"""

from __future__ import annotations

import datetime
import json
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from . import _schema as t

#: (tenant, object type, object id)
Key = tuple[str, str, str]

_o = t.objects
_l = t.links


def _among(column: sa.ColumnElement[str], postgresql: bool) -> sa.ColumnElement[bool]:
    """``column IN (:ids)``: one array parameter on PostgreSQL (a list of 100 parameters
    costs it more to parse and plan than the lookup), an expanding list elsewhere."""
    if postgresql:
        return column == sa.any_(sa.bindparam("ids", type_=pg.ARRAY(sa.String())))
    return column.in_(sa.bindparam("ids", expanding=True))


#: The state of some objects of one type, by the whole primary key (without
#: ``object_type`` the query would read every object of the tenant).
SELECT_STATES = {
    bulk: sa.select(_o.c.object_id, _o.c.sequence, _o.c.generation, _o.c.deleted).where(
        _o.c.tenant_id == sa.bindparam("tenant"),
        _o.c.object_type == sa.bindparam("type"),
        _among(_o.c.object_id, bulk),
    )
    for bulk in (False, True)
}
#: The recorded outcomes (rows with a ``status``) and the failure counts (rows with
#: ``attempts``) of some tasks, in one query.
SELECT_RECORDS = {
    bulk: sa.union_all(
        sa.select(
            t.inbox.c.task_id,
            t.inbox.c.status,
            t.inbox.c.message,
            sa.cast(sa.null(), sa.Integer).label("attempts"),
        ).where(_among(t.inbox.c.task_id, bulk)),
        sa.select(
            t.attempts.c.task_id,
            sa.cast(sa.null(), sa.String).label("status"),
            sa.cast(sa.null(), sa.Text).label("message"),
            t.attempts.c.attempts,
        ).where(_among(t.attempts.c.task_id, bulk)),
    )
    for bulk in (False, True)
}
INSERT_CHANGE = sa.insert(t.changes)

_COLUMNS = ("data", "sequence", "generation", "deleted", "person_type", "updated_at")
#: The columns of the rows the SQLite path sends, in the order of its statements.
_OBJECT_COLUMNS = ("tenant_id", "object_type", "object_id", *_COLUMNS)
_LINK_COLUMNS = ("tenant_id", "object_type", "object_id", "rel", "target_id")
_CHANGE_COLUMNS = tuple(c.name for c in t.changes.c if c.name != "cursor")
_INBOX_COLUMNS = tuple(c.name for c in t.inbox.c)
_KEY = "tenant_id = ? AND object_type = ? AND object_id = ?"
_TIMES = frozenset({"updated_at", "at", "recorded_at"})
assert _CHANGE_COLUMNS[-1] == "at" and _INBOX_COLUMNS[-1] == "recorded_at"


def _sqlite_insert(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


_SQLITE_DELETE_LINKS = f"DELETE FROM mirror_links WHERE {_KEY}"
_sqlite_updates: dict[tuple[str, ...], str] = {}


def _sqlite_update(columns: tuple[str, ...]) -> str:
    text = _sqlite_updates.get(columns)
    if text is None:
        sets = ", ".join(f"{c} = ?" for c in columns)
        text = _sqlite_updates[columns] = f"UPDATE mirror_objects SET {sets} WHERE {_KEY}"
    return text


def _unchanged(value: Any) -> Any:
    return value


def dumps(value: Any) -> str:
    """JSON as the mirror stores it: compact, not ASCII-escaped."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


#: The PostgreSQL type of each column written in bulk (the others are text).
_PG_TYPES = {
    "data": "jsonb",
    "sequence": "bigint",
    "generation": "integer",
    "deleted": "boolean",
    "updated_at": "timestamptz",
    "at": "timestamptz",
    "recorded_at": "timestamptz",
}
_pg_statements: dict[tuple[str, str, tuple[str, ...]], sa.TextClause] = {}


def _recordset(columns: Sequence[str], param: str = "rows") -> str:
    """``jsonb_to_recordset(:rows) AS x(<column> <type>, ...)``: a JSON array as rows."""
    names = ", ".join(f'"{c}" {_PG_TYPES.get(c.removeprefix("v_"), "text")}' for c in columns)
    return f"jsonb_to_recordset(CAST(:{param} AS jsonb)) AS x({names})"


def _pg_insert(table: str, columns: Sequence[str], param: str = "rows") -> str:
    quoted = ", ".join(f'"{c}"' for c in columns)
    chosen = ", ".join(_value(f'x."{c}"', c) for c in columns)
    return f"INSERT INTO {table} ({quoted}) SELECT {chosen} FROM {_recordset(columns, param)}"


def pg_changes_and_inbox(changes: tuple[str, ...], inbox: tuple[str, ...]) -> sa.TextClause:
    """The change feed's rows and the inbox's in one PostgreSQL statement (one round trip
    fewer at the end of each chunk): the first insert as a data-modifying CTE."""
    cache = ("changes+inbox", "", (*changes, "|", *inbox))
    statement = _pg_statements.get(cache)
    if statement is None:
        first = _pg_insert("mirror_changes", changes, "changes")
        text = f"WITH feed AS ({first}) {_pg_insert('mirror_inbox', inbox, 'inbox')}"
        statement = sa.text(text).bindparams(
            sa.bindparam("changes", type_=sa.Text()), sa.bindparam("inbox", type_=sa.Text())
        )
        _pg_statements[cache] = statement
    return statement


def pg_statement(kind: str, table: str, columns: tuple[str, ...]) -> sa.TextClause:
    """One PostgreSQL statement that inserts, updates or deletes every row of a JSON array.

    psycopg sends an executemany as one statement per row; these send a chunk's rows of a
    table in one statement, whatever their number.
    """
    cache = (kind, table, columns)
    statement = _pg_statements.get(cache)
    if statement is None:
        key = "t.tenant_id = x.k_tenant AND t.object_type = x.k_type AND t.object_id = x.k_id"
        keys = ("k_tenant", "k_type", "k_id")
        if kind == "insert":
            text = _pg_insert(table, columns)
        elif kind == "update":
            sets = ", ".join(f'"{c}" = {_value(f"x.v_{c}", c)}' for c in columns)
            values = tuple(f"v_{c}" for c in columns)
            text = f"UPDATE {table} AS t SET {sets} FROM {_recordset(keys + values)} WHERE {key}"
        else:
            text = f"DELETE FROM {table} AS t USING {_recordset(keys)} WHERE {key}"
        statement = sa.text(text).bindparams(sa.bindparam("rows", type_=sa.Text()))
        _pg_statements[cache] = statement
    return statement


def _value(expression: str, column: str) -> str:
    """A recordset column as stored: JSON ``null`` in a jsonb column is SQL NULL."""
    if _PG_TYPES.get(column) == "jsonb":
        return f"NULLIF({expression}, 'null'::jsonb)"
    return expression


def _json_default(value: object) -> str:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a value the mirror stores")


def _pg_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, default=_json_default, separators=(",", ":"), ensure_ascii=False)


class State(NamedTuple):
    """What the applier needs to know of a stored object."""

    sequence: int | None
    generation: int | None
    deleted: bool


def _key_params(key: Key) -> dict[str, str]:
    return {"k_tenant": key[0], "k_type": key[1], "k_id": key[2]}


class Writes:
    """The buffered writes of one transaction (see the module's docstring)."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self._bulk = connection.dialect.name == "postgresql"
        #: Known states (None: no such object), as of the buffered writes.
        self.states: dict[Key, State | None] = {}
        self._new: dict[Key, dict[str, Any]] = {}
        self._updated: dict[Key, dict[str, Any]] = {}
        self._links: dict[Key, set[tuple[str, str]]] = {}
        self._links_cleared: set[Key] = set()
        self.changes: list[dict[str, Any]] = []
        self.inbox: list[dict[str, Any]] = []
        #: The time of this transaction's writes (``updated_at``, ``at``, ``recorded_at``).
        self.stamp = datetime.datetime.now(datetime.timezone.utc)
        self._times: dict[datetime.datetime, Any] = {}
        dialect = connection.dialect
        processor = None if self._bulk else t.TIME.dialect_impl(dialect).bind_processor(dialect)
        self._time_processor: Callable[[Any], Any] = processor or _unchanged

    # -- reading ---------------------------------------------------------------------------
    def prefetch(self, keys: Iterable[Key]) -> None:
        """Read the states of ``keys`` not known yet, in one query per tenant, type and 500 ids."""
        wanted: dict[tuple[str, str], list[str]] = {}
        for key in dict.fromkeys(keys):
            if key not in self.states:
                self.states[key] = None
                wanted.setdefault((key[0], key[1]), []).append(key[2])
        for (tenant, object_type), ids in wanted.items():
            for start in range(0, len(ids), 500):
                for row in self.connection.execute(
                    SELECT_STATES[self._bulk],
                    {"tenant": tenant, "type": object_type, "ids": ids[start : start + 500]},
                ):
                    key = (tenant, object_type, row.object_id)
                    self.states[key] = State(row.sequence, row.generation, bool(row.deleted))

    def state(self, key: Key) -> State | None:
        if key not in self.states:
            self.prefetch([key])
        return self.states[key]

    # -- writing ---------------------------------------------------------------------------
    def write_object(self, key: Key, values: dict[str, Any], *, exists: bool) -> None:
        """Set columns of an object (``exists``: it is stored, or buffered for insertion)."""
        previous = self.states.get(key)
        if key in self._new:
            self._new[key].update(values)
        elif exists:
            self._updated.setdefault(key, {}).update(values)
        else:
            row: dict[str, Any] = {
                "tenant_id": key[0],
                "object_type": key[1],
                "object_id": key[2],
                "data": None,
                "sequence": None,
                "generation": None,
                "deleted": False,
                "person_type": None,
                "updated_at": self.stamp,
            }
            row.update(values)
            self._new[key] = row
        self.states[key] = State(
            values.get("sequence", previous.sequence if previous else None),
            values.get("generation", previous.generation if previous else None),
            values.get("deleted", previous.deleted if previous else False),
        )

    def set_links(self, key: Key, found: set[tuple[str, str]]) -> None:
        """Replace the links of an object by ``found`` (relationship, target id)."""
        if key not in self._new:
            self._links_cleared.add(key)
        self._links[key] = found

    def flush(self, *, inbox: bool = False) -> None:
        """Send the buffered objects, links and changes; ``inbox``: the inbox's rows too
        (the chunk is done: otherwise they wait for flush_inbox)."""
        if self._bulk:
            self._flush_postgresql(inbox)
        else:
            self._flush_sqlite()
        if inbox:
            self.flush_inbox()
        self._new.clear()
        self._updated.clear()
        self._links.clear()
        self._links_cleared.clear()
        self.changes.clear()

    def _link_rows(self) -> list[tuple[str, str, str, str, str]]:
        return [(*key, rel, target) for key, found in self._links.items() for rel, target in found]

    # -- PostgreSQL: each table's rows in one statement, as one JSON array ------------------
    def _flush_postgresql(self, inbox: bool) -> None:
        if self._new:
            self._send_insert("mirror_objects", list(self._new.values()))
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for key, values in self._updated.items():
            columns = tuple(c for c in _COLUMNS if c in values)
            params = _key_params(key)
            params.update({f"v_{c}": values[c] for c in columns})
            groups.setdefault(columns, []).append(params)
        for columns, rows in groups.items():
            self._send(pg_statement("update", "mirror_objects", columns), rows)
        if self._links_cleared:
            rows = [_key_params(key) for key in self._links_cleared]
            self._send(pg_statement("delete", "mirror_links", ()), rows)
        links = [dict(zip(_LINK_COLUMNS, row, strict=True)) for row in self._link_rows()]
        if links:
            self._send_insert("mirror_links", links)
        if self.changes and inbox and self.inbox:
            statement = pg_changes_and_inbox(tuple(self.changes[0]), tuple(self.inbox[0]))
            self.connection.execute(
                statement, {"changes": _pg_json(self.changes), "inbox": _pg_json(self.inbox)}
            )
            self.inbox.clear()
        elif self.changes:
            self._send_insert("mirror_changes", self.changes)

    def _send_insert(self, table: str, rows: list[dict[str, Any]]) -> None:
        self._send(pg_statement("insert", table, tuple(rows[0])), rows)

    def _send(self, statement: sa.TextClause, rows: list[dict[str, Any]]) -> None:
        self.connection.execute(statement, {"rows": _pg_json(rows)})

    # -- SQLite: each table's rows in one executemany of a plain statement ------------------
    def _flush_sqlite(self) -> None:
        run = self.connection.exec_driver_sql
        if self._new:
            run(
                _sqlite_insert("mirror_objects", _OBJECT_COLUMNS),
                self._object_rows(self._new.values()),
            )
        groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for key, values in self._updated.items():
            columns = tuple(c for c in _COLUMNS if c in values)
            groups.setdefault(columns, []).append((*self._value_row(values, columns), *key))
        for columns, rows in groups.items():
            run(_sqlite_update(columns), rows)
        if self._links_cleared:
            run(_SQLITE_DELETE_LINKS, list(self._links_cleared))
        links = self._link_rows()
        if links:
            run(_sqlite_insert("mirror_links", _LINK_COLUMNS), links)
        if self.changes:
            run(
                _sqlite_insert("mirror_changes", _CHANGE_COLUMNS),
                self._values(self.changes, _CHANGE_COLUMNS),
            )

    def _values(
        self, rows: Iterable[dict[str, Any]], columns: Sequence[str]
    ) -> list[tuple[Any, ...]]:
        """Rows of the change feed or the inbox as SQLite stores them (the timestamp last)."""
        get = operator.itemgetter(*columns[:-1])
        last = columns[-1]
        time = self._time
        return [(*get(row), time(row[last])) for row in rows]

    def _object_rows(self, rows: Iterable[dict[str, Any]]) -> list[tuple[Any, ...]]:
        """New objects as SQLite stores them (the JSON and timestamps SQLAlchemy writes)."""
        time = self._time
        return [
            (
                row["tenant_id"],
                row["object_type"],
                row["object_id"],
                None if row["data"] is None else dumps(row["data"]),
                row["sequence"],
                row["generation"],
                int(row["deleted"]),
                row["person_type"],
                time(row["updated_at"]),
            )
            for row in rows
        ]

    def _value_row(self, row: dict[str, Any], columns: Sequence[str]) -> tuple[Any, ...]:
        """Some columns of an object as SQLite stores them."""
        values = []
        for column in columns:
            value = row[column]
            if value is not None:
                if column == "data":
                    value = dumps(value)
                elif column in _TIMES:
                    value = self._time(value)
                elif column == "deleted":
                    value = int(value)
            values.append(value)
        return tuple(values)

    def _time(self, value: datetime.datetime) -> Any:
        stored = self._times.get(value)
        if stored is None:
            stored = self._times[value] = self._time_processor(value)
        return stored

    def flush_inbox(self) -> None:
        if self.inbox:
            if self._bulk:
                self._send_insert("mirror_inbox", self.inbox)
            else:
                self.connection.exec_driver_sql(
                    _sqlite_insert("mirror_inbox", _INBOX_COLUMNS),
                    self._values(self.inbox, _INBOX_COLUMNS),
                )
            self.inbox.clear()

    def discard(self) -> None:
        """Forget the buffered writes and the states (after a rollback to a savepoint)."""
        self.states.clear()
        self._new.clear()
        self._updated.clear()
        self._links.clear()
        self._links_cleared.clear()
        self.changes.clear()
