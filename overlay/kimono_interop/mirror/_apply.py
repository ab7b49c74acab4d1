"""Applying tasks to the store: one transaction per chunk, the inbox, guards, syncs, failures.

A chunk of tasks is applied in one transaction. If a task fails, the transaction is
rolled back and the chunk applied again with one savepoint per task, so the bad task
is isolated and the others commit. Each task's final outcome goes to the inbox in the
same transaction; a task already in the inbox is not applied again. See docs/mirror.md.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from .._ids import canonical_id
from .._json import dumps_line
from .._logging import sdk_logger
from .._references import ref_id
from .._secrets import redact_text
from .._task_view import TaskHandler, TaskKind, TaskView, outcome_of_error, outcome_of_result
from . import _schema as t
from ._model import FINAL_RESULTS, Change, Result, TaskOutcome
from ._store import (
    first_line,
    is_store_error,
    is_transient_db_error,
    lock_tenants,
    refresh_statistics,
)
from ._writes import INSERT_CHANGE, Key, Writes

log = sdk_logger("kimono_interop.mirror")

#: A hook run inside the apply transaction for each change: ``on_change(connection, change)``.
OnChange = Callable[[sa.Connection, Change], None]
#: What handles tasks that are not roster changes; its return value is the ack, as a
#: consumer handler's is (None: success).
OnOther = TaskHandler
#: Called first in every apply transaction, with its connection and the tasks it is about to
#: apply; raising refuses the whole transaction (the fleet checks its tenant lease here).
Fence = Callable[[sa.Connection, Sequence[TaskView]], None]
#: Called last in every apply transaction, with its connection, the tasks it took (those
#: after a deadline are left for the next one) and their outcomes; raising rolls it back.
Applied = Callable[[sa.Connection, Sequence[TaskView], Sequence["TaskOutcome"]], None]

#: The origins of a full sync that sends every object (client-kit-java's KCTaskOrigin:
#: INITIAL, "initial load of data", RESEND, "resend all data"; the mirror's own
#: snapshot): the objects it did not send are gone. Another origin's sweep (INGESTION,
#: one this version does not know) waits for approval; one naming none is taken for full.
WHOLE_SYNC_ORIGINS = frozenset({"initial", "resend", "snapshot"})

#: Actions whose task carries the object as it now is (``data``): it replaces the stored one.
UPSERTS = frozenset({"ADD", "UPDATE", "CHANGE", "SET", "UNSET"})

#: The mirror's name of each type of the roster, by the names tasks give it: the
#: Interop API's own (``Person``, ``persons``) and the topics of the vendor's blueprints
#: (kimonocloud/api-examples' ``blueprint.xml``: ``LEA``, ``School``, ``Student``,
#: ``Staff``, ``CourseSection``, ``Course``, ``Term``), which client-kit-java reads as
#: ``schema:name`` (``KCTopic``, the schema ``RDM`` when none is given). Keyed lower case.
_TYPE_NAMES = {
    **dict.fromkeys(("person", "persons", "student", "students", "staff"), "persons"),
    **dict.fromkeys(("teacher", "teachers"), "persons"),
    **dict.fromkeys(("org", "orgs", "lea", "leas", "school", "schools"), "orgs"),
    **dict.fromkeys(("course", "courses"), "courses"),
    **dict.fromkeys(("section", "sections", "coursesection", "coursesections"), "sections"),
    **dict.fromkeys(("course_section", "course_sections"), "sections"),
    **dict.fromkeys(("term", "terms"), "terms"),
    **dict.fromkeys(
        ("grading_category", "grading_categories", "gradingcategory", "gradingcategories"),
        "grading_categories",
    ),
}
#: A person's type, where a task's topic says it and its ``data`` does not.
_TOPIC_PERSON_TYPES = {"student": "student", "students": "student", "staff": "staff"}
_TOPIC_PERSON_TYPES.update(teacher="teacher", teachers="teacher")


def _topic(name: str) -> str:
    """A task's ``object_type`` lower case, without the ``schema:`` of a blueprint topic."""
    lowered = name.strip().lower()
    return lowered.rpartition(":")[2].strip() or lowered


@functools.lru_cache(maxsize=1024)  # (a district's tasks name a handful of types)
def object_type_of(name: str) -> str:
    """The mirror's name of an object type: the roster's types in the plural, whatever a
    task calls them (``Person``, ``Student``, ``RDM:CourseSection`` -> ``persons``,
    ``persons``, ``sections``); another type lower case, without a ``schema:`` prefix.
    One object named by two of them (an ADD of a ``Person``, a DELETE of a ``Student``)
    is one object: each name kept as sent made it two, one never deleted."""
    topic = _topic(name)
    return _TYPE_NAMES.get(topic, topic)


@functools.lru_cache(maxsize=1024)
def topic_person_type(name: str | None) -> str | None:
    """The person type a task's topic names (``Student``, ``RDM:Staff``), or None."""
    return _TOPIC_PERSON_TYPES.get(_topic(name)) if name else None


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class PermanentError(Exception):
    """A task that can never be applied as it is (no object, an unknown action): parked at once."""


