"""The writes of one transaction, buffered and sent in bulk.

Applying a chunk of tasks touches the same few tables for each task. Instead of several
statements per task, the applier reads the state of every object of the chunk in one
query, keeps what it writes here (one row per object however many tasks wrote it, the
links, the change feed, the inbox), and :meth:`Writes.flush` sends each table's rows in
one statement. Nothing here commits: the caller's transaction (or savepoint) decides.

The hot path sends plain SQL through ``exec_driver_sql`` (no SQLAlchemy compilation per
chunk). On SQLite each table's rows go as one executemany; on PostgreSQL as one statement
whose parameters are arrays, one per column, joined back into rows with ``unnest``:
lookups join the keys' arrays to the tables (an index lookup per key, whether the server
plans the prepared statement for its values or generically, where ``= ANY($1)`` would
scan), and the writes are one ``INSERT ... SELECT FROM unnest(...)``, ``UPDATE ... FROM
unnest(...)`` or ``DELETE ... USING unnest(...)`` each.
"""

from __future__ import annotations

import datetime
import operator
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

import sqlalchemy as sa

from .._json import dumps_line
from . import _schema as t

#: (tenant, object type, object id)
Key = tuple[str, str, str]

INSERT_CHANGE = sa.insert(t.changes)

_COLUMNS = ("data", "sequence", "generation", "deleted", "person_type", "updated_at")
#: The columns of the rows the bulk paths send, in the order of their statements.
_OBJECT_COLUMNS = ("tenant_id", "object_type", "object_id", *_COLUMNS)
_LINK_COLUMNS = ("object_key", "rel", "target_id")
#: What an insert of objects returns: each one's key (their links name them by it).
_RETURNING_KEYS = "RETURNING tenant_id, object_type, object_id, object_key"
_CHANGE_COLUMNS = tuple(c.name for c in t.changes.c if c.name != "cursor")
_INBOX_COLUMNS = tuple(c.name for c in t.inbox.c)
_KEY = "tenant_id = ? AND object_type = ? AND object_id = ?"
_TIMES = frozenset({"updated_at", "at", "recorded_at"})
assert _CHANGE_COLUMNS[-1] == "at" and _INBOX_COLUMNS[-1] == "recorded_at"


def dumps(value: Any) -> str:
    """JSON as the mirror stores it: compact, not ASCII-escaped (orjson when installed)."""
    return dumps_line(value)


