"""The ``mirror`` commands: keep a roster mirror current from the task queue, and look after it.

``mirror run`` drains (``--follow``: follows) the queue into the mirror; ``status``,
``changes``, ``parked``, ``replay``, ``approve-sweep`` and ``verify`` read and tend it.
The mirror is ``--db`` (or ``KIMONO_MIRROR_DB``): a SQLite file path (the default,
``kimono-mirror.db``) or a database URL (``postgresql://user:password@host/db``). They
need ``pip install 'kimono-interop[mirror]'``; the mirror itself is imported only inside
the commands, so ``--help`` stays fast.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .._constants import (
    ACK_INTERVAL,
    INBOX_RETENTION,
    MAX_ATTEMPTS,
    MAX_POLL_INTERVAL,
    POLL_INTERVAL,
    SWEEP_THRESHOLD,
    TASK_BATCH,
)
from .._secrets import redact_text
from .common import (
    EXIT_CONFIG,
    EXIT_ERROR,
    EXIT_USAGE,
    SIGNAL_EXITS,
    Settings,
    echo,
    err,
    expected_errors,
    fail,
    finite,
    out,
)
from .options import KimonoCommand

if TYPE_CHECKING:
    from ..mirror import Mirror, MirrorStats, Sync, TaskOutcome

F = TypeVar("F", bound=Callable[..., Any])
ENV_DB = "KIMONO_MIRROR_DB"
DEFAULT_DB = "kimono-mirror.db"


#: The greatest cursor or generation a store holds (a 64-bit integer).
_INT64 = 2**63 - 1


class LocalCommand(KimonoCommand):
    """A command that reads the mirror alone: of the global options it takes the log level."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, global_options=("log_level",), **kwargs)


def db_option(command: F) -> F:
    return click.option(
        "--db",
        default=DEFAULT_DB,
        envvar=ENV_DB,
        show_default=True,
        show_envvar=True,
        help="The mirror: a SQLite file, or a database URL (postgresql://user:pass@host/db).",
    )(command)