class _HookFailed(sa.exc.DBAPIError):
    """A database error the ``on_change`` hook's own statement met (its statement timeout,
    a lock it could not get): the task's failure, counted and then parked like any the
    hook raises. Left as the database's, it would be waited out as an outage, and a
    hook that always fails so would hold its tenant's queue for ever. A connection lost
    is still the database's. Outside a task (a sweep approved, a snapshot) it reaches the
    caller as what it is, a ``DBAPIError``, ``error`` the one the statement raised."""

    def __init__(self, error: sa.exc.DBAPIError) -> None:
        orig = error.orig if error.orig is not None else error
        super().__init__(error.statement, error.params, orig, hide_parameters=True)
        self.error = error

    def __reduce__(self) -> Any:  # (DBAPIError's own passes its constructor's arguments)
        return type(self), (self.error,)


def _not_the_task_s(exc: BaseException) -> bool:
    """Whether a failure met applying a task is the database's (waited out) or the store's
    (raised) rather than the task's; a hook's own statement's is its task's."""
    if is_transient_db_error(exc):
        return True
    return is_store_error(exc) and not isinstance(exc, _HookFailed)


class _Isolate(Exception):
    """A task failed in a chunk applied without savepoints: apply the first ``count`` again."""

    def __init__(self, count: int) -> None:
        super().__init__(count)
        self.count = count


def person_type(data: Mapping[str, Any]) -> str | None:
    sys = data.get("$sys")
    value = sys.get("person_type") if isinstance(sys, Mapping) else None
    if value is None:
        value = data.get("person_type")
    return value.lower()[:64] if isinstance(value, str) else None


_CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


#: Target ids already found in the canonical UUID form (a district's objects name the same
#: schools and sections over and over: a lookup here is cheaper than the pattern).
_CANONICAL_SEEN: dict[str, None] = {}
_CANONICAL_SEEN_MAX = 65_536


def _target(ref: Mapping[str, Any]) -> str | None:
    """``ref_id(ref)``, with a shortcut for an id already in the canonical UUID form."""
    sys = ref.get("$sys")
    value = None
    # None and type() first: isinstance() of an ABC is slow, and the objects are dicts.
    if sys is not None and (type(sys) is dict or isinstance(sys, Mapping)):
        value = sys.get("id")
    if value is None:
        value = ref.get("id")
    if type(value) is str:
        if value in _CANONICAL_SEEN:
            return value
        if _CANONICAL.fullmatch(value):
            if len(_CANONICAL_SEEN) < _CANONICAL_SEEN_MAX:
                _CANONICAL_SEEN[value] = None
            return value
    return ref_id(ref)


def references(data: Mapping[str, Any]) -> set[tuple[str, str]]:
    """(relationship, target id) of every reference of an object (``$schools``, ``$course``...)."""
    found: set[tuple[str, str]] = set()
    add = found.add
    for key, value in data.items():
        if type(key) is str:
            if key[:1] != "$" or key == "$sys":
                continue
        elif not isinstance(key, str) or key[:1] != "$":
            continue
        rel = key[1:].lower()[:64]
        for ref in value if type(value) is list or isinstance(value, list) else [value]:
            if type(ref) is dict or isinstance(ref, Mapping):
                target = _target(ref)
                if target and len(target) <= 128:
                    add((rel, target))
    return found


#: A tenant's latest full sync (only it can be open: a new one abandons the open one).
_LATEST_SYNC = (
    "SELECT generation, status FROM mirror_syncs WHERE tenant_id = {} "
    "ORDER BY generation DESC LIMIT 1"
)
_LATEST_SYNC_SQLITE = _LATEST_SYNC.format("?")
_LATEST_SYNC_PG = _LATEST_SYNC.format("%(tenant)s")


def _encodable(text: str) -> bool:
    """Whether ``text`` is valid Unicode for a store: no NUL (PostgreSQL refuses it in
    text), no lone UTF-16 surrogate (no driver can encode one; JSON may carry it)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _safe(text: str) -> str:
    """``text`` with U+FFFD for each NUL and lone surrogate (see _encodable)."""
    if _encodable(text):
        return text
    return "".join("\ufffd" if c == "\x00" or "\ud800" <= c <= "\udfff" else c for c in text)


def _clip(text: str, limit: int = 1000) -> str:
    """``text`` as a text column takes it: at most ``limit`` characters, U+FFFD for what
    a store cannot hold (see _safe)."""
    text = _safe(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _column(text: str | None, limit: int) -> str | None:
    """A name or id written to a record (inbox, parked) as its column takes it: at most
    ``limit`` characters, U+FFFD for what a store cannot hold."""
    return None if text is None else _safe(text[:limit])


#: Longest task id the inbox, failure counts and parked tasks are keyed by.
_TASK_ID_LENGTH: int = t.inbox.c.task_id.type.length  # type: ignore[attr-defined]
#: The range of a stored sequence (a 64-bit integer on both stores).
_SEQUENCES = range(-(2**63), 2**63)


@functools.lru_cache(maxsize=4096)  # (asked for several times a task: its record, change...)
def record_id(task_id: str) -> str:
    """The id a task is recorded by (inbox, failure counts, parked, change feed): its
    own, a UUID in its canonical spelling (the ack names the task as the service spelled
    it; the record is the same whichever spelling a delivery used, as it was when the
    SDK read every task id so), or, for one longer than the column or holding what a
    store cannot (a NUL, a lone surrogate), a digest of it (the same each time it is
    delivered, so a redelivery is still found). Schema revision 0006 re-keyed older
    records so."""
    task_id = canonical_id(task_id)  # (one already canonical returns at once)
    if len(task_id) <= _TASK_ID_LENGTH and _encodable(task_id):
        return task_id
    digest = hashlib.sha256(task_id.encode("utf-8", "surrogatepass")).hexdigest()
    return f"sha256:{digest}"


def _sequence(value: int | None) -> int | None:
    """A task's sequence as a record stores it: None if it is beyond 64 bits."""
    return value if value is None or value in _SEQUENCES else None