# -- SQLite ----------------------------------------------------------------------------------
def _sqlite_insert(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


_SQLITE_DELETE_LINKS = "DELETE FROM mirror_links WHERE object_key = ?"
_SQLITE_DELETE_LINK = "DELETE FROM mirror_links WHERE object_key = ? AND rel = ? AND target_id = ?"
_SQLITE_INSERT_LINK = "INSERT INTO mirror_links (object_key, rel, target_id) VALUES (?, ?, ?)"
#: Whether this SQLite returns rows from an insert (3.35 and later). Before, the keys of
#: new objects are read back with one more query.
SQLITE_RETURNING = sqlite3.sqlite_version_info >= (3, 35)
#: New objects per statement on SQLite (9 parameters each: well under its limit of 32,766).
_SQLITE_OBJECTS_PER_INSERT = 500
_sqlite_object_inserts: dict[int, str] = {}


def _sqlite_insert_objects(count: int) -> str:
    """An insert of ``count`` new objects that returns the keys they were given."""
    text = _sqlite_object_inserts.get(count)
    if text is None:
        row = f"({', '.join('?' * len(_OBJECT_COLUMNS))})"
        text = _sqlite_object_inserts[count] = (
            f"INSERT INTO mirror_objects ({', '.join(_OBJECT_COLUMNS)}) "
            f"VALUES {', '.join([row] * count)} {_RETURNING_KEYS}"
        )
    return text


_sqlite_updates: dict[tuple[str, ...], str] = {}
_sqlite_selects: dict[tuple[str, int], str] = {}


def _sqlite_update(columns: tuple[str, ...]) -> str:
    text = _sqlite_updates.get(columns)
    if text is None:
        sets = ", ".join(f"{c} = ?" for c in columns)
        text = _sqlite_updates[columns] = f"UPDATE mirror_objects SET {sets} WHERE {_KEY}"
    return text


def _sqlite_select(kind: str, count: int) -> str:
    """A lookup of ``count`` ids on SQLite (the text cached by kind and count)."""
    text = _sqlite_selects.get((kind, count))
    if text is None:
        marks = ", ".join("?" * count)
        if kind == "states":
            text = (
                "SELECT object_id, sequence, generation, deleted, object_key FROM mirror_objects "
                f"WHERE tenant_id = ? AND object_type = ? AND object_id IN ({marks})"
            )
        elif kind == "links":
            text = (
                f"SELECT object_key, rel, target_id FROM mirror_links WHERE object_key IN ({marks})"
            )
        else:
            text = (
                "SELECT task_id, status, message, NULL AS attempts FROM mirror_inbox "
                f"WHERE task_id IN ({marks}) UNION ALL "
                "SELECT task_id, NULL, NULL, attempts FROM mirror_attempts "
                f"WHERE task_id IN ({marks})"
            )
        _sqlite_selects[(kind, count)] = text
    return text


# -- PostgreSQL ------------------------------------------------------------------------------
#: The PostgreSQL array type of each column sent in bulk (the others are text).
_PG_ARRAYS = {
    "data": "text[]::jsonb[]",
    "sequence": "bigint[]",
    "object_key": "bigint[]",
    "generation": "integer[]",
    "deleted": "boolean[]",
    "attempts": "integer[]",
    "updated_at": "timestamptz[]",
    "at": "timestamptz[]",
    "recorded_at": "timestamptz[]",
}


def _unnest(columns: Sequence[str], prefix: str) -> str:
    """``unnest(%(<prefix>0)b::text[], ...)``: one array parameter per column, as rows.

    The arrays go in binary (``%b``): as text, every quote of a JSON document would be
    escaped by the client and unescaped by the server, ten times slower.
    """
    arrays = ", ".join(
        f"%({prefix}{i})b::{_PG_ARRAYS.get(c, 'text[]')}" for i, c in enumerate(columns)
    )
    return f"unnest({arrays})"


def _pg_insert(table: str, columns: Sequence[str], prefix: str) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM {_unnest(columns, prefix)}"


_PG_KEY = "t.tenant_id = k.k0 AND t.object_type = k.k1 AND t.object_id = k.k2"
_PG_KEYS = ("k0", "k1", "k2")
PG_SELECT_STATES = (
    "SELECT object_id, sequence, generation, deleted, object_key FROM mirror_objects "
    "WHERE tenant_id = %(tenant)s AND object_type = %(type)s AND object_id = ANY(%(ids)b::text[])"
)
PG_SELECT_RECORDS = (
    "SELECT task_id, status, message, NULL::integer AS attempts FROM mirror_inbox "
    "WHERE task_id = ANY(%(ids)b::text[]) "
    "UNION ALL SELECT task_id, NULL, NULL, attempts FROM mirror_attempts "
    "WHERE task_id = ANY(%(ids)b::text[])"
)
_PG_INSERT_OBJECTS = f"{_pg_insert('mirror_objects', _OBJECT_COLUMNS, 'o')} {_RETURNING_KEYS}"
_PG_INSERT_LINKS = _pg_insert("mirror_links", _LINK_COLUMNS, "l")
_PG_INSERT_CHANGES = _pg_insert("mirror_changes", _CHANGE_COLUMNS, "c")
_PG_INSERT_INBOX = _pg_insert("mirror_inbox", _INBOX_COLUMNS, "i")
#: The change feed's rows and the inbox's in one statement (one round trip fewer at the
#: end of each chunk): the first insert as a data-modifying CTE.
_PG_INSERT_CHANGES_AND_INBOX = f"WITH feed AS ({_PG_INSERT_CHANGES}) {_PG_INSERT_INBOX}"
_PG_DELETE_LINKS = (
    "DELETE FROM mirror_links l USING unnest(%(keys)b::bigint[]) AS k(object_key) "
    "WHERE l.object_key = k.object_key"
)
_pg_updates: dict[tuple[str, ...], str] = {}


def _pg_update(columns: tuple[str, ...]) -> str:
    text = _pg_updates.get(columns)
    if text is None:
        names = ", ".join((*_PG_KEYS, *(f"v{i}" for i in range(len(columns)))))
        sets = ", ".join(f"{c} = k.v{i}" for i, c in enumerate(columns))
        arrays = _unnest(("tenant_id", "object_type", "object_id", *columns), "u")
        text = _pg_updates[columns] = (
            f"UPDATE mirror_objects AS t SET {sets} FROM {arrays} AS k({names}) WHERE {_PG_KEY}"
        )
    return text


def _pg_arrays(rows: Sequence[Sequence[Any]], width: int, prefix: str) -> dict[str, list[Any]]:
    """Rows (tuples) as one list per column, named ``<prefix>0``, ``<prefix>1``..."""
    if not rows:
        return {f"{prefix}{i}": [] for i in range(width)}
    return {f"{prefix}{i}": list(column) for i, column in enumerate(zip(*rows, strict=True))}


def _by_type(keys: Iterable[Key]) -> dict[tuple[str, str], list[str]]:
    """The ids of ``keys`` by tenant and type."""
    groups: dict[tuple[str, str], list[str]] = {}
    for tenant, object_type, object_id in keys:
        groups.setdefault((tenant, object_type), []).append(object_id)
    return groups


class State(NamedTuple):
    """What the applier needs to know of a stored object."""

    sequence: int | None
    generation: int | None
    deleted: bool


def _unchanged(value: Any) -> Any:
    return value


class Writes:
    """The buffered writes of one transaction (see the module's docstring)."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self._bulk = connection.dialect.name == "postgresql"
        #: Known states (None: no such object), as of the buffered writes.
        self.states: dict[Key, State | None] = {}
        #: The integer keys of the stored objects read (what their links name them by).
        self._object_keys: dict[Key, int] = {}
        self._new: dict[Key, dict[str, Any]] = {}
        self._updated: dict[Key, dict[str, Any]] = {}
        self._links: dict[Key, set[tuple[str, str]]] = {}
        self._links_cleared: set[Key] = set()
        self.changes: list[dict[str, Any]] = []
        #: The inbox's rows, as tuples of ``_INBOX_COLUMNS`` (the timestamp as given).
        self.inbox: list[tuple[Any, ...]] = []
        #: The time of this transaction's writes (``updated_at``, ``at``, ``recorded_at``).
        self.stamp = datetime.datetime.now(datetime.timezone.utc)
        self._times: dict[datetime.datetime, Any] = {}
        dialect = connection.dialect
        processor = None if self._bulk else t.TIME.dialect_impl(dialect).bind_processor(dialect)
        self._time_processor: Callable[[Any], Any] = processor or _unchanged

    # -- reading ---------------------------------------------------------------------------
    def records(self, ids: Sequence[str]) -> list[Any]:
        """(task_id, status, message, attempts) of the tasks ``ids`` the inbox (a row with a
        status) or the failure counts (a row with attempts) know, in one query."""
        run = self.connection.exec_driver_sql
        if self._bulk:
            return list(run(PG_SELECT_RECORDS, {"ids": list(ids)}))
        found: list[Any] = []
        for start in range(0, len(ids), 400):
            part = tuple(ids[start : start + 400])
            found.extend(run(_sqlite_select("records", len(part)), part + part))
        return found

    def prefetch(self, keys: Iterable[Key]) -> None:
        """Read the states of ``keys`` not known yet (one query per tenant, type and 500
        ids)."""
        states = self.states
        wanted = [key for key in dict.fromkeys(keys) if key not in states]
        if not wanted:
            return
        for key in wanted:
            states[key] = None
        for key, row in self._stored(wanted):
            states[key] = State(row[1], row[2], bool(row[3]))
            self._object_keys[key] = row[4]

    def _stored(self, keys: list[Key]) -> Iterator[tuple[Key, Any]]:
        """The stored rows (object id, sequence, generation, deleted, object key) of
        ``keys``, read in one query per tenant, type and 500 ids."""
        run = self.connection.exec_driver_sql
        for (tenant, object_type), ids in _by_type(keys).items():
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                if self._bulk:
                    params: Any = {"tenant": tenant, "type": object_type, "ids": part}
                    rows = run(PG_SELECT_STATES, params)
                else:
                    rows = run(_sqlite_select("states", len(part)), (tenant, object_type, *part))
                for row in rows:
                    yield (tenant, object_type, row[0]), row

    def state(self, key: Key) -> State | None:
        if key not in self.states:
            self.prefetch([key])
        return self.states[key]

    # -- writing ---------------------------------------------------------------------------
    def write_object(self, key: Key, values: dict[str, Any], *, exists: bool) -> None:
        """Set columns of an object (``exists``: it is stored, or buffered for insertion)."""
        previous = self.states.get(key)
        new = self._new.get(key)
        if new is not None:
            new.update(values)
        elif exists:
            updated = self._updated.get(key)
            if updated is None:
                self._updated[key] = values.copy()
            else:
                updated.update(values)
        else:
            row: dict[str, Any] = {
                "data": None,
                "sequence": None,
                "generation": None,
                "deleted": False,
                "person_type": None,
                "updated_at": self.stamp,
            }
            row.update(values)
            self._new[key] = row
        if previous is None:
            self.states[key] = State(
                values.get("sequence"), values.get("generation"), values.get("deleted", False)
            )
        else:
            self.states[key] = State(
                values.get("sequence", previous.sequence),
                values.get("generation", previous.generation),
                values.get("deleted", previous.deleted),
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

    def _link_rows(self, keys: Iterable[Key]) -> list[tuple[int, str, str]]:
        """Rows of ``_LINK_COLUMNS``: the links of ``keys``, objects stored by now."""
        links = self._links
        numbers = self._stored_keys(keys)
        return [(numbers[key], rel, target) for key in numbers for rel, target in links[key]]

    def _new_links(self) -> list[tuple[int, str, str]]:
        """The link rows of objects whose links were never stored (inserted as they are)."""
        return self._link_rows(k for k in self._links if k not in self._links_cleared)

    def _keep_keys(self, rows: Iterable[Sequence[Any]]) -> None:
        """Note the keys an insert of objects returned (``_RETURNING_KEYS``)."""
        known = self._object_keys
        for tenant, object_type, object_id, number in rows:
            known[(tenant, object_type, object_id)] = number

    def _object_rows(self) -> list[tuple[Any, ...]]:
        """The new objects as rows of ``_OBJECT_COLUMNS`` as the store takes them."""
        time = self._time
        deleted: Callable[[bool], Any] = bool if self._bulk else int
        return [
            (
                *key,
                None if row["data"] is None else dumps(row["data"]),
                row["sequence"],
                row["generation"],
                deleted(row["deleted"]),
                row["person_type"],
                time(row["updated_at"]),
            )
            for key, row in self._new.items()
        ]

    def _value_row(self, row: dict[str, Any], columns: Sequence[str]) -> tuple[Any, ...]:
        """Some columns of an object as the store takes them."""
        values = []
        for column in columns:
            value = row[column]
            if value is not None:
                if column == "data":
                    value = dumps(value)
                elif column in _TIMES:
                    value = self._time(value)
                elif column == "deleted" and not self._bulk:
                    value = int(value)
            values.append(value)
        return tuple(values)

    def _update_groups(self) -> dict[tuple[str, ...], list[tuple[Any, ...]]]:
        """Updated objects by the columns they set: (values..., tenant, type, id) rows."""
        groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for key, values in self._updated.items():
            columns = tuple(c for c in _COLUMNS if c in values)
            groups.setdefault(columns, []).append((*self._value_row(values, columns), *key))
        return groups

    # -- PostgreSQL: each table's rows in one statement of column arrays ------------------
    def _flush_postgresql(self, inbox: bool) -> None:
        run = self.connection.exec_driver_sql
        if self._new:
            params = _pg_arrays(self._object_rows(), len(_OBJECT_COLUMNS), "o")
            self._keep_keys(run(_PG_INSERT_OBJECTS, params))
        for columns, rows in self._update_groups().items():
            # (values..., key) rows: the statement's arrays are (key, values...)
            width = len(columns)
            reordered = [(*row[width:], *row[:width]) for row in rows]
            run(_pg_update(columns), _pg_arrays(reordered, width + 3, "u"))
        # All the links of the updated objects are deleted and inserted again: here a
        # diff (as on SQLite) did not pay for its extra read (see docs/mirror.md).
        if self._links_cleared:
            run(_PG_DELETE_LINKS, {"keys": list(self._stored_keys(self._links_cleared).values())})
        links = self._link_rows(self._links)
        if links:
            run(_PG_INSERT_LINKS, _pg_arrays(links, len(_LINK_COLUMNS), "l"))
        if self.changes:
            params = _pg_arrays(self._values(self.changes, _CHANGE_COLUMNS), 9, "c")
            if inbox and self.inbox:
                params.update(_pg_arrays(self.inbox, len(_INBOX_COLUMNS), "i"))
                run(_PG_INSERT_CHANGES_AND_INBOX, params)
                self.inbox.clear()
            else:
                run(_PG_INSERT_CHANGES, params)

    # -- SQLite: each table's rows in one executemany of a plain statement ------------------
    def _flush_sqlite(self) -> None:
        run = self.connection.exec_driver_sql
        if self._new and not SQLITE_RETURNING:
            run(_sqlite_insert("mirror_objects", _OBJECT_COLUMNS), self._object_rows())
        elif self._new:
            rows = self._object_rows()
            for start in range(0, len(rows), _SQLITE_OBJECTS_PER_INSERT):
                part = rows[start : start + _SQLITE_OBJECTS_PER_INSERT]
                flat = tuple(value for row in part for value in row)
                self._keep_keys(run(_sqlite_insert_objects(len(part)), flat))
        for columns, rows in self._update_groups().items():
            run(_sqlite_update(columns), rows)
        links = self._new_links()
        if self._links_cleared:
            cleared, gone = self._diff_links(links)
            if cleared:
                run(_SQLITE_DELETE_LINKS, cleared)
            if gone:
                run(_SQLITE_DELETE_LINK, gone)
        if links:
            run(_SQLITE_INSERT_LINK, links)
        if self.changes:
            run(
                _sqlite_insert("mirror_changes", _CHANGE_COLUMNS),
                self._values(self.changes, _CHANGE_COLUMNS),
            )

    def _diff_links(
        self, inserts: list[tuple[int, str, str]]
    ) -> tuple[list[tuple[int]], list[tuple[int, str, str]]]:
        """Diff the new links of stored objects with the ones stored (SQLite; read by the
        objects' keys, 500 a query). Returns the keys of the objects to delete all the
        links of (none kept) and the other rows to delete; the rows to add are appended
        to ``inserts``. A link kept is not written again: an updated object's links sit
        on a page of their own (its key is old), and its target index entries on others,
        and an update seldom changes an object's links."""
        run = self.connection.exec_driver_sql
        keys = self._stored_keys(self._links_cleared)
        stored: dict[int, set[tuple[str, str]]] = {number: set() for number in keys.values()}
        numbers = list(stored)
        for start in range(0, len(numbers), 500):
            part = numbers[start : start + 500]
            for number, rel, target in run(_sqlite_select("links", len(part)), tuple(part)):
                stored[number].add((rel, target))
        cleared: list[tuple[int]] = []
        gone: list[tuple[int, str, str]] = []
        for key, number in keys.items():
            before, after = stored[number], self._links[key]
            if before == after:
                continue
            if before and before.isdisjoint(after):
                cleared.append((number,))
            else:
                gone.extend((number, rel, target) for rel, target in before - after)
            inserts.extend((number, rel, target) for rel, target in after - before)
        return cleared, gone

    def _stored_keys(self, keys: Iterable[Key]) -> dict[Key, int]:
        """The integer keys of objects stored by now (read with their states, returned by
        their insert, or asked for here)."""
        wanted = list(keys)
        known = self._object_keys
        missing = [key for key in wanted if key not in known]
        if missing:  # stored by an earlier flush of this transaction
            for key, row in self._stored(missing):
                known[key] = row[4]
            unknown = [key for key in missing if key not in known]
            if unknown:  # links never name an object that is not stored
                raise RuntimeError(f"links of objects not stored: {unknown[:3]}")
        return {key: known[key] for key in wanted}

    def _values(
        self, rows: Iterable[dict[str, Any]], columns: Sequence[str]
    ) -> list[tuple[Any, ...]]:
        """Rows of the change feed as the store takes them (the timestamp last)."""
        get = operator.itemgetter(*columns[:-1])
        last = columns[-1]
        time = self._time
        return [(*get(row), time(row[last])) for row in rows]

    def _time(self, value: datetime.datetime) -> Any:
        stored = self._times.get(value)
        if stored is None:
            stored = self._times[value] = self._time_processor(value)
        return stored

    def flush_inbox(self) -> None:
        if self.inbox:
            time = self._time
            rows = [(*row[:-1], time(row[-1])) for row in self.inbox]
            if self._bulk:
                self.connection.exec_driver_sql(
                    _PG_INSERT_INBOX, _pg_arrays(rows, len(_INBOX_COLUMNS), "i")
                )
            else:
                self.connection.exec_driver_sql(
                    _sqlite_insert("mirror_inbox", _INBOX_COLUMNS), rows
                )
            self.inbox.clear()

    def discard(self) -> None:
        """Forget the buffered writes and the states (after a rollback to a savepoint)."""
        self.states.clear()
        self._object_keys.clear()
        self._new.clear()
        self._updated.clear()
        self._links.clear()
        self._links_cleared.clear()
        self.changes.clear()
