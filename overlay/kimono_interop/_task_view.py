"""One view of a Task whatever its schema version, and the outcome types of the consumer.

Kimono sends tasks in three shapes, chosen by ``schema``:

* 1.x ``{"schema": "1.0", "dataEvent": {id, action, object_type, data, ...}}``
* 2.x ``{"schema": "2.0", "data_event" | "sync_event" | "lifecycle_event" | ...: {...}}``
* 3.x ``{"schema": "3.0", "type": "data_event", id, action, object_type, data, ...}``

:meth:`TaskView.from_raw` reads any of them into the same fields. Nothing is
rejected: an event member or ``type`` it does not know gives ``kind`` UNKNOWN with
the name kept in ``event_type``, an action it does not know stays a string, and
``raw`` is always the task exactly as received.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kimono_interop_data_api.models import Task, TaskAckStatus, TaskAction

#: The acknowledgement statuses: success, error, retry, reauthenticate.
TaskStatus = TaskAckStatus

#: Longest message sent with an ack (the dashboard shows it; tracebacks do not belong there).
MAX_MESSAGE = 1000


class TaskKind(str, enum.Enum):
    """What a task is about."""

    DATA = "data"  #: a rostering object was added, changed or deleted
    SYNC = "sync"  #: a synchronization starts or ends
    LIFECYCLE = "lifecycle"  #: the tenant was installed, activated or uninstalled
    GRADES_QUERY = "grades_query"  #: Kimono asks for grades
    AUTHENTICATE = "authenticate"  #: the Integration must (re)authenticate to its target
    UNKNOWN = "unknown"  #: an event type this SDK does not know (kept in ``event_type``)


_KINDS = {
    "data_event": TaskKind.DATA,
    "dataevent": TaskKind.DATA,
    "sync_event": TaskKind.SYNC,
    "syncevent": TaskKind.SYNC,
    "lifecycle_event": TaskKind.LIFECYCLE,
    "lifecycleevent": TaskKind.LIFECYCLE,
    "grades_query_event": TaskKind.GRADES_QUERY,
    "gradesqueryevent": TaskKind.GRADES_QUERY,
    "authenticate_event": TaskKind.AUTHENTICATE,
    "authenticateevent": TaskKind.AUTHENTICATE,
    "auth_event": TaskKind.AUTHENTICATE,
}


@dataclass(frozen=True)
class TaskView:
    """A task, normalised across schema versions. ``raw`` is the task as received."""

    id: str | None
    kind: TaskKind
    event_type: str | None
    action: TaskAction | None
    object_type: str | None
    object_id: str | None
    tenant_id: str | None
    sequence: int | None
    schema: str | None
    data: Mapping[str, Any] | None
    changes: Mapping[str, Any] | None
    origin: str | None
    created_at: str | None
    group_id: str | None
    app_id: str | None
    label: str | None
    raw: Mapping[str, Any] = field(repr=False)

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any]) -> TaskView:
        """Read a task of schema 1.x, 2.x or 3.x (or one that fits none: kind UNKNOWN)."""
        if not isinstance(raw, Mapping):
            raise TypeError(f"a task must be a JSON object, not {type(raw).__name__}")
        event_type, event = _event_of(raw)
        kind = _KINDS.get((event_type or "").lower(), TaskKind.UNKNOWN)
        action = event.get("action")
        return cls(
            id=_str(event.get("id")),
            kind=kind,
            event_type=event_type,
            action=TaskAction(action) if isinstance(action, str) else None,
            object_type=_str(event.get("object_type")),
            object_id=_str(event.get("object_id")),
            tenant_id=_str(event.get("tenant_id")),
            sequence=event.get("sequence") if isinstance(event.get("sequence"), int) else None,
            schema=_str(raw.get("schema")),
            data=_mapping(event.get("data")),
            changes=_mapping(event.get("changes")),
            origin=_str(event.get("origin")),
            created_at=_str(event.get("created_at")),
            group_id=_str(event.get("group_id")),
            app_id=_str(event.get("app_id")),
            label=_str(event.get("label")),
            raw=raw,
        )

    def model(self) -> Task:
        """The task as the generated ``Task`` model."""
        return Task.from_dict(dict(self.raw))


def _event_of(raw: Mapping[str, Any]) -> tuple[str | None, Mapping[str, Any]]:
    """The event's type name and the object holding its fields."""
    declared = raw.get("type")
    if isinstance(declared, str) or "id" in raw:  # 3.x: flat
        return (declared if isinstance(declared, str) else None), raw
    members = [
        (key, value)
        for key, value in raw.items()
        if isinstance(value, Mapping) and key.lower().replace("_", "").endswith("event")
    ]
    if len(members) == 1:  # 1.x / 2.x: one event member
        return members[0]
    return None, raw


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _mapping(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


class RetryTask(Exception):
    """Raise from a handler to acknowledge the task as ``retry`` (deliver it again later)."""


class ReauthenticateTask(Exception):
    """Raise from a handler when the Integration's credentials for its target need renewing."""


@dataclass(frozen=True)
class Outcome:
    """How one handled task is acknowledged."""

    task_id: str
    status: TaskStatus
    message: str | None = None

    def as_ack(self) -> dict[str, Any]:
        ack: dict[str, Any] = {"task_id": self.task_id, "status": self.status.value}
        if self.message is not None:
            ack["message"] = self.message
        return ack


def outcome_of_error(task_id: str, exc: BaseException) -> Outcome:
    """The ack for a handler that raised ``exc``: retry, reauthenticate or error, with a message."""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, RetryTask):
        return Outcome(task_id, TaskStatus.RETRY, _clip(text))
    if isinstance(exc, ReauthenticateTask):
        return Outcome(task_id, TaskStatus.REAUTHENTICATE, _clip(text))
    return Outcome(task_id, TaskStatus.ERROR, _clip(f"{type(exc).__name__}: {text}"))


def _clip(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


@dataclass
class AckResult:
    """What a bulk acknowledgement achieved: which ids were acknowledged, which failed and why."""

    acknowledged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    requests: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass
class ConsumerStats:
    """Counts of one consumer run."""

    batches: int = 0
    received: int = 0
    handled: int = 0
    succeeded: int = 0
    failed: int = 0
    retried: int = 0
    duplicates: int = 0
    acknowledged: int = 0
    ack_failures: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    unackable: int = 0  #: tasks skipped because their id is not a UUID (never handled)
    stopped_by: str = ""
