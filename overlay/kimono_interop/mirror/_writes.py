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
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import sqlalchemy as sa

from . import _schema as t

#: (tenant, object type, object id)
Key = tuple[str, str, str]

_o = t.objects
_l = t.links

SELECT_STATES = sa.select(
    _o.c.object_type, _o.c.object_id, _o.c.sequence, _o.c.generation, _o.c.deleted
).where(
    _o.c.tenant_id == sa.bindparam("tenant"),
    _o.c.object_id.in_(sa.bindparam("ids", expanding=True)),
)
INSERT_OBJECTS = sa.insert(_o)
DELETE_LINKS = sa.delete(_l).where(
    _l.c.tenant_id == sa.bindparam("k_tenant"),
    _l.c.object_type == sa.bindparam("k_type"),
    _l.c.object_id == sa.bindparam("k_id"),
)
INSERT_LINKS = sa.insert(_l)
INSERT_CHANGE = sa.insert(t.changes)
INSERT_INBOX = sa.insert(t.inbox)

_COLUMNS = ("data", "sequence", "generation", "deleted", "person_type", "updated_at")
_updates: dict[tuple[str, ...], sa.Update] = {}


def update_objects(columns: tuple[str, ...]) -> sa.Update:
    """``UPDATE mirror_objects SET <columns> WHERE <key>``, with bound parameters; built once."""
    statement = _updates.get(columns)
    if statement is None:
        statement = (
            sa.update(_o)
            .where(
                _o.c.tenant_id == sa.bindparam("k_tenant"),
                _o.c.object_type == sa.bindparam("k_type"),
                _o.c.object_id == sa.bindparam("k_id"),
            )
            .values({column: sa.bindparam(f"v_{column}") for column in columns})
        )
        _updates[columns] = statement
    return statement


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


def _recordset(columns: Sequence[str]) -> str:
    """``jsonb_to_recordset(:rows) AS x(<column> <type>, ...)``: a JSON array as rows."""
    names = ", ".join(f'"{c}" {_PG_TYPES.get(c.removeprefix("v_"), "text")}' for c in columns)
    return f"jsonb_to_recordset(CAST(:rows AS jsonb)) AS x({names})"


def pg_statement(kind: str, table: str, columns: tuple[str, ...]) -> sa.TextClause:
    """One PostgreSQL statement that inserts, updates or deletes every row of a JSON array.

    psycopg sends an executemany as one statement per row; these send a chunk's rows of a
    table in one statement, whatever their number.
    """
    cache = (kind, table, columns)
    statement = _pg_statements.get(cache)
    if statement is None:
        quoted = ", ".join(f'"{c}"' for c in columns)
        key = "t.tenant_id = x.k_tenant AND t.object_type = x.k_type AND t.object_id = x.k_id"
        keys = ("k_tenant", "k_type", "k_id")
        if kind == "insert":
            chosen = ", ".join(_value(f'x."{c}"', c) for c in columns)
            text = f"INSERT INTO {table} ({quoted}) SELECT {chosen} FROM {_recordset(columns)}"
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

    # -- reading ---------------------------------------------------------------------------
    def prefetch(self, keys: Iterable[Key]) -> None:
        """Read the states of ``keys`` not known yet, in one query per tenant and 500 ids."""
        wanted: dict[str, set[str]] = {}
        missing = [key for key in dict.fromkeys(keys) if key not in self.states]
        for tenant, _, object_id in missing:
            wanted.setdefault(tenant, set()).add(object_id)
        for key in missing:
            self.states[key] = None
        for tenant, ids in wanted.items():
            ordered = sorted(ids)
            for start in range(0, len(ordered), 500):
                for row in self.connection.execute(
                    SELECT_STATES, {"tenant": tenant, "ids": ordered[start : start + 500]}
                ):
                    key = (tenant, row.object_type, row.object_id)
                    if key in self.states and key in missing:
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

    def flush(self) -> None:
        """Send the buffered objects, links and changes (the inbox waits for flush_inbox)."""
        if self._new:
            self._insert(INSERT_OBJECTS, list(self._new.values()))
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for key, values in self._updated.items():
            columns = tuple(c for c in _COLUMNS if c in values)
            params = _key_params(key)
            params.update({f"v_{c}": values[c] for c in columns})
            groups.setdefault(columns, []).append(params)
        for columns, rows in groups.items():
            if self._bulk:
                self._send(pg_statement("update", "mirror_objects", columns), rows)
            else:
                self.connection.execute(update_objects(columns), rows)
        if self._links_cleared:
            rows = [_key_params(key) for key in self._links_cleared]
            if self._bulk:
                self._send(pg_statement("delete", "mirror_links", ()), rows)
            else:
                self.connection.execute(DELETE_LINKS, rows)
        links = [
            {"tenant_id": k[0], "object_type": k[1], "object_id": k[2], "rel": r, "target_id": i}
            for k, found in self._links.items()
            for r, i in sorted(found)
        ]
        if links:
            self._insert(INSERT_LINKS, links)
        if self.changes:
            self._insert(INSERT_CHANGE, self.changes)
        self._new.clear()
        self._updated.clear()
        self._links.clear()
        self._links_cleared.clear()
        self.changes.clear()

    def _insert(self, statement: sa.Insert, rows: list[dict[str, Any]]) -> None:
        if self._bulk:
            table = statement.table.name
            self._send(pg_statement("insert", table, tuple(rows[0])), rows)
        else:
            self.connection.execute(statement, rows)

    def _send(self, statement: sa.TextClause, rows: list[dict[str, Any]]) -> None:
        self.connection.execute(
            statement, {"rows": json.dumps(rows, default=_json_default, ensure_ascii=False)}
        )

    def flush_inbox(self) -> None:
        if self.inbox:
            self._insert(INSERT_INBOX, self.inbox)
            self.inbox.clear()

    def discard(self) -> None:
        """Forget the buffered writes and the states (after a rollback to a savepoint)."""
        self.states.clear()
        self._new.clear()
        self._updated.clear()
        self._links.clear()
        self._links_cleared.clear()
        self.changes.clear()
