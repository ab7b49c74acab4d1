"""What the mirror hands out: task outcomes, changes, parked tasks, syncs, run counts."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class Result:
    """What happened to a task (``TaskOutcome.result``)."""

    APPLIED = "applied"  #: its change was written (upsert, tombstone, sync start or end)
    STALE = "stale"  #: the mirror already held a newer event of the object: nothing written
    IGNORED = "ignored"  #: not a roster change (grades query, lifecycle...): acked success
    DUPLICATE = "duplicate"  #: delivered again: acked with its recorded outcome, not re-applied
    RETRY = "retry"  #: failed; acked ``retry`` (it comes back), its attempt counted
    HELD = "held"  #: an earlier task of the same object failed in this batch: acked ``retry``
    PARKED = "parked"  #: failed for good (or too often): in the dead-letter table, acked ``error``


#: Results that are final: recorded in the inbox, so a redelivery is acked, not re-applied.
FINAL_RESULTS = frozenset({Result.APPLIED, Result.STALE, Result.IGNORED, Result.PARKED})


@dataclass(frozen=True)
class TaskOutcome:
    """How one task was applied and how it is acknowledged (``status``: the ack status;
    ``app_id``: what an ``on_other`` handler's ``TaskResult`` gave, sent with the ack and
    not recorded, so a redelivery's ack has none)."""

    task_id: str
    result: str
    status: str
    message: str | None = None
    app_id: str | None = None

    def ack(self) -> dict[str, Any]:
        """The acknowledgement as the ack endpoints take it."""
        ack: dict[str, Any] = {"task_id": self.task_id, "status": self.status}
        if self.message is not None:
            ack["message"] = self.message
        if self.app_id is not None:
            ack["app_id"] = self.app_id
        return ack


@dataclass(frozen=True)
class Change:
    """One applied change of the change feed, in commit order (``cursor``).

    ``op``: ``upsert``, ``delete`` (a DELETE task), ``sweep`` (tombstoned at the end of a
    full sync). ``action``: the task's action (None for a sweep or a snapshot).
    """

    cursor: int
    tenant_id: str
    object_type: str
    object_id: str
    op: str
    action: str | None
    sequence: int | None
    task_id: str | None
    generation: int | None
    at: datetime.datetime


@dataclass(frozen=True)
class StoredObject:
    """One object of the mirror (a tombstone keeps the object as it was, ``deleted`` True)."""

    tenant_id: str
    object_type: str
    object_id: str
    data: Mapping[str, Any] | None
    sequence: int | None
    generation: int | None
    deleted: bool
    updated_at: datetime.datetime


@dataclass(frozen=True)
class ParkedTask:
    """A task that failed for good or too often, kept for a replay (``raw``: as received)."""

    task_id: str
    tenant_id: str
    object_type: str | None
    object_id: str | None
    sequence: int | None
    error: str | None
    attempts: int
    parked_at: datetime.datetime
    replayed_at: datetime.datetime | None
    raw: Any = field(repr=False)


@dataclass(frozen=True)
class Sync:
    """One full sync (a generation) of a tenant and its sweep.

    ``status``: ``open`` (between SYNC_START and SYNC_END), ``done`` (swept), ``held``
    (the sweep would tombstone more than the threshold: waiting for ``approve_sweep``),
    ``approved``, ``rejected``, ``abandoned`` (a new SYNC_START came first).
    """

    generation: int
    tenant_id: str
    origin: str | None
    status: str
    types: list[str]
    live: int | None
    to_sweep: int | None
    swept: int | None
    started_at: datetime.datetime
    ended_at: datetime.datetime | None
    #: The topic the sync named (its ``object_type``: ``Student``, ``RDM:Staff``), or None:
    #: its sweep takes only that topic's objects (of a person topic, persons of that type).
    topic: str | None = None


@dataclass
class MirrorStats:
    """Counts of one ``Mirror.run`` (or of ``Mirror.apply`` calls)."""

    batches: int = 0
    received: int = 0
    commits: int = 0
    applied: int = 0
    stale: int = 0
    ignored: int = 0
    duplicates: int = 0
    retried: int = 0
    held: int = 0
    parked: int = 0
    acknowledged: int = 0
    #: Ids the service refused to acknowledge, with its reason (a redelivery is acked again).
    ack_failures: dict[str, str] = field(default_factory=dict)
    #: Tasks without an id: they cannot be acknowledged (the tenant's queue stalls).
    #: Each is counted once, however often it is delivered (as the consumer counts).
    unackable: int = 0
    #: Generations whose sweep was held (see ``Mirror.syncs(status="held")``).
    held_sweeps: list[int] = field(default_factory=list)
    outages: int = 0
    #: Chunks the database failed (a connection lost, a lock not granted, a full disk),
    #: applied again after a wait.
    db_errors: int = 0
    #: Task records older than the run's ``inbox_retention`` it deleted.
    inbox_pruned: int = 0
    stopped_by: str = ""

    def count(self, outcome: TaskOutcome) -> None:
        attribute = {
            Result.APPLIED: "applied",
            Result.STALE: "stale",
            Result.IGNORED: "ignored",
            Result.DUPLICATE: "duplicates",
            Result.RETRY: "retried",
            Result.HELD: "held",
            Result.PARKED: "parked",
        }[outcome.result]
        setattr(self, attribute, getattr(self, attribute) + 1)


@dataclass(frozen=True)
class Difference:
    """One difference between the mirror and the service's REST lists.

    ``kind``: ``missing`` (listed by the service, absent or tombstoned in the mirror),
    ``extra`` (live in the mirror, not listed), ``different`` (both, with other
    contents: ``fields`` names the top-level fields that differ).
    """

    object_type: str
    object_id: str
    kind: str
    fields: tuple[str, ...] = ()


@dataclass
class VerifyReport:
    """What ``Mirror.verify`` found: the objects compared per type, every difference, and
    the live objects of types no REST list gives (``uncompared``, per type: tasks may
    bring them, and nothing here can say whether the service still has them)."""

    tenant_id: str
    compared: dict[str, int] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)
    uncompared: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.differences


class NoMirror(LookupError):
    """``Mirror.open(create=False)`` found no mirror to open: no such SQLite file, a
    database without the mirror's tables, or a mirror at another schema revision."""


class SchemaNotRecorded(NoMirror):
    """The database holds the tables but no record of their schema revision (its
    version table dropped or emptied): nothing can tell which revision they are at, so
    nothing is changed until the record is restored."""


class SchemaTooNew(NoMirror):
    """The database is at a schema revision this version does not know: a newer
    kimono-interop wrote it. Upgrade kimono-interop; this one cannot read it, nor
    upgrade it, and never changes it."""