def apply_options(command: F) -> F:
    """The options of a loop that applies the task queue to the mirror (``mirror run`` and
    ``fleet run``), with the library's defaults."""
    options = [
        click.option(
            "--ack-every",
            type=click.IntRange(1, TASK_BATCH),
            default=TASK_BATCH,
            show_default=True,
            help="Commit and acknowledge every N tasks.",
        ),
        click.option(
            "--ack-interval",
            callback=finite,
            type=click.FloatRange(min=0, min_open=True),
            default=ACK_INTERVAL,
            show_default=True,
            help="...or every N seconds, whichever comes first.",
        ),
        click.option(
            "--poll-interval",
            callback=finite,
            type=click.FloatRange(min=0, min_open=True),
            default=POLL_INTERVAL,
            show_default=True,
            help="First wait after an empty batch (it doubles up to --max-poll-interval).",
        ),
        click.option(
            "--max-poll-interval",
            callback=finite,
            type=click.FloatRange(min=0, min_open=True),
            default=MAX_POLL_INTERVAL,
            show_default=True,
            help="Longest wait between two polls of an idle queue.",
        ),
        click.option(
            "--sweep-threshold",
            callback=finite,
            type=click.FloatRange(0, 1),
            default=SWEEP_THRESHOLD,
            show_default=True,
            help="Share of a type a full sync may tombstone without approval.",
        ),
        click.option(
            "--max-attempts",
            type=click.IntRange(min=1),
            default=MAX_ATTEMPTS,
            show_default=True,
            help="Failures after which a task is parked.",
        ),
        click.option(
            "--inbox-retention",
            type=click.FloatRange(min=0),
            default=INBOX_RETENTION,
            show_default=True,
            callback=lambda ctx, param, value: finite(ctx, param, value) or None,
            help="Seconds the mirror's record of each task is kept (pruned about hourly; "
            "0: kept for ever).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@contextmanager
def _removed_unless_written(db: str) -> Iterator[None]:
    """A SQLite mirror this command makes (its file not there before) is removed again
    if the command fails before writing anything to it (credentials refused, a tenant
    id mistyped): a mistyped ``--db`` would otherwise leave an empty mirror that the
    readers' commands then take for a healthy one."""
    path = _new_sqlite_file(db)
    try:
        yield
    except BaseException:
        if path is not None and _holds_nothing(path):
            for name in (path, *(f"{path}{tail}" for tail in ("-wal", "-shm", "-journal"))):
                with contextlib.suppress(OSError):
                    os.remove(name)
        raise


def _new_sqlite_file(db: str) -> str | None:
    """The path of the SQLite file ``db`` names, if there is none yet; else None."""
    import sqlalchemy as sa

    from ..mirror import database_url

    try:
        url = sa.engine.make_url(database_url(db))
    except (ValueError, sa.exc.ArgumentError):
        return None
    if not url.drivername.startswith("sqlite") or not url.database:
        return None
    if url.database == ":memory:" or url.database.startswith("file:"):
        return None
    return None if os.path.lexists(url.database) else url.database


def _holds_nothing(path: str) -> bool:
    """Whether the mirror file at ``path`` is missing or holds no object, task record or
    change (the schema alone); False if it cannot tell."""
    import sqlite3

    if not os.path.exists(path):
        return False
    try:
        uri = f"{Path(path).as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as con:
            return not any(
                con.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone()
                for table in ("mirror_objects", "mirror_inbox", "mirror_changes", "mirror_syncs")
            )
    except sqlite3.Error:
        return False


@contextmanager
def opened(db: str, **options: Any) -> Iterator[Mirror]:
    """The mirror at ``db``; what can go wrong opening or using it becomes a message."""
    try:
        from ..mirror import Mirror
    except ImportError as exc:
        fail(
            f"the mirror needs its extra: pip install 'kimono-interop[mirror]' ({exc})",
            EXIT_CONFIG,
        )
    import sqlalchemy.exc

    from ..mirror import NoMirror, SchemaNotRecorded, SchemaTooNew, database_url

    try:
        sqlalchemy.engine.make_url(database_url(db))
    except (ValueError, sqlalchemy.exc.ArgumentError) as exc:
        fail(f"--db {_shown(db)} is not a file path or database URL: {exc}", EXIT_USAGE)
    try:
        store = Mirror.open(db, **options)
    except ImportError as exc:  # a URL whose driver is not installed (mysql://, psycopg2)
        fail(
            f"the mirror's database ({_shown(db)}): {exc}; the mirror runs on SQLite and "
            "on PostgreSQL through psycopg 3 (postgresql://...)",
            EXIT_USAGE,
        )
    except (SchemaTooNew, SchemaNotRecorded) as exc:  # nothing here can read or upgrade it
        fail(str(exc), EXIT_CONFIG)  # (as `fleet run` and `status` say it)
    except NoMirror as exc:  # a reader's command, and no mirror there
        fail(f"{exc}; `kimono-interop mirror run --db ...` makes (or upgrades) one", EXIT_USAGE)
    except PermissionError as exc:  # a file there that cannot be read
        fail(str(exc), EXIT_ERROR)
    except sqlalchemy.exc.SQLAlchemyError as exc:
        fail(f"the mirror's database ({_shown(db)}): {_first_line(exc)}", EXIT_ERROR)
    except ValueError as exc:
        fail(str(exc), EXIT_USAGE)
    try:
        with store:
            yield store
    except sqlalchemy.exc.SQLAlchemyError as exc:
        fail(f"the mirror's database ({_shown(db)}): {_first_line(exc)}", EXIT_ERROR)
    except ValueError as exc:  # a command's own refusal (a sweep that is not held...)
        fail(str(exc), EXIT_USAGE)


@click.group()
def mirror() -> None:
    """A durable local copy of the roster, kept current from the task queue.

    \b
    Each task is applied once, in a transaction with its recorded outcome, and
    acknowledged after the commit; a task delivered again is acknowledged with
    its outcome and never applied twice. docs/mirror.md has the details.
    """


@mirror.command("run", cls=KimonoCommand)
@db_option
@click.option("--follow", is_flag=True, help="Keep waiting for new tasks (until Ctrl-C).")
@click.option("--tenant-id", default=None, help="Only tasks of this tenant.")
@click.option("--max-tasks", type=click.IntRange(min=1), default=None, help="Stop after N tasks.")
@apply_options
@click.pass_obj
def run(
    settings: Settings,
    db: str,
    follow: bool,
    tenant_id: str | None,
    max_tasks: int | None,
    ack_every: int,
    ack_interval: float,
    poll_interval: float,
    max_poll_interval: float,
    sweep_threshold: float,
    max_attempts: int,
    inbox_retention: float | None,
) -> None:
    """Apply the task queue to the mirror, acknowledging each task after its commit.

    Until the queue is empty, or with --follow until Ctrl-C or SIGTERM: the batch in
    hand is then applied and acknowledged before the exit (130 or 143); a second
    signal rolls its chunk in hand back (it comes back; nothing committed is lost).
    Exits 1 if a task had no id (its tenant's queue is then stalled) or an ack was
    refused.
    """
    counter = _Counter()
    started = time.monotonic()
    with (
        _removed_unless_written(db),
        expected_errors(settings),
        settings.client() as client,
        opened(db, sweep_threshold=sweep_threshold, max_attempts=max_attempts) as store,
    ):
        stats = store.run(
            client,
            tenant_id=tenant_id,
            stop_when_empty=not follow,
            max_tasks=max_tasks,
            ack_every=ack_every,
            ack_interval=ack_interval,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_commit=counter,
            inbox_retention=inbox_retention,
        )
        held = _held_sweeps(store)
    counter.done()
    _summary(stats, time.monotonic() - started)
    if held is None:  # the database is down (the run ended waiting for it): name what it saw
        held_here = ", ".join(str(generation) for generation in stats.held_sweeps)
        if held_here:
            err().print(
                f"[yellow]held sweep(s)[/] {held_here}: `kimono-interop mirror status` "
                "once the database answers"
            )
    from .common import escape

    for sync, would in held or []:
        err().print(
            f"[yellow]held sweep[/] {sync.generation} (tenant {escape(sync.tenant_id)}): would "
            f"tombstone {escape(would)}; "
            f"`kimono-interop mirror approve-sweep {sync.generation}` to carry it out"
        )
    if stats.unackable or stats.ack_failures:
        fail(
            f"{stats.unackable} task(s) without an id, {len(stats.ack_failures)} ack(s) refused",
            EXIT_ERROR,
        )
    if stats.stopped_by in SIGNAL_EXITS:
        # What was committed was acknowledged (an interrupted chunk comes back).
        raise click.exceptions.Exit(SIGNAL_EXITS[stats.stopped_by])


def _held_sweeps(store: Mirror) -> list[tuple[Sync, str]] | None:
    """The sweeps awaiting approval, each with what it would tombstone (see
    :func:`_would_tombstone`); None if the database does not answer (a run stopped by a
    signal while it waited out an outage keeps the signal's exit code)."""
    import sqlalchemy.exc

    try:
        return [(sync, _would_tombstone(store, sync)) for sync in store.syncs(status="held")]
    except sqlalchemy.exc.SQLAlchemyError:
        return None


def _would_tombstone(store: Mirror, sync: Sync) -> str:
    """``9 of 10 sections, 3 of 500 persons``: what a held sweep would tombstone now, by
    type (the totals, if it is no longer held by the time it is read)."""
    try:
        counts = store.held_sweep(sync.generation)
    except ValueError:  # approved or rejected meanwhile
        return f"{sync.to_sweep} of {sync.live} {', '.join(sync.types)}"
    if not counts:
        return f"nothing now ({', '.join(sync.types)}: tombstoned or written since)"
    return ", ".join(f"{doomed} of {live} {kind}" for kind, (doomed, live) in counts.items())


class _Counter:
    """A live count of applied tasks on stderr (a terminal only)."""

    def __init__(self) -> None:
        self.console = err()
        self.tasks = 0

    def __call__(self, outcomes: Sequence[TaskOutcome]) -> None:
        self.tasks += len(outcomes)
        if self.console.is_terminal:
            self.console.print(f"\r{self.tasks} task(s) applied", end="")

    def done(self) -> None:
        if self.console.is_terminal and self.tasks:
            self.console.print()


def _summary(stats: MirrorStats, seconds: float) -> None:
    from rich.table import Table

    table = Table(title=f"mirror run: {stats.received} task(s) in {seconds:.1f} s")
    table.add_column("result")
    table.add_column("tasks", justify="right")
    for name in ("applied", "stale", "ignored", "duplicates", "retried", "held", "parked"):
        table.add_row(name, str(getattr(stats, name)))
    table.add_row("acknowledged", str(stats.acknowledged))
    # What the run waited out or tidied, shown when it happened.
    for label, count in (
        ("service outages waited out", stats.outages),
        ("database failures waited out", stats.db_errors),
        ("old task records pruned", stats.inbox_pruned),
    ):
        if count:
            table.add_row(label, str(count))
    if stats.stopped_by.startswith("SIG") or stats.stopped_by == "interrupted":
        # (a run stopped by a signal said only its counts: tell it from one that ended)
        table.add_row("stopped by", stats.stopped_by)
    err().print(table)


@mirror.command("status", cls=LocalCommand)
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def status(db: str, as_json: bool) -> None:
    """Objects per type (live and tombstoned), parked tasks, held sweeps, the feed's cursor."""
    with opened(db, create=False) as store:
        found = store.status()
        held = store.syncs(status="held")
        would = {s.generation: _would_tombstone(store, s) for s in held}
    found["held"] = [
        {
            "generation": s.generation,
            "tenant_id": s.tenant_id,
            "to_sweep": s.to_sweep,
            "would_tombstone": would[s.generation],
        }
        for s in held
    ]
    if as_json:
        echo(json.dumps(found, indent=2))
        return
    from rich.table import Table

    from .common import escape

    table = Table(title=escape(f"mirror {_shown(db)}"))
    table.add_column("type")
    table.add_column("live", justify="right")
    table.add_column("deleted", justify="right")
    for name, counts in sorted(found["objects"].items()):
        table.add_row(escape(name), str(counts["live"]), str(counts["deleted"]))
    out().print(table)
    out().print(
        f"tasks recorded: {found['tasks_recorded']}  parked: {found['parked']}  "
        f"held sweeps: {found['held_sweeps']}  last change: {found['last_cursor']}"
    )
    for sync in held:
        out().print(
            f"held sweep {sync.generation}: would tombstone {would[sync.generation]}", markup=False
        )


@mirror.command("changes", cls=LocalCommand)
@db_option
@click.option(
    "--since", type=click.IntRange(min=0, max=_INT64), default=0, help="After this cursor."
)
@click.option("--limit", type=click.IntRange(min=1, max=_INT64), default=1000, show_default=True)
def changes(db: str, since: int, limit: int) -> None:
    """The change feed after --since, as JSON lines (keep the last cursor for the next call)."""
    with opened(db, create=False) as store:
        found = store.changes(since=since, limit=limit)
    for change in found:
        echo(
            json.dumps(
                {
                    "cursor": change.cursor,
                    "tenant_id": change.tenant_id,
                    "object_type": change.object_type,
                    "object_id": change.object_id,
                    "op": change.op,
                    "action": change.action,
                    "sequence": change.sequence,
                    "task_id": change.task_id,
                    "generation": change.generation,
                    "at": change.at.isoformat() if change.at else None,
                }
            )
        )


@mirror.command("parked", cls=LocalCommand)
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines, with each raw task.")
def parked(db: str, as_json: bool) -> None:
    """Tasks that failed for good or too often (replay them with `mirror replay`)."""
    with opened(db, create=False) as store:
        found = store.parked()
    if as_json:
        for task in found:
            echo(
                json.dumps(
                    {
                        "task_id": task.task_id,
                        "tenant_id": task.tenant_id,
                        "object_type": task.object_type,
                        "object_id": task.object_id,
                        "sequence": task.sequence,
                        "attempts": task.attempts,
                        "error": task.error,
                        "raw": task.raw,
                    },
                    default=str,
                )
            )
        return
    from rich.table import Table

    from .common import escape

    table = Table(title=f"{len(found)} parked task(s)")
    for column in ("task", "object", "attempts", "error"):
        table.add_column(column, overflow="fold")
    for task in found:
        table.add_row(
            escape(task.task_id),  # as replay takes it: no markup read in it
            escape(f"{task.object_type or ''} {task.object_id or ''}"),
            str(task.attempts),
            escape(task.error or ""),
        )
    out().print(table)


@mirror.command("replay", cls=LocalCommand)
@db_option
@click.argument("task_ids", nargs=-1, required=True)
def replay(db: str, task_ids: tuple[str, ...]) -> None:
    """Apply parked tasks again (after fixing what failed them). Exits 1 if one fails again."""
    again = 0
    with opened(db, create=False) as store:
        for task_id in task_ids:
            try:
                outcome = store.replay(task_id)
            except KeyError:
                fail(f"no parked task {task_id}", EXIT_USAGE)
            again += outcome.result == "parked"
            echo(
                f"{task_id}: {outcome.result}"
                + (f" ({outcome.message})" if outcome.message else "")
            )
    if again:
        fail(f"{again} task(s) failed again and stay parked", EXIT_ERROR)


@mirror.command("approve-sweep", cls=LocalCommand)
@db_option
@click.argument("generation", type=click.IntRange(min=1, max=_INT64))
@click.option("--reject", is_flag=True, help="Drop the sweep instead: nothing is tombstoned.")
def approve_sweep(db: str, generation: int, reject: bool) -> None:
    """Carry out (or --reject) the held sweep of a full sync (see `mirror status`)."""
    with opened(db, create=False) as store:
        try:
            if reject:
                store.reject_sweep(generation)
                echo(f"sweep {generation} rejected: nothing tombstoned")
                return
            swept = store.approve_sweep(generation)
        except ValueError as exc:
            fail(str(exc), EXIT_USAGE)
    echo(f"sweep {generation} approved: {swept} object(s) tombstoned")


@mirror.command("verify", cls=KimonoCommand)
@db_option
@click.option(
    "--tenant-id",
    default=None,
    help="The tenant to compare (default: the mirror's only tenant).",
)
@click.option("--json", "as_json", is_flag=True, help="Print each difference as a JSON line.")
@click.pass_obj
def verify(settings: Settings, db: str, tenant_id: str | None, as_json: bool) -> None:
    """Compare the mirror with a fresh REST snapshot; report every difference (exit 1 if any)."""
    with opened(db, create=False) as store:
        tenant = _tenant(store, tenant_id)
        with expected_errors(settings), settings.client() as client:
            report = store.verify(client, tenant_id=tenant)
    for difference in report.differences:
        if as_json:
            echo(json.dumps(difference.__dict__, default=list))
        else:
            fields = f" ({', '.join(difference.fields)})" if difference.fields else ""
            echo(f"{difference.kind}: {difference.object_type} {difference.object_id}{fields}")
    compared = sum(report.compared.values())
    if report.uncompared:
        kinds = ", ".join(f"{count} {kind}" for kind, count in report.uncompared.items())
        err().print(f"not compared (no REST list gives them): {kinds}", markup=False)
    if not report.ok:
        fail(f"{len(report.differences)} difference(s) in {compared} object(s)", EXIT_ERROR)
    err().print(f"the mirror equals the service: {compared} object(s) compared")


@mirror.command("snapshot", cls=KimonoCommand)
@db_option
@click.option("--tenant-id", required=True, help="The tenant whose roster the lists are.")
@click.pass_obj
def snapshot(settings: Settings, db: str, tenant_id: str) -> None:
    """Seed the mirror from the REST lists (for a queue that holds no initial sync)."""
    with opened(db) as store, expected_errors(settings), settings.client() as client:
        sync = store.snapshot(client, tenant_id=tenant_id)
    live = (sync.live or 0) - (sync.swept or 0)  # (counted before its sweep)
    line = (
        f"snapshot {sync.generation}: {live} live object(s) of {', '.join(sync.types)}; "
        f"sweep {sync.status}" + (f" ({sync.to_sweep} to tombstone)" if sync.to_sweep else "")
    )
    if sync.status == "held":
        line += f"; `kimono-interop mirror approve-sweep {sync.generation}` to carry it out"
    err().print(line, markup=False)


def _tenant(store: Mirror, given: str | None) -> str:
    if given:
        return given
    tenants = store.tenants()
    if len(tenants) != 1:
        fail(
            f"the mirror holds {len(tenants)} tenants: give --tenant-id "
            f"({', '.join(tenants) or 'none yet'})",
            EXIT_USAGE,
        )
    return tenants[0]


def _shown(db: str) -> str:
    """``db`` without a password (see ``mirror._store.shown``)."""
    from ..mirror._store import shown

    return shown(db)


def _first_line(exc: BaseException) -> str:
    """A database error in one line, as the mirror shows one (``mirror._store.first_line``),
    credentials masked."""
    from ..mirror._store import first_line

    return redact_text(first_line(exc))
