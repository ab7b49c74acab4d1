"""Opening a mirror's database: the engine (SQLite or PostgreSQL), its settings, migrations.

SQLite is a file in WAL mode with ``synchronous=FULL`` (a commit survives a power loss,
not only a crash) and a 30 s busy timeout; every transaction starts with ``BEGIN
IMMEDIATE``, so one writer at a time holds the file and a second process waits for it
(in steps of 100 ms, so that a signal, or a run's interruption, ends the wait between
two: see ``_begin_immediate``).
PostgreSQL goes through psycopg 3. There each write transaction takes transaction-level
advisory locks: one per tenant it writes (writers of one tenant are serialised, writers of
different tenants run side by side) and the database-wide lock, shared; what spans tenants
(migrations, pruning the change feed) takes the database-wide lock alone, exclusive, and
so waits for every writer. Readers of the change feed take it exclusive too, for a
moment: they read once no write transaction is in flight, so a cursor they read past is
never filled in behind them; they look for that moment without queueing for the lock,
which would hold new writers back (see ``lock_between_writes``).
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import re
import sqlite3
import threading
import time
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from .._logging import sdk_logger
from .._secrets import redact_text, redact_unread_url, user_info_end
from ._migrations import MIRROR, History
from ._model import SchemaNotRecorded, SchemaTooNew

#: The key of the database-wide advisory lock (any constant: one per database). Tenants'
#: locks are the two-key ones (ADVISORY_LOCK, a hash of the tenant), a separate key space.
ADVISORY_LOCK = 0x6B696D6F  # "kimo"
#: How long a SQLite connection waits for another writer, in seconds.
SQLITE_BUSY_TIMEOUT = 30.0
#: How long SQLite itself waits for the write lock at a time, in seconds. Its wait runs in
#: C, where Python's signal handlers do not run: between two steps they do, and
#: ``lock_wait_given_up`` is asked.
SQLITE_LOCK_STEP = 0.1
#: Whether a wait for SQLite's write lock is to end now, for the transactions begun in
#: this context (a run sets it: its worker threads copy the context).
lock_wait_given_up: contextvars.ContextVar[Callable[[], bool] | None] = contextvars.ContextVar(
    "kimono_mirror_lock_wait_given_up", default=None
)
#: How long a reader of the change feed looks for a moment without writers (PostgreSQL)
#: before it queues for the database-wide lock, and so holds new writers back.
FEED_LOCK_PATIENCE = 5.0

log = sdk_logger("kimono_interop.mirror")


def database_url(target: str | Path) -> str:
    """A SQLAlchemy URL for ``target``: a URL as given, a file path as a SQLite URL.

    ``postgresql://`` and ``postgres://`` URLs get the psycopg 3 driver.
    """
    text = str(target)
    scheme = None if isinstance(target, Path) else _SCHEME_ONLY.match(text)
    if scheme is not None and not Path(text).exists():
        # "postgresql:/u:pw@host/db": a URL with a slash missing, which would be taken for
        # the path of a new SQLite file (and its password shown in messages about it)
        name = scheme.group(1)
        raise ValueError(
            f"{shown(text)} looks like a database URL with its slashes missing: write "
            f"{'sqlite:///' if name.lower().startswith('sqlite') else name + '://'}..., "
            "or put ./ before a file's name that holds a colon"
        )
    if "://" not in text:  # a path: escaped, so that "?", "#" or "%" in it stay its own
        path = str(Path(text).expanduser().resolve())
        try:
            return sa.engine.URL.create("sqlite", database=path).render_as_string()
        except UnicodeEncodeError:  # a name that is not UTF-8 (os.fsdecode): as it is
            return f"sqlite:///{path}"
    if _misread_user_info(text):
        raise ValueError(
            f"{shown(text)}: the user name or password of the URL holds an '@'; write it "
            "%40 (and any '/', ':', '?' or '#' in it as %2F, %3A, %3F, %23)"
        )
    try:
        sa.engine.make_url(text)
    except (ValueError, sa.exc.ArgumentError):
        # (SQLAlchemy's own message quotes what it could not read: a password, maybe)
        raise ValueError(
            f"{shown(text)} is not a database URL SQLAlchemy can read (check its port, and "
            "percent-encode '@', '/', ':', '?' and '#' in its password)"
        ) from None
    for prefix in ("postgresql://", "postgres://"):
        if text.startswith(prefix):
            return "postgresql+psycopg://" + text[len(prefix) :]
    return text


#: A database's URL scheme (SQLAlchemy's names, a driver after a "+") and a colon with
#: no "//" after it: a URL mistyped, not a path (any other name with a colon is a file).
_SCHEME_ONLY = re.compile(
    r"((?:postgres(?:ql)?|sqlite|mysql|mariadb|oracle|mssql)(?:\+[A-Za-z0-9_]+)?):(?!//)",
    re.IGNORECASE,
)


#: A scheme's shape (slashes missing or not) and what follows it to an "@".
_MISTYPED_USER_INFO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*:/*)[^@?#]*@")


def shown(target: str | Path) -> str:
    """A mirror's database as messages name it: a password masked, whether in the URL's
    user part (``user:password@``, whatever it holds) or its query (``?password=``)."""
    text = str(target)
    if "://" not in text and "@" in text:
        # "postgresql:/u:pw@host", "pg:u:pw@h": a URL mistyped, maybe made a file's path
        # (".../pg:/u:pw@h"): what looks like user info after a scheme is masked
        return redact_text(_MISTYPED_USER_INFO.sub(r"\1***@", text, count=1))
    if "://" in text:
        if _misread_user_info(text):  # the part read as the host holds the password's rest
            return redact_unread_url(text)
        try:
            text = sa.engine.make_url(text).render_as_string(hide_password=True)
        except (ValueError, sa.exc.ArgumentError):  # not a URL SQLAlchemy reads
            return redact_unread_url(text)
    return redact_text(text)


def _misread_user_info(url: str) -> bool:
    """Whether ``url``'s user name or password holds an ``@`` not written ``%40``, which
    SQLAlchemy misreads: the password's rest taken for the host (``postgresql://u:p@ss@h``:
    host ``ss@h``) or for a port it cannot read (``u:p@ss:word@h``), and shown in every
    error. Text alone cannot tell such an ``@`` from one in the path, so SQLAlchemy's
    reading decides: a host with an ``@``, or no reading at all."""
    start = url.find("://")
    at = user_info_end(url, start + 3) if start >= 0 else -1
    if at < 0 or "@" not in url[start + 3 : at]:
        return False
    try:
        host = sa.engine.make_url(url).host
    except (ValueError, sa.exc.ArgumentError):
        return True
    return host is not None and "@" in host


_NO_FILE = "a mirror needs a SQLite file (a database in memory has no WAL, and is lost on closing)"

#: Seconds PostgreSQL connections wait for the server (libpq's ``connect_timeout``) where
#: the URL sets none: without one, a server that drops packets holds a connect (a
#: worker's, or a command's) for minutes.
PG_CONNECT_TIMEOUT = 10


def create_engine(url: str) -> sa.Engine:
    """The engine of a mirror database, with the settings described above."""
    if url.startswith("sqlite"):
        if sa.engine.make_url(url).database in (None, "", ":memory:"):
            raise ValueError(_NO_FILE)
        engine = sa.create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT},
            poolclass=sa.pool.QueuePool,  # a file's pool, whatever the URL's query says
            hide_parameters=True,  # (errors and logs: no row's data)
        )

        @sa.event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
            cursor = dbapi_connection.cursor()
            # What SQLite opened, whatever the URL says (a URI's mode=memory, an empty
            # file: name, the memdb vfs): a database with no file is lost when closed.
            if (
                not cursor.execute(
                    "SELECT length(file) FROM pragma_database_list WHERE name = 'main'"
                ).fetchone()[0]
                or cursor.execute("PRAGMA journal_mode").fetchone()[0] == "memory"
            ):
                cursor.close()
                raise ValueError(_NO_FILE)
            cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT * 1000)}")
            _use_wal(cursor)
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _begin(connection: sa.Connection) -> None:
            # A writer takes the write lock at once (a deferred transaction that read
            # first could not take it later, once another writer has committed); a
            # reader (see reading()) reads its snapshot while a writer works.
            if connection.get_execution_options().get(_READ, False):
                connection.exec_driver_sql("BEGIN")
            else:
                _begin_immediate(connection)

        return engine
    return pg_engine(
        sa.create_engine(
            url, pool_pre_ping=True, connect_args=pg_connect_args(url), hide_parameters=True
        )
    )


#: SQLSTATEs of a PostgreSQL connection that must be made anew: a read-only transaction
#: (a failover's old primary, a standby). The pool's check before use passes it all the
#: same, and every connection of the pool is as stale.
_PG_RECONNECT = frozenset({"25006"})


def _reconnect(context: sa.engine.ExceptionContext) -> None:
    if getattr(context.original_exception, "sqlstate", None) in _PG_RECONNECT:
        context.is_disconnect = True


def pg_engine(engine: sa.Engine) -> sa.Engine:
    """``engine`` (PostgreSQL: the mirror's, the fleet's, or one given to ``Mirror``) with
    its pool emptied on the errors of ``_PG_RECONNECT``, as on a lost connection: the error
    is then the database's state (``is_transient_db_error``: its connection invalidated),
    waited out on connections made anew (to the new primary, with
    ``target_session_attrs=read-write`` in the URL), where the pooled ones would have met
    it again. Once per engine, however often it is asked."""
    if engine.dialect.name == "postgresql" and not sa.event.contains(
        engine, "handle_error", _reconnect
    ):
        sa.event.listen(engine, "handle_error", _reconnect)
    return engine


def first_line(exc: BaseException) -> str:
    """A database error as messages show it: the first line of the driver's message,
    without SQLAlchemy's statement and parameters or the server's DETAIL and CONTEXT
    lines (which quote the rows' data: a person's name, an email)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def pg_connect_timeout(url: str | sa.URL) -> float:
    """Seconds a PostgreSQL connection of ``url`` waits for the server at most: the URL's
    ``connect_timeout`` (libpq's), or :data:`PG_CONNECT_TIMEOUT`; that one too for a URL
    whose value waits for ever (0) or is not a number."""
    given = sa.engine.make_url(url).query.get("connect_timeout")
    try:
        seconds = float(given if isinstance(given, str) else PG_CONNECT_TIMEOUT)
    except ValueError:
        return PG_CONNECT_TIMEOUT
    return seconds if 0 < seconds < math.inf else PG_CONNECT_TIMEOUT