def unstorable(key: Key) -> str | None:
    """Why the object ``key`` cannot be stored (an id or name too long, or holding a
    NUL); None if it can."""
    tenant, object_type, object_id = key
    if len(tenant) > 64 or len(object_type) > 64 or len(object_id) > 128:
        return "an id or type name longer than the mirror stores"
    if not (_encodable(tenant) and _encodable(object_type) and _encodable(object_id)):
        return "an id or type name holding a NUL character or a lone UTF-16 surrogate"
    return None


@dataclass
class ChunkResult:
    outcomes: list[TaskOutcome] = field(default_factory=list)
    consumed: int = 0
    held_sweeps: list[int] = field(default_factory=list)


class Applier:
    """Writes tasks into a mirror database (see the module's docstring)."""

    def __init__(
        self,
        engine: sa.Engine,
        *,
        sweep_threshold: float,
        max_attempts: int,
        on_change: OnChange | None,
        on_other: OnOther | None,
        default_tenant: str,
        fence: Fence | None = None,
        applied: Applied | None = None,
    ) -> None:
        self.engine = engine
        self.fence = fence
        self.applied = applied
        self.sweep_threshold = sweep_threshold
        self.max_attempts = max_attempts
        self.on_change = on_change
        self.on_other = on_other
        self.default_tenant = default_tenant

    # -- chunks --------------------------------------------------------------------------
    def apply(
        self,
        tasks: Sequence[TaskView],
        *,
        deadline: float | None = None,
        failed: set[tuple[str, str, str]] | None = None,
    ) -> ChunkResult:
        """Apply tasks in one transaction, stopping after the first task that ends past
        ``deadline`` (``time.monotonic()``); ``consumed`` says how many were taken.

        ``failed``: the objects (tenant, type, id) whose task failed earlier in the batch;
        their later tasks are held (acked ``retry``). Failures of this chunk are added.
        """
        failed = set() if failed is None else failed
        tenants = {task.tenant_id or self.default_tenant for task in tasks}
        with self.engine.connect() as connection:
            trial = set(failed)
            try:
                with connection.begin():
                    lock_tenants(connection, tenants)
                    result = self._chunk(
                        connection, tasks, isolate=False, deadline=deadline, failed=trial
                    )
                failed.update(trial)
                count = None
            except _Isolate as isolate:
                count = isolate.count
            if count is not None:
                trial = set(failed)
                with connection.begin():
                    lock_tenants(connection, tenants)
                    result = self._chunk(
                        connection,
                        tasks,
                        isolate=True,
                        deadline=deadline,
                        failed=trial,
                        minimum=count,
                    )
                failed.update(trial)
        refresh_statistics(self.engine, result.consumed)
        return result

    def replay(self, task: TaskView) -> TaskOutcome:
        """Apply a parked task again, now, in its own transaction (a failure parks it again)."""
        assert task.id is not None
        recorded = record_id(task.id)
        with self.engine.begin() as connection:
            lock_tenants(connection, [task.tenant_id or self.default_tenant])
            parked = connection.scalar(
                sa.select(sa.func.count())
                .select_from(t.parked)
                .where(t.parked.c.task_id == recorded, t.parked.c.replayed_at.is_(None))
            )
            if not parked:  # replayed meanwhile (by another process), or never parked
                raise KeyError(f"no parked task {recorded!r} awaiting a replay")
            connection.execute(sa.delete(t.inbox).where(t.inbox.c.task_id == recorded))
            connection.execute(sa.delete(t.attempts).where(t.attempts.c.task_id == recorded))
            result = self._chunk(
                connection, [task], isolate=True, deadline=None, failed=set(), replay=True
            )
            outcome = result.outcomes[0]
            if outcome.result != Result.PARKED:
                connection.execute(
                    sa.update(t.parked)
                    .where(t.parked.c.task_id == recorded)
                    .values(replayed_at=now())
                )
        return outcome

    def _chunk(
        self,
        connection: sa.Connection,
        tasks: Sequence[TaskView],
        *,
        isolate: bool,
        deadline: float | None,
        failed: set[tuple[str, str, str]],
        minimum: int = 0,
        replay: bool = False,
    ) -> ChunkResult:
        if self.fence is not None:
            self.fence(connection, tasks)
        out = ChunkResult()
        context = _Context(connection, out.held_sweeps)
        writes = context.writes
        recorded: dict[str, TaskOutcome] = {}
        tries: dict[str, int] = {}
        ids = [record_id(task.id) for task in tasks if task.id is not None]
        if ids:
            for row in writes.records(ids):
                if row[1] is not None:
                    recorded[row[0]] = TaskOutcome(row[0], Result.DUPLICATE, row[1], row[2])
                else:
                    tries[row[0]] = row[3]
        keys = [self._key(task) for task in tasks]
        if not isolate:
            writes.prefetch(key for key in keys if key is not None and unstorable(key) is None)
        done: dict[str, TaskOutcome] = {}
        for index, task in enumerate(tasks):
            out.consumed = index + 1
            if task.id is None:
                continue
            recorded_as = record_id(task.id)  # (two spellings of one id: one record)
            previous = recorded.get(recorded_as) or done.get(recorded_as)
            if previous is not None:
                out.outcomes.append(
                    TaskOutcome(task.id, Result.DUPLICATE, previous.status, previous.message)
                )
            else:
                outcome = self._one(
                    context,
                    task,
                    keys[index],
                    tries.get(record_id(task.id), 0),
                    failed,
                    isolate,
                    index,
                    replay,
                )
                done[recorded_as] = outcome
                out.outcomes.append(outcome)
            if deadline is not None and index + 1 >= minimum and time.monotonic() >= deadline:
                break
        if not isolate:
            try:
                context.writes.flush(inbox=True)
            except Exception as exc:
                if _not_the_task_s(exc):
                    raise
                raise _Isolate(out.consumed) from exc
        context.writes.flush_inbox()
        if self.applied is not None:
            self.applied(connection, tasks[: out.consumed], out.outcomes)
        return out

    def _one(
        self,
        context: _Context,
        task: TaskView,
        key: Key | None,
        tried: int,
        failed: set[tuple[str, str, str]],
        isolate: bool,
        index: int,
        replay: bool,
    ) -> TaskOutcome:
        assert task.id is not None
        connection = context.connection
        if key is not None and key in failed:
            self._seen(context, task, key, isolate)  # the sync sent it all the same
            return TaskOutcome(
                task.id,
                Result.HELD,
                "retry",
                "held: an earlier task of the same object failed in this batch",
            )
        try:
            if isolate:
                try:
                    with connection.begin_nested():
                        outcome = self._dispatch(context, task, key)
                        context.writes.flush()
                except Exception:
                    context.writes.discard()
                    context.forget_all()
                    raise
            else:
                outcome = self._dispatch(context, task, key)
        except PermanentError as exc:
            if key is not None:
                failed.add(key)
            self._seen(context, task, key, isolate)
            return self._park(context, task, tried + 1, str(exc))
        except Exception as exc:
            if _not_the_task_s(exc):
                raise  # the database's failure, not the task's: the whole chunk waits
            if not isolate:
                raise _Isolate(index + 1) from exc
            if key is not None:
                failed.add(key)
            self._seen(context, task, key, isolate)
            shown = exc.error if isinstance(exc, _HookFailed) else exc
            # kept in the mirror and sent to the service: no credential an exception
            # quotes, and of a database's error only its first line (its statement,
            # parameters, DETAIL and CONTEXT quote the object's data)
            if isinstance(shown, sa.exc.StatementError):
                cause = getattr(shown, "orig", None) or shown
                error = redact_text(f"{type(cause).__name__}: {first_line(shown)}")
            else:
                error = redact_text(f"{type(shown).__name__}: {shown}")
            log.warning("task %s failed (attempt %d): %s", task.id, tried + 1, error)
            if replay or tried + 1 >= self.max_attempts:
                return self._park(context, task, tried + 1, error)
            self._count_attempt(connection, record_id(task.id), tried, error)
            return TaskOutcome(task.id, Result.RETRY, "retry", _clip(error))
        if outcome.result in FINAL_RESULTS:
            self._record(context.writes, task, outcome)
            if tried:
                connection.execute(
                    sa.delete(t.attempts).where(t.attempts.c.task_id == record_id(task.id))
                )
        return outcome

    def _seen(self, context: _Context, task: TaskView, key: Key | None, isolate: bool) -> None:
        """A data task of an open full sync that failed still says the sync sent its
        object: a stored one is stamped as seen, so that the sync's sweep (at its end, in
        this batch or when approved) does not tombstone it while the task waits for a
        retry or sits parked."""
        if key is None or task.kind is not TaskKind.DATA or unstorable(key) is not None:
            return
        if task.action is not None and task.action.value.upper() == "DELETE":
            return
        generation = context.generation(key[0])
        if generation is None:
            return
        writes = context.writes
        state = writes.state(key)
        if state is None or state.deleted or state.generation == generation:
            return
        writes.write_object(key, {"generation": generation}, exists=True)
        if isolate:  # each task's writes go in its savepoint: this one's in its own
            with context.connection.begin_nested():
                writes.flush()

    def _key(self, task: TaskView) -> Key | None:
        if task.kind is not TaskKind.DATA:
            return None
        object_type, object_id = task.object_type, task.object_id
        if not object_type or not object_id:
            return None
        return (task.tenant_id or self.default_tenant, object_type_of(object_type), object_id)

    # -- bookkeeping -----------------------------------------------------------------------
    def _record(self, writes: Writes, task: TaskView, outcome: TaskOutcome) -> None:
        # The columns of mirror_inbox, in order (Writes sends them as they are).
        action = task.action
        object_type = task.object_type
        object_id = task.object_id
        assert task.id is not None
        writes.inbox.append(
            (
                record_id(task.id),
                _column(task.tenant_id or self.default_tenant, 64),
                _sequence(task.sequence),
                _column(action.value, 32) if action is not None else None,
                _column(object_type_of(object_type), 64) if object_type else None,
                _column(object_id, 128) if object_id else None,
                outcome.result,
                outcome.status,
                outcome.message,
                writes.stamp,
            )
        )

    def _count_attempt(
        self, connection: sa.Connection, task_id: str, tried: int, error: str
    ) -> None:
        values = {"attempts": tried + 1, "last_error": _clip(error), "updated_at": now()}
        if tried:
            connection.execute(
                sa.update(t.attempts).where(t.attempts.c.task_id == task_id).values(**values)
            )
        else:
            connection.execute(sa.insert(t.attempts).values(task_id=task_id, **values))

    def _park(self, context: _Context, task: TaskView, attempts: int, error: str) -> TaskOutcome:
        assert task.id is not None
        connection = context.connection
        log.error("task %s parked after %d attempt(s): %s", task.id, attempts, error)
        recorded = record_id(task.id)
        connection.execute(sa.delete(t.parked).where(t.parked.c.task_id == recorded))
        connection.execute(sa.delete(t.attempts).where(t.attempts.c.task_id == recorded))
        values = {
            "task_id": recorded,
            "tenant_id": _column(task.tenant_id or self.default_tenant, 64),
            "object_type": _column(object_type_of(task.object_type), 64)
            if task.object_type
            else None,
            "object_id": _column(task.object_id, 128) if task.object_id else None,
            "sequence": _sequence(task.sequence),
            "raw": task.raw,
            "error": _clip(error, 4000),
            "attempts": attempts,
            "parked_at": now(),
            "replayed_at": None,
        }
        try:
            with connection.begin_nested():
                connection.execute(sa.insert(t.parked).values(**values))
        except sa.exc.DBAPIError as exc:
            if is_transient_db_error(exc):
                raise
            # A task the store cannot hold as JSON (PostgreSQL's JSONB refuses U+0000,
            # NaN and lone surrogates) is kept as its JSON text, which replay reads back.
            values["raw"] = dumps_line(task.raw)
            connection.execute(sa.insert(t.parked).values(**values))
        outcome = TaskOutcome(
            task.id, Result.PARKED, "error", _clip(f"parked after {attempts} attempt(s): {error}")
        )
        self._record(context.writes, task, outcome)
        return outcome

    # -- the changes ---------------------------------------------------------------------
    def _dispatch(self, context: _Context, task: TaskView, key: Key | None) -> TaskOutcome:
        assert task.id is not None
        if task.kind is TaskKind.DATA:
            return self._data(context, task, key)
        if task.kind is TaskKind.SYNC:
            return self._sync(context, task)
        if self.on_other is None:
            if task.kind is TaskKind.UNKNOWN and task.data is not None:
                # A change this version cannot read (a shape or kind it does not know):
                # kept to replay once it can, not acked away as done.
                raise PermanentError(
                    "a task of a kind this version does not read carries data: kept "
                    "parked (replay it with a version that reads it, or give on_other)"
                )
            return TaskOutcome(task.id, Result.IGNORED, "success", None)
        try:
            ack = outcome_of_result(task.id, self.on_other(task))
        except Exception as exc:
            ack = outcome_of_error(task.id, exc)
        status = ack.status.value
        if status == "retry":
            raise RuntimeError(ack.message or "on_other asked for a retry")
        # recorded in the inbox as the store can hold it (no NUL, no lone surrogate)
        message = None if ack.message is None else _clip(ack.message)
        return TaskOutcome(task.id, Result.IGNORED, status, message, ack.app_id)

    def _data(self, context: _Context, task: TaskView, key: Key | None) -> TaskOutcome:
        assert task.id is not None
        action = task.action.value.upper() if task.action is not None else None
        if key is None:
            raise PermanentError("a data task without object_type or object_id")
        if action != "DELETE" and action not in UPSERTS:
            raise PermanentError(f"the action {action!r} is not one the mirror applies")
        data = task.data
        if action != "DELETE" and data is None:
            raise PermanentError(f"{action} without the object (`data`)")
        tenant = key[0]
        reason = unstorable(key)
        if reason is not None:
            raise PermanentError(reason)
        if _sequence(task.sequence) != task.sequence:
            raise PermanentError(f"a sequence beyond 64-bit integers ({task.sequence})")
        writes = context.writes
        state = writes.state(key)
        generation = context.generation(tenant)
        stored = state.sequence if state is not None else None
        sequence = task.sequence
        if stored is not None and sequence is not None and stored >= sequence:
            assert state is not None
            if (
                generation is not None
                and action != "DELETE"
                and state.generation != generation
                and not state.deleted
            ):
                writes.write_object(key, {"generation": generation}, exists=True)
            return TaskOutcome(task.id, Result.STALE, "success", None)
        if action == "DELETE":
            values: dict[str, Any] = {
                "deleted": True,
                "sequence": sequence if sequence is not None else stored,
                "updated_at": writes.stamp,
            }
            if data is not None:
                values["data"] = data if type(data) is dict else dict(data)
            writes.write_object(key, values, exists=state is not None)
            writes.set_links(key, set())
            op = "delete"
        else:
            assert data is not None
            if type(data) is not dict:
                data = dict(data)
            values = {
                "data": data,
                "deleted": False,
                "sequence": sequence if sequence is not None else stored,
                "updated_at": writes.stamp,
            }
            typed = person_type(data) or topic_person_type(task.object_type)
            if typed is not None or state is None:
                # (one whose data and topic name no type, a "Person" update of a person
                # added as a "Student", keeps the type it has)
                values["person_type"] = typed
            stamp = context.stamp(tenant)
            if stamp is not None:
                values["generation"] = stamp
            writes.write_object(key, values, exists=state is not None)
            writes.set_links(key, references(data))
            op = "upsert"
        self.changed(writes, key, op, action, sequence, task.id, generation)
        return TaskOutcome(task.id, Result.APPLIED, "success", None)

    def changed(
        self,
        writes: Writes,
        key: Key,
        op: str,
        action: str | None,
        sequence: int | None,
        task_id: str | None,
        generation: int | None,
    ) -> None:
        """Add a change to the feed and run the ``on_change`` hook (same transaction).

        Without a hook the change waits in ``writes``; with one, the buffered writes go
        first (so the hook sees the object as changed) and the change is inserted at once.
        """
        values = {
            "tenant_id": key[0],
            "object_type": key[1],
            "object_id": key[2],
            "op": op,
            "action": action[:32] if action else None,
            "sequence": sequence,
            "task_id": None if task_id is None else record_id(task_id),
            "generation": generation,
            "at": writes.stamp,
        }
        if self.on_change is None:
            writes.changes.append(values)
            return
        writes.flush()
        result = writes.connection.execute(INSERT_CHANGE, values)
        cursor = result.inserted_primary_key[0] if result.inserted_primary_key else 0
        try:
            self.on_change(writes.connection, Change(cursor=int(cursor), **values))  # type: ignore[arg-type]
        except sa.exc.DBAPIError as exc:
            if exc.connection_invalidated:
                raise
            raise _HookFailed(exc) from exc

    # -- full syncs ------------------------------------------------------------------------
    def _sync(self, context: _Context, task: TaskView) -> TaskOutcome:
        assert task.id is not None
        action = task.action.value.upper() if task.action is not None else None
        tenant = task.tenant_id or self.default_tenant
        reason = unstorable((tenant, "", ""))
        if reason is not None:
            raise PermanentError(reason)
        connection = context.connection
        context.writes.flush()  # a sync reads the objects as they are
        if action == "SYNC_START":
            origin = task.origin.value if task.origin else None
            self.open_sync(connection, tenant, origin, record_id(task.id), _topic_of(task))
            context.forget(tenant)
            return TaskOutcome(task.id, Result.APPLIED, "success", None)
        if action == "SYNC_END":
            if _sequence(task.sequence) != task.sequence:  # (it is stored: the sweep's)
                raise PermanentError(f"a sequence beyond 64-bit integers ({task.sequence})")
            generation = context.generation(tenant)
            context.forget(tenant)
            if generation is None:
                return TaskOutcome(task.id, Result.IGNORED, "success", "no sync was open")
            held = self.end_sync(
                context.writes, tenant, generation, task.sequence, types=None, topic=_topic_of(task)
            )
            context.writes.states.clear()  # the sweep tombstoned objects behind their backs
            if held:
                context.held_sweeps.append(generation)
            return TaskOutcome(task.id, Result.APPLIED, "success", None)
        raise PermanentError(f"the sync action {action!r} is not one the mirror applies")

    @staticmethod
    def latest_sync(connection: sa.Connection, tenant: str) -> tuple[int, bool] | None:
        """The generation of a tenant's latest full sync, and whether it is open; None if
        it never had one."""
        # Once per tenant and chunk: plain SQL, not compiled each time.
        if connection.dialect.name == "postgresql":
            row = connection.exec_driver_sql(_LATEST_SYNC_PG, {"tenant": tenant}).first()
        else:
            row = connection.exec_driver_sql(_LATEST_SYNC_SQLITE, (tenant,)).first()
        return None if row is None else (int(row[0]), row[1] == "open")

    @staticmethod
    def open_sync(
        connection: sa.Connection,
        tenant: str,
        origin: str | None,
        task_id: str | None,
        topic: str | None = None,
    ) -> int:
        stamp = now()
        connection.execute(
            sa.update(t.syncs)
            .where(t.syncs.c.tenant_id == tenant, t.syncs.c.status == "open")
            .values(status="abandoned", ended_at=stamp)
        )
        result = connection.execute(
            sa.insert(t.syncs).values(
                tenant_id=tenant,
                origin=origin,
                status="open",
                start_task_id=task_id,
                started_at=stamp,
                topic=topic,
            )
        )
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    def end_sync(
        self,
        writes: Writes,
        tenant: str,
        generation: int,
        end_sequence: int | None,
        *,
        types: Iterable[str] | None,
        topic: str | None = None,
    ) -> bool:
        """Close a generation and sweep what it did not see; True if the sweep is held.
        A topic the sync named (at its start, else ``topic``, its end's) limits the
        sweep to that topic's objects (see :func:`topic_scope`)."""
        o = t.objects
        connection = writes.connection
        writes.flush()
        origin, started_topic = connection.execute(
            sa.select(t.syncs.c.origin, t.syncs.c.topic).where(t.syncs.c.generation == generation)
        ).one()
        topic = started_topic or topic
        scoped, kinds_of = topic_scope(topic)
        if scoped is not None:
            kinds = scoped
        elif types is None:
            kinds = sorted(
                connection.scalars(
                    sa.select(o.c.object_type)
                    .where(o.c.tenant_id == tenant, o.c.generation == generation)
                    .distinct()
                )
            )
        else:
            kinds = sorted(set(types))
        live_of, doomed_of = sweep_counts(
            connection, tenant, kinds, generation, end_sequence, kinds_of
        )
        live, doomed = sum(live_of.values()), sum(doomed_of.values())
        # A sync that does not say it sent every object (an ingestion's, an origin this
        # version does not know) sweeps nothing without approval: its unseen objects may
        # be live ones it had no reason to send.
        whole = not origin or origin.lower() in WHOLE_SYNC_ORIGINS
        threshold = self.sweep_threshold if whole else 0.0
        # Each type on its own: a small type (orgs, terms) nearly gone is held, however
        # large the others (a sync that lost its orgs, with every person, is 4% of all).
        over = sorted(
            kind
            for kind, count in doomed_of.items()
            # (rounded: 0.29 * 100 is 28.999..., and 29 of 100 is not more than 29%)
            if count > round(threshold * live_of.get(kind, 0), 9)
        )
        held = bool(over)
        values: dict[str, Any] = {
            "types": kinds,
            "live": live,
            "to_sweep": doomed,
            "end_sequence": end_sequence,
            "ended_at": now(),
            "topic": topic,
        }
        if held:
            values["status"] = "held"
            log.warning(
                "the sweep of sync %d (tenant %s) is held: it would tombstone %s, %s; approve "
                "it with approve_sweep(%d)",
                generation,
                tenant,
                ", ".join(f"{doomed_of[kind]} of {live_of.get(kind, 0)} {kind}" for kind in over),
                f"more than {self.sweep_threshold * 100:.0f}% of the type"
                if whole
                else f"and a sync of origin {origin!r} need not send every object",
                generation,
            )
        else:
            values["status"] = "done"
            values["swept"] = self.sweep(writes, tenant, generation, kinds, end_sequence, kinds_of)
        connection.execute(
            sa.update(t.syncs).where(t.syncs.c.generation == generation).values(**values)
        )
        return held

    def sweep(
        self,
        writes: Writes,
        tenant: str,
        generation: int,
        kinds: list[str],
        end_sequence: int | None,
        kinds_of: frozenset[str] | None = None,
    ) -> int:
        """Tombstone the objects of ``kinds`` that ``generation`` did not see (of the
        person or org types ``kinds_of`` only, if given: see :func:`topic_scope`); their
        count."""
        if not kinds:
            return 0
        o = t.objects
        writes.flush()
        found = writes.connection.execute(
            sa.select(o.c.object_type, o.c.object_id).where(
                _unseen(tenant, kinds, generation, end_sequence, kinds_of)
            )
        )
        # the feed's order, the same on either store (not the database's collation)
        rows = sorted(found, key=lambda row: (row.object_type, row.object_id))
        values: dict[str, Any] = {"deleted": True, "updated_at": now()}
        if end_sequence is not None:
            # The tombstone is as new as the sync that found the object gone (what it held
            # is at most that): an older event, replayed or redelivered once its record
            # is pruned, is stale, where it brought the object back.
            values["sequence"] = end_sequence
        for row in rows:
            key = (tenant, row.object_type, row.object_id)
            writes.write_object(key, dict(values), exists=True)
            writes.set_links(key, set())
            self.changed(writes, key, "sweep", None, end_sequence, None, generation)
        writes.flush()
        writes.states.clear()
        return len(rows)


class _Context:
    """What one chunk's transaction knows: the open generation of each tenant, held sweeps."""

    def __init__(self, connection: sa.Connection, held_sweeps: list[int]) -> None:
        self.connection = connection
        self.held_sweeps = held_sweeps
        self.writes = Writes(connection)
        self._syncs: dict[str, tuple[int, bool] | None] = {}

    def forget_all(self) -> None:
        self._syncs.clear()

    def _latest(self, tenant: str) -> tuple[int, bool] | None:
        if tenant not in self._syncs:
            self._syncs[tenant] = Applier.latest_sync(self.connection, tenant)
        return self._syncs[tenant]

    def generation(self, tenant: str) -> int | None:
        """The tenant's open full sync (None: none is open)."""
        latest = self._latest(tenant)
        return latest[0] if latest is not None and latest[1] else None

    def stamp(self, tenant: str) -> int | None:
        """The generation an upsert of the tenant's is stamped with: the open sync's, or,
        with none open, the latest one's, so that a held sweep of that sync, approved
        later, spares what a task wrote after it ended (its sweep takes generations
        below its own); None if the tenant never had a full sync."""
        latest = self._latest(tenant)
        return None if latest is None else latest[0]

    def forget(self, tenant: str) -> None:
        self._syncs.pop(tenant, None)