def pg_connect_args(url: str) -> dict[str, Any]:
    """The connect arguments of a PostgreSQL engine (the mirror's, the fleet's): a
    ``connect_timeout`` of :data:`PG_CONNECT_TIMEOUT` unless the URL gives one, and no
    prepared statements of psycopg's own (after a statement's fifth run it prepares it
    under a name of its own, ``_pg3_0``...: behind a pooler in transaction mode, which
    docs/scaling.md suggests, another client's session holds that name, and the statement
    fails, "prepared statement already exists", on every reconnect alike)."""
    arguments: dict[str, Any] = {"prepare_threshold": None}
    if "connect_timeout" not in sa.engine.make_url(url).query:
        arguments["connect_timeout"] = PG_CONNECT_TIMEOUT
    return arguments


#: The execution option of a connection that only reads (see reading()).
_READ = "kimono_mirror_read"


@contextlib.contextmanager
def reading(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection that only reads. On SQLite its transactions begin deferred, so that
    it reads a snapshot and never waits for a writer, where every other transaction
    begins ``IMMEDIATE``, taking the write lock."""
    with engine.connect() as connection:
        connection.execution_options(**{_READ: True})
        yield connection


def _begin_immediate(connection: sa.Connection) -> None:
    """``BEGIN IMMEDIATE``, waiting for another writer up to ``SQLITE_BUSY_TIMEOUT``.

    SQLite waits in steps of ``SQLITE_LOCK_STEP``: between two, Python runs the signal
    handlers (a second Ctrl-C ends a command at once, not after 30 s) and stops waiting
    if ``lock_wait_given_up`` says so. The last attempt goes through SQLAlchemy, so that
    a lock not granted fails as it always has (an ``OperationalError``, "database is
    locked", which a run waits out as an outage).
    """
    raw = connection.connection.driver_connection
    assert raw is not None
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT
    step = int(SQLITE_LOCK_STEP * 1000)
    raw.execute(f"PRAGMA busy_timeout={step}")
    try:
        while time.monotonic() + SQLITE_LOCK_STEP < deadline:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error).lower():
                    break  # raised below, as SQLAlchemy raises it
            given_up = lock_wait_given_up.get()
            if given_up is not None and given_up():
                deadline = 0.0
                break
        left = max(0, int((deadline - time.monotonic()) * 1000))
        raw.execute(f"PRAGMA busy_timeout={left}")
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        raw.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT * 1000)}")


def _use_wal(cursor: Any) -> None:
    """Put the file in WAL mode (it stays so: later openers only check).

    Switching needs the file to itself, and SQLite answers "database is locked" at once,
    without waiting out the busy timeout, while another connection opening the same new
    file holds it: so the switch is retried until the busy timeout has passed.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


#: SQLite's own words for a failure of the database's state rather than of the statement
#: (``sqlite3.OperationalError`` also covers a missing table or a syntax error).
_SQLITE_TRANSIENT = (
    "database is locked",
    "database table is locked",
    "database or disk is full",
    "disk i/o error",
    "unable to open database file",
)


#: SQLite's words for a store without what the mirror writes to, or that refuses writes.
_SQLITE_STORE = (
    "no such table",
    "no such column",
    "has no column named",
    "readonly database",
    "database disk image is malformed",
    "file is not a database",
)
#: PostgreSQL's SQLSTATEs of the same: class 42 (a table, column or function undefined, a
#: privilege refused...), an undefined schema; not a prepared statement the session already
#: has (42P05: a pooler's, in transaction mode), which stays the statement's.
_PG_STORE = ("42", "3F000")
_PG_NOT_STORE = frozenset({"42P05"})


def is_store_error(exc: BaseException) -> bool:
    """Whether a database error is the store's, whatever the statement's values: a table
    or column missing (a schema not migrated, dropped), a privilege refused, a read-only
    or corrupt SQLite file. Every task would meet it: it is raised, never counted against
    a task (which parked and acked ``error`` every task of the queue, nothing applied)."""
    if not isinstance(exc, sa.exc.DBAPIError):
        return False
    if isinstance(exc.orig, sqlite3.Error):
        message = str(exc.orig).lower()
        return any(words in message for words in _SQLITE_STORE)
    state = getattr(exc.orig, "sqlstate", None)
    return isinstance(state, str) and state.startswith(_PG_STORE) and state not in _PG_NOT_STORE


def is_transient_db_error(exc: BaseException) -> bool:
    """Whether a database error is the database's state, not the statement's: a
    connection lost or refused, a lock not granted in time, a full disk. A run waits
    those out; another error (the store's: see is_store_error) it raises."""
    if not isinstance(exc, sa.exc.DBAPIError):
        return False
    if exc.connection_invalidated:  # (pg_engine's read-only sessions among them)
        return True
    if not isinstance(exc, (sa.exc.OperationalError, sa.exc.InterfaceError)):
        return False
    if isinstance(exc.orig, sqlite3.Error):
        message = str(exc.orig).lower()
        return any(words in message for words in _SQLITE_TRANSIENT)
    return True  # psycopg: a connection, lock, timeout, resource or serialization failure


def lock(connection: sa.Connection) -> None:
    """Take the database-wide writer lock for this transaction, exclusive (PostgreSQL;
    SQLite has its own): for what spans tenants. It waits for every tenant's writers."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "SELECT pg_advisory_xact_lock(%(key)s::bigint)", {"key": ADVISORY_LOCK}
        )


def lock_between_writes(connection: sa.Connection) -> None:
    """Take the database-wide lock exclusive at a moment no write transaction is in
    flight, without queueing for it (PostgreSQL; SQLite has its own).

    A queued request would hold back every writer that comes after it until the oldest
    in flight commits: PostgreSQL lets no new shared holder past a waiting exclusive one.
    So the lock is tried, at growing intervals up to 50 ms, for ``FEED_LOCK_PATIENCE``
    seconds; writers that never pause then make it queue like :func:`lock`.
    """
    if connection.dialect.name != "postgresql":
        return
    deadline = time.monotonic() + FEED_LOCK_PATIENCE
    delay = 0.001
    while time.monotonic() < deadline:
        taken = connection.exec_driver_sql(
            "SELECT pg_try_advisory_xact_lock(%(key)s::bigint)", {"key": ADVISORY_LOCK}
        ).scalar()
        if taken:
            return
        time.sleep(delay)
        delay = min(delay * 2, 0.05)
    lock(connection)


def tenant_key(tenant: str) -> int:
    """The second key of a tenant's advisory lock: a stable 32-bit hash of its id."""
    value = zlib.crc32(tenant.encode("utf-8", "surrogatepass"))  # a task's tenant may be bad
    return value - (1 << 32) if value >= 1 << 31 else value


_tenant_locks: dict[int, str] = {}


def lock_tenants(connection: sa.Connection, tenants: Iterable[str]) -> None:
    """Take the writer locks of a transaction that writes ``tenants`` (PostgreSQL; SQLite
    has its own): the database-wide lock, shared, then each tenant's, exclusive, in a
    stable order (two transactions never wait for each other's). Writers of different
    tenants run side by side; writers of one tenant one after the other.

    The same statement makes the transaction plan each statement for its parameters
    (``plan_cache_mode``): a generic plan, made once per connection while the tables
    were small, would go on scanning them once they are not.
    """
    if connection.dialect.name != "postgresql":
        return
    keys = sorted({tenant_key(tenant) for tenant in tenants})
    text = _tenant_locks.get(len(keys))
    if text is None:
        calls = "".join(
            f", pg_advisory_xact_lock(%(g)s::integer, %(t{i})s::integer)" for i in range(len(keys))
        )
        text = _tenant_locks[len(keys)] = (
            "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
            f"pg_advisory_xact_lock_shared(%(g)s::bigint){calls}"
        )
    params: dict[str, int] = {"g": ADVISORY_LOCK}
    params.update({f"t{i}": key for i, key in enumerate(keys)})
    connection.exec_driver_sql(text, params)


class _Statistics:
    """When to next refresh the planner's statistics of an engine's mirror tables."""

    #: Tasks applied through an engine before its first ANALYZE; each next one waits for
    #: twice as many.
    FIRST = 5000

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.applied = 0
        self.next = self.FIRST


_statistics: weakref.WeakKeyDictionary[sa.Engine, _Statistics] = weakref.WeakKeyDictionary()
_statistics_lock = threading.Lock()
#: The tables whose lookups by key need statistics to use their primary key.
_ANALYZED = "mirror_objects, mirror_links, mirror_inbox, mirror_attempts"


def refresh_statistics(engine: sa.Engine, applied: int) -> None:
    """After ``applied`` more tasks were committed through ``engine`` (PostgreSQL): ANALYZE
    the mirror's tables once the count since the last one has doubled.

    Without statistics (autovacuum analyzes a table a minute or more after it grows, so
    an initial sync runs without), the planner sees no difference between a table's
    primary key and another index on (tenant, type, ...) and may pick the other one, then
    filter every row of the tenant's type for each lookup: a chunk of a tenant with
    80,000 links spends 30 ms finding 400 of them. ``SKIP_LOCKED`` skips a table that a
    vacuum holds; a failure is logged, never raised (the chunk is committed).
    """
    if engine.dialect.name != "postgresql" or applied <= 0:
        return
    with _statistics_lock:
        state = _statistics.get(engine)
        if state is None:
            state = _statistics[engine] = _Statistics()
    with state.lock:
        state.applied += applied
        if state.applied < state.next:
            return
        state.next = state.applied * 2
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql(f"ANALYZE (SKIP_LOCKED) {_ANALYZED}")
    except sa.exc.SQLAlchemyError as exc:
        log.warning("could not refresh the mirror's table statistics: %s", exc)


def head() -> str | None:
    """The newest revision of the schema the package ships."""
    return MIRROR.head()


def migrate(engine: sa.Engine, history: History = MIRROR) -> None:
    """Create or upgrade the schema to the newest revision, in one transaction.

    A database already at the newest revision is only read: the database-wide lock, which
    waits for every writer and stops them meanwhile, is taken only to change the schema.
    """
    with reading(engine) as connection:
        current = history.current(connection)
    if current == history.head():
        return
    must_know(current, history, engine.url)  # (before the lock: it waits for every writer)
    with engine.begin() as connection:
        lock(connection)
        if history.current(connection) is None and sa.inspect(connection).has_table(
            history.first_table
        ):
            # (creating them again failed: "table mirror_objects already exists")
            raise not_recorded(history, engine.url)
        history.upgrade(connection)


def not_recorded(history: History, where: str | sa.URL) -> SchemaNotRecorded:
    """The error of a database holding ``history``'s tables but no revision of them."""
    named = _named(where) if isinstance(where, sa.URL) else where
    return SchemaNotRecorded(
        f"the database {named} holds {history.first_table} but no record of its schema "
        f"revision ({history.version_table} is missing or empty): restore that table, or "
        "record the revision the tables are at (`alembic stamp`, with the version table "
        f"{history.version_table}), then open it again; nothing was changed"
    )


def _named(url: sa.URL) -> str:
    """A database's URL as messages name it (see :func:`shown`)."""
    try:
        return shown(url.render_as_string(hide_password=True))
    except UnicodeError:  # (a file name no URL can quote)
        return shown(url.database or "")


def must_know(revision: str | None, history: History, where: str | sa.URL) -> None:
    """SchemaTooNew if the database is at a revision of a version newer than this one
    (``where``: the database as messages name it, or its URL)."""
    if revision is not None and not history.knows(revision):
        named = _named(where) if isinstance(where, sa.URL) else where
        raise SchemaTooNew(
            f"the database {named} is at schema revision {revision} "
            f"({history.version_table}), which this kimono-interop (up to {history.head()}) "
            "does not know: a newer version wrote it. Upgrade kimono-interop to use it "
            "(this one leaves it as it is)"
        )


def migration_sql(dialect: str = "postgresql", *, start: str | None = None) -> str:
    """The SQL that creates (or, from ``start``, upgrades) the schema, for a DBA to run.

    ``dialect``: ``postgresql`` or ``sqlite``. Nothing is connected to.
    """
    return MIRROR.sql(dialect, start=start)