def sweep_counts(
    connection: sa.Connection,
    tenant: str,
    kinds: list[str],
    generation: int,
    end_sequence: int | None,
    kinds_of: frozenset[str] | None = None,
) -> tuple[dict[str, int], dict[str, int]]:
    """By type: the live objects of ``kinds``, and those the sweep of ``generation`` would
    tombstone (types with none are left out); of the person or org types ``kinds_of``
    only, if given."""
    if not kinds:
        return {}, {}
    o = t.objects
    counted = sa.select(o.c.object_type, sa.func.count()).group_by(o.c.object_type)
    live = counted.where(
        o.c.tenant_id == tenant, o.c.object_type.in_(kinds), o.c.deleted.is_(False)
    )
    if kinds_of is not None:
        live = live.where(_of_kinds(kinds, kinds_of))
    doomed = counted.where(_unseen(tenant, kinds, generation, end_sequence, kinds_of))
    return (
        {row[0]: row[1] for row in connection.execute(live)},
        {row[0]: row[1] for row in connection.execute(doomed)},
    )


def _unseen(
    tenant: str,
    kinds: list[str],
    generation: int,
    end_sequence: int | None,
    kinds_of: frozenset[str] | None = None,
) -> sa.ColumnElement[bool]:
    """Live objects of ``kinds`` that neither the generation nor a later one saw, and that
    no task wrote after its end. (Generations grow: a later one, as a snapshot taken
    before an older held sweep is approved, stamps what it saw with a greater number and
    writes no sequence.)"""
    o = t.objects
    clause = sa.and_(
        o.c.tenant_id == tenant,
        o.c.object_type.in_(kinds),
        o.c.deleted.is_(False),
        sa.or_(o.c.generation.is_(None), o.c.generation < generation),
    )
    if end_sequence is not None:
        clause = sa.and_(clause, sa.or_(o.c.sequence.is_(None), o.c.sequence <= end_sequence))
    if kinds_of is not None:
        clause = sa.and_(clause, _of_kinds(kinds, kinds_of))
    return clause


def _of_kinds(kinds: list[str], kinds_of: frozenset[str]) -> sa.ColumnElement[bool]:
    """Persons whose type, or orgs whose ``org_type`` (in ``$sys`` or at the top, any
    case), is one of ``kinds_of``: one whose type is another, or none, is left out."""
    o = t.objects
    if kinds == ["persons"]:
        return o.c.person_type.in_(sorted(kinds_of))
    org_type = sa.func.lower(
        sa.func.coalesce(
            o.c.data[("$sys", "org_type")].as_string(), o.c.data["org_type"].as_string()
        )
    )
    return org_type.in_(sorted(kinds_of))


def _topic_of(task: TaskView) -> str | None:
    """The topic a sync task names (its ``object_type``), as stored: None if none."""
    topic = task.object_type
    return topic.strip()[:128] or None if topic else None


#: The person or org types a topic naming part of its type stands for (``Staff`` are
#: teachers and other staff: the vendor's data says ``Teacher`` too).
_TOPIC_KINDS = {
    "student": frozenset({"student"}),
    "students": frozenset({"student"}),
    **dict.fromkeys(("staff", "teacher", "teachers"), frozenset({"staff", "teacher"})),
    **dict.fromkeys(("school", "schools"), frozenset({"school"})),
    **dict.fromkeys(("lea", "leas"), frozenset({"lea", "district"})),
}


def topic_scope(topic: str | None) -> tuple[list[str] | None, frozenset[str] | None]:
    """What the sweep of a sync that named ``topic`` takes: ``([type], its person or
    org types)`` (``Student``: persons whose type is ``student``; ``RDM:Staff``: those of
    type ``staff`` or ``teacher``; ``School``: orgs whose ``org_type`` is ``school``;
    ``RDM:CourseSection``: every section, ``Person`` every person: ``None``), or
    ``(None, None)`` for a sync naming none."""
    if not topic:
        return None, None
    return [object_type_of(topic)], _TOPIC_KINDS.get(_topic(topic))
