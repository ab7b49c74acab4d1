"""One view of a Task whatever its schema version, and the outcome types of the consumer.

Kimono sends tasks in three shapes, chosen by ``schema`` (no ``schema`` at all means 1.x):

* 1.x ``{"schema": "1.0", "dataEvent" | "syncEvent" | "lifecycleEvent" | "gradesQuery":
  {id, action, objectType, objectId, groupId, tenantId, createdAt, data, ...}}``
* 2.x ``{"schema": "2.0", "data_event" | "sync_event" | "lifecycle_event" | "grades_query"
  | "authenticate": {id, action, object_type, ...}}``
* 3.x ``{"schema": "3.0", "type": "data_event", id, action, object_type, data, ...}``

The member names and the rules below are those of the vendor's own parser
(kimonocloud/client-kit-java, tasks/Task.java) and its current reference; spec/
names the source of each. :meth:`TaskView.from_raw` reads any of them into the
same fields, and is tolerant where the vendor's parser is not:

* field names are read in snake_case and in camelCase, whatever the version;
* ``schema`` may sit inside the event member (production tasks once did that);
* ``action`` and ``origin`` are matched without regard to case (the vendor's parser
  upper-cases them), and so are ``type`` and the member names;
* the id is looked for in the event member, then at the top of the task.

Nothing is rejected: an event it does not know gives ``kind`` UNKNOWN with the name
kept in ``event_type``, an action it does not know stays a string, an item that is
not even a JSON object gives a view with no id, and ``raw`` is always the task
exactly as received. A task with no id cannot be acknowledged; the consumer says so
loudly, because the managed queue withholds every later task of that tenant.
"""

from __future__ import annotations

import datetime
import enum
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, NamedTuple
from uuid import UUID

from kimono_interop_data_api.models import (
    GradesQueryData,
    SyncOrigin,
    Task,
    TaskAck,
    TaskAckStatus,
    TaskAction,
)

from ._acks import make_ack
from ._constants import TASK_BATCH
from ._exceptions import may_have_applied
from ._ids import canonical_id
from ._parsing import parse_nested
from ._secrets import redact_text

if TYPE_CHECKING:
    from kimono_interop_api.models import TenantInfo

#: The acknowledgement statuses: success, error, retry, reauthenticate.
TaskStatus = TaskAckStatus

#: Outcomes that end a task: a redelivery of it is acked again, not handled again.
FINAL_STATUSES = frozenset({TaskStatus.SUCCESS, TaskStatus.ERROR, TaskStatus.REAUTHENTICATE})

#: Longest message sent with an ack (the dashboard shows it; tracebacks do not belong there).
MAX_MESSAGE = 1000


class TaskKind(str, enum.Enum):
    """What a task is about."""

    DATA = "data"  #: a rostering object was added, changed or deleted
    SYNC = "sync"  #: a synchronization starts or ends
    LIFECYCLE = "lifecycle"  #: the tenant was installed, activated or uninstalled
    GRADES_QUERY = "grades_query"  #: Kimono asks for grades (see ``TaskView.grades_query``)
    AUTHENTICATE = "authenticate"  #: the Integration must (re)authenticate to its target
    UNKNOWN = "unknown"  #: an event type this SDK does not know (kept in ``event_type``)


def _norm(name: str) -> str:
    """A member or type name without case and underscores: ``grades_query`` -> ``gradesquery``."""
    return name.replace("_", "").lower()


#: Event names (member names in 1.x/2.x, ``type`` in 3.x), normalised by :func:`_norm`.
_KINDS = {
    "dataevent": TaskKind.DATA,
    "syncevent": TaskKind.SYNC,
    "lifecycleevent": TaskKind.LIFECYCLE,
    "gradesquery": TaskKind.GRADES_QUERY,
    "gradesqueryevent": TaskKind.GRADES_QUERY,  # this project's own earlier name
    "authenticate": TaskKind.AUTHENTICATE,
    "authenticateevent": TaskKind.AUTHENTICATE,
    "authevent": TaskKind.AUTHENTICATE,
}

#: The kind of each event name met so far, as sent (bounded: names come from the service).
_KIND_OF: dict[str, TaskKind] = {}

_new = object.__new__
_set = object.__setattr__


def _kind_of(event_type: str | None) -> TaskKind:
    """The kind an event name (a member name, or a 3.x ``type``) stands for."""
    if not event_type:
        return TaskKind.UNKNOWN
    kind = _KIND_OF.get(event_type)
    if kind is None:
        kind = _KINDS.get(_norm(event_type), TaskKind.UNKNOWN)
        if len(_KIND_OF) < 256:
            _KIND_OF[event_type] = kind
    return kind


#: Event fields whose 1.x name is camelCase (every other one is a single word).
_CAMEL = {
    "object_type": "objectType",
    "object_id": "objectId",
    "group_id": "groupId",
    "tenant_id": "tenantId",
    "created_at": "createdAt",
    "app_id": "appId",
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
    origin: SyncOrigin | None
    created_at: datetime.datetime | None
    group_id: str | None
    app_id: str | None
    label: str | None
    #: The task exactly as received: a JSON object, or whatever the service sent in its place.
    raw: Any = field(repr=False)

    @classmethod
    def from_raw(cls, raw: Any) -> TaskView:
        """Read a task of schema 1.x, 2.x or 3.x; anything else gives kind UNKNOWN, never raises.

        Only ``id``, ``kind`` and ``event_type`` are read here; every other field is read
        from ``raw`` when it is first asked for (a consumer that only acknowledges reads
        no more), and is then kept.
        """
        if type(raw) is not dict and not isinstance(raw, Mapping):
            return cls.unreadable(raw)
        event_type = raw.get("type")
        if type(event_type) is str:  # 3.x: flat (what _event_of says first, without a call)
            event = raw
        else:
            event_type, event = _event_of(raw)
        task_id = event.get("id")
        # Kept as the service spelled it (a UUID in upper case too): the ack must name the
        # task as the service does. A non-blank string, as the service sends them, without
        # a call; anything else goes through _task_id.
        if type(task_id) is not str or not task_id or task_id.isspace():
            task_id = _task_id(task_id) or _task_id(raw.get("id"))
        kind = _KIND_OF.get(event_type) if event_type is not None else None
        if kind is None:
            # (an event _event_of made from a flat task of its own shape: see _flat_data)
            kind = _kind_of(event_type) if event_type is not None or event is raw else TaskKind.DATA
        view = _new(cls)
        # The dataclass is frozen: its fields go straight into the instance's dict. The
        # fields left out are _LazyField descriptors of the class (see below the class).
        _set(
            view,
            "__dict__",
            {
                "id": task_id,
                "kind": kind,
                "event_type": event_type,
                "raw": raw,
                "_event": event,
            },
        )
        return view

    @classmethod
    def unreadable(cls, raw: Any) -> TaskView:
        """The view of an item that is not a JSON object (``null``, a string, a list...)."""
        return cls(
            id=None,
            kind=TaskKind.UNKNOWN,
            event_type=None,
            action=None,
            object_type=None,
            object_id=None,
            tenant_id=None,
            sequence=None,
            schema=None,
            data=None,
            changes=None,
            origin=None,
            created_at=None,
            group_id=None,
            app_id=None,
            label=None,
            raw=raw,
        )

    @property
    def grades_query(self) -> GradesQueryData | None:
        """What a grades query asks for (``exchange_id``, ``query``...); None for other kinds.

        Raises ValueError (naming the task) if the query does not have the published shape.
        """
        if self.kind is not TaskKind.GRADES_QUERY or self.data is None:
            return None
        try:
            return parse_nested(GradesQueryData.from_dict(dict(self.data)))
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise ValueError(
                f"the grades query of task {self.id} does not have the published shape "
                f"({type(exc).__name__}: {exc}); read task.data instead"
            ) from exc

    def model(self) -> Task:
        """The task as the generated ``Task`` model."""
        if not isinstance(self.raw, Mapping):
            raise ValueError(f"the task is not a JSON object: {type(self.raw).__name__}")
        return Task.from_dict(dict(self.raw))


class _LazyField:
    """A field of a view made by :meth:`TaskView.from_raw`, read from the task on first use.

    A non-data descriptor: once read, the value sits in the instance's dict, which
    Python looks in first, so the descriptor is not asked again. A view made by the
    constructor has every field in its dict and never asks it.
    """

    def __init__(self, name: str, read: Callable[[Mapping[str, Any], Mapping[str, Any]], Any]):
        self.name = name
        self.read = read

    def __get__(self, view: TaskView | None, owner: type[TaskView]) -> Any:
        if view is None:
            return self
        members = vars(view)
        value = members[self.name] = self.read(members["raw"], members["_event"])
        return value


def _action(raw: Mapping[str, Any], event: Mapping[str, Any]) -> TaskAction | None:
    action = _get(event, "action")
    return TaskAction(action.upper()) if isinstance(action, str) else None


def _sequence(raw: Mapping[str, Any], event: Mapping[str, Any]) -> int | None:
    sequence = _get(event, "sequence")
    return sequence if isinstance(sequence, int) and not isinstance(sequence, bool) else None


def _origin(raw: Mapping[str, Any], event: Mapping[str, Any]) -> SyncOrigin | None:
    origin = _get(event, "origin")
    return SyncOrigin(origin.lower()) if isinstance(origin, str) else None


#: How each field but id, kind, event_type and raw is read: (the task, its event member).
_LAZY_READERS: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], Any]] = {
    "action": _action,
    "object_type": lambda raw, event: _str(_get(event, "object_type")),
    "object_id": lambda raw, event: _id(_get(event, "object_id")),
    "tenant_id": lambda raw, event: _id(_get(event, "tenant_id")) or _id(_get(raw, "tenant_id")),
    "sequence": _sequence,
    "schema": lambda raw, event: _str(raw.get("schema")) or _str(event.get("schema")),
    "data": lambda raw, event: _mapping(event.get("data")),
    "changes": lambda raw, event: _mapping(event.get("changes")),
    "origin": _origin,
    "created_at": lambda raw, event: _time(_get(event, "created_at")),
    "group_id": lambda raw, event: _id(_get(event, "group_id")),
    "app_id": lambda raw, event: _id(_get(event, "app_id")),
    "label": lambda raw, event: _str(event.get("label")),
}
assert {f.name for f in fields(TaskView)} == {"id", "kind", "event_type", "raw", *_LAZY_READERS}
for _name, _read in _LAZY_READERS.items():
    setattr(TaskView, _name, _LazyField(_name, _read))
del _name, _read


def _event_of(raw: Mapping[str, Any]) -> tuple[str | None, Mapping[str, Any]]:
    """The event's type name and the object holding its fields."""
    declared = raw.get("type")
    if isinstance(declared, str):  # 3.x: flat
        return declared, raw
    members = [
        (key, value)
        for key, value in raw.items()
        if isinstance(key, str) and isinstance(value, Mapping) and key not in ("data", "changes")
    ]
    # 1.x / 2.x: the event member. A known name first, then one named like an event,
    # then any member holding an id: a task of a kind nobody lists still gets acknowledged.
    for wanted in (
        lambda key, _: _norm(key) in _KINDS,
        lambda key, _: _norm(key).endswith("event"),
        lambda _, value: "id" in value and "id" not in raw,
    ):
        found = [(key, value) for key, value in members if wanted(key, value)]
        if found:
            return found[0]
    # 3.x without `type`, or a shape of its own: read the fields at the top
    return None, _flat_data(raw) or raw


#: The actions of a data event, as the flat shape below writes them (lower case).
_DATA_ACTIONS = frozenset({"add", "update", "change", "delete", "set", "unset"})


def _flat_data(raw: Mapping[str, Any]) -> dict[str, Any] | None:
    """The event of a data task in the flat shape of the vendor's generated Java client
    (kimonocloud/kimono-api-java ``interop-data/docs/Task.md``: ``id``, ``action`` (``add``
    ... ``unset``), ``topic``, ``batch_id``, ``data``; no ``schema``, member or ``type``),
    with the fields every other shape names: ``object_type`` (the topic), ``group_id``
    (the batch) and ``object_id`` (the data's ``$sys.id``). None for any other shape."""
    topic, action = raw.get("topic"), raw.get("action")
    if not (isinstance(topic, str) and topic.strip() and isinstance(action, str)):
        return None
    if action.lower() not in _DATA_ACTIONS:
        return None
    event = dict(raw)
    if event.get("object_type") is None:
        event["object_type"] = topic
    if event.get("group_id") is None and raw.get("batch_id") is not None:
        event["group_id"] = raw["batch_id"]
    data = raw.get("data")
    sys = data.get("$sys") if isinstance(data, Mapping) else None
    if event.get("object_id") is None and isinstance(sys, Mapping):
        event["object_id"] = sys.get("id")
    return event


def _get(event: Mapping[str, Any], name: str) -> Any:
    """Field ``name`` in snake_case, or in camelCase as schema 1.x writes it."""
    value = event.get(name)
    if value is None and name in _CAMEL:
        value = event.get(_CAMEL[name])
    return value


def _task_id(value: Any) -> str | None:
    """A task's own id as a string, as sent: a non-blank string, or a number written as one."""
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _id(value: Any) -> str | None:
    """An id as a string: a non-blank string (a UUID in its canonical form), or a number
    written as one."""
    if isinstance(value, str):
        return canonical_id(value) if value.strip() else None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _time(value: Any) -> datetime.datetime | None:
    """A timestamp as the models read it (RFC 3339, ``Z`` for UTC); None if it is not one
    (the text stays in ``raw``)."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _mapping(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


class RetryTask(Exception):
    """Raise from a handler to acknowledge the task as ``retry`` (deliver it again later)."""


class ReauthenticateTask(Exception):
    """Raise from a handler when the Integration's credentials for its target need renewing."""


@dataclass(frozen=True)
class TaskResult:
    """What a handler may return to say how its task is acknowledged, with a message or an app id.

    ``app_id``: the id your application gave the object of an ADD (Kimono records it
    as the object's ``$sys.app_id``). Returning a bare status (``TaskStatus.RETRY`` or
    ``"retry"``) or ``None`` (success) is the short form.
    """

    status: TaskStatus | str = TaskStatus.SUCCESS
    message: str | None = None
    app_id: str | UUID | None = None


#: What a task handler returns: ``None`` (success), a status (a ``TaskStatus``, or its
#: string in any case) or a :class:`TaskResult`. Anything else is refused when the task
#: is acknowledged (acked ``error``, with the TypeError), so type checkers refuse it.
HandlerResult = TaskResult | TaskStatus | str | None
#: A handler of the sync client's consumer (and of the mirror's ``on_other``).
TaskHandler = Callable[["TaskView"], HandlerResult]
#: A handler of the async client's consumer: a function, or a coroutine function.
AsyncTaskHandler = Callable[["TaskView"], HandlerResult | Awaitable[HandlerResult]]
#: A handler of a consumer of each tenant (``tasks.run_tenants``).
TenantTaskHandler = Callable[["TenantInfo", "TaskView"], HandlerResult]
#: A handler of the async client's consumer of each tenant.
AsyncTenantTaskHandler = Callable[
    ["TenantInfo", "TaskView"], HandlerResult | Awaitable[HandlerResult]
]


#: Each status as the ack endpoints take it (a plain str; ``.value`` costs more).
_WIRE_STATUS: dict[TaskStatus, str] = {member: member.value for member in TaskStatus}


class Outcome(NamedTuple):
    """How one handled task is acknowledged (a tuple: one is made for every task)."""

    task_id: str
    status: TaskStatus
    message: str | None = None
    app_id: str | None = None

    def as_ack(self) -> TaskAck:
        """The acknowledgement as the generated ``TaskAck`` model."""
        return make_ack(self.task_id, self.status, self.message, app_id=self.app_id)

    def as_json(self) -> dict[str, Any]:
        """The acknowledgement as the ack endpoints take it: ``as_ack().to_dict()``, made
        directly (the outcome's status was checked when it was made)."""
        task_id, status, message, app_id = self
        ack: dict[str, Any] = {
            "task_id": task_id,
            "status": _WIRE_STATUS.get(status) or status.value,
        }
        if message is not None:
            ack["message"] = message
        if app_id is not None:  # (in both places, as make_ack puts it)
            ack["app_id"] = app_id
            ack["$sys"] = {"app_id": app_id}
        return ack


def status_of(value: object) -> TaskStatus | None:
    """The ack status ``value`` names (a TaskStatus, or its string in any case), else None."""
    if isinstance(value, TaskStatus):
        return value if value.is_known else None
    if isinstance(value, str):
        try:
            status = TaskStatus(value.lower())
        except ValueError:
            return None
        return status if status.is_known else None
    return None


def outcome_of_result(task_id: str, result: object) -> Outcome:
    """The ack for a handler that returned ``result``.

    ``None`` acks ``success``; a status (``TaskStatus.RETRY``, ``"retry"``, ``"ERROR"``)
    acks with it; a :class:`TaskResult` with its status, message and app id. Anything
    else is a mistake in the handler, never a success: TypeError, which the consumer
    treats like any exception the handler raised.
    """
    if result is None:
        return Outcome(task_id, TaskStatus.SUCCESS)
    if isinstance(result, TaskResult):
        status = status_of(result.status)
        if status is None:
            raise TypeError(f"TaskResult.status must be one of {_STATUSES}, got {result.status!r}")
        if result.message is not None and not isinstance(result.message, str):
            raise TypeError(f"TaskResult.message must be a str or None, got {result.message!r}")
        app_id = result.app_id
        if isinstance(app_id, UUID):
            app_id = str(app_id)
        elif app_id is not None and not isinstance(app_id, str):
            # checked here: found when the batch's acks are encoded, it would fail them all
            raise TypeError(f"TaskResult.app_id must be a str or None, got {app_id!r}")
        message = None if result.message is None else _message(result.message)
        return Outcome(task_id, status, message, app_id)
    status = status_of(result)
    if status is None:
        raise TypeError(
            f"the handler returned {result!r}; return None (success), a status "
            f"({_STATUSES}) or a TaskResult"
        )
    return Outcome(task_id, status)


_STATUSES = ", ".join(member.value for member in TaskStatus)


def outcome_of_error(
    task_id: str, exc: BaseException, *, unexpected: TaskStatus = TaskStatus.ERROR
) -> Outcome:
    """The ack for a handler that raised ``exc``: retry, reauthenticate, or for any other
    exception ``unexpected`` (error, or retry), with a message."""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, RetryTask):
        return Outcome(task_id, TaskStatus.RETRY, _message(text))
    if isinstance(exc, ReauthenticateTask):
        return Outcome(task_id, TaskStatus.REAUTHENTICATE, _message(text))
    return Outcome(task_id, unexpected, _message(f"{type(exc).__name__}: {text}"))


def _message(text: str) -> str:
    """An ack's message as the service is sent it (and its dashboard shows it): with no
    credential in it (a handler's exception may quote a database URL or a token), clipped."""
    return _clip(redact_text(text))


def _clip(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


@dataclass
class AckResult:
    """What a bulk acknowledgement achieved: which ids were acknowledged, which failed and why."""

    acknowledged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    #: Acknowledged ids whose ack was applied by an attempt whose answer was lost: a retry
    #: then found the tasks gone (404), which is how a done ack looks from here.
    lost_answers: list[str] = field(default_factory=list)
    #: Ids not acknowledged yet: the service failed for a transient reason part-way
    #: through the acks sent one by one (``unsent_error``). Send them again.
    unsent: list[str] = field(default_factory=list)
    unsent_error: Exception | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.failed

    def still_to_send(self, acks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The acks of ``acks`` (as sent) that are in ``unsent``: what to send again."""
        unsent = set(self.unsent)
        return [ack for ack in acks if str(ack["task_id"]) in unsent]


class AcksToSend:
    """Acks sent again until they go through (the consumer's, the mirror's run and the
    fleet's loops): those left, and the ids an earlier failed request may have applied
    (:func:`~kimono_interop._exceptions.may_have_applied`): sent again, their 404 means
    done, not refused."""

    def __init__(self, acks: list[dict[str, Any]]) -> None:
        self.acks = acks
        self.maybe_applied: frozenset[str] = frozenset()

    @property
    def ids(self) -> list[str]:
        """The task ids of the acks left, in order."""
        return [str(ack["task_id"]) for ack in self.acks]

    def failed(self, error: BaseException) -> None:
        """The request for all of them failed with ``error`` (to be tried again)."""
        if may_have_applied(error):
            self.maybe_applied |= set(self.ids)

    def sent(self, result: AckResult) -> bool:
        """Note what a call achieved; True when nothing is left to send."""
        if not result.unsent:
            return True
        # Sent one by one, they failed part-way: the one in hand may have been applied.
        if result.unsent_error is not None and may_have_applied(result.unsent_error):
            self.maybe_applied |= {result.unsent[0]}
        self.acks = result.still_to_send(self.acks)
        return False


#: How many unackable tasks ``ConsumerStats.unackable_tasks`` keeps (the count goes on).
MAX_UNACKABLE_KEPT = 20
#: How many distinct unackable items a run remembers, to count each once.
MAX_UNACKABLE_SEEN = 1000


class BatchAsks:
    """What a task-queue loop (the consumer, the mirror's run) asks ``GET /tasks`` for,
    and what an answer means.

    With ``max_tasks``, no more than the tasks left to handle, when that is under a
    batch, never more: tasks handed out and not acknowledged hold the tenant's queue
    until the service's ack timeout. A short batch of nothing but items without an id
    makes the loop ask once more at once (someone may have removed them); if it gets
    them again, the queue is stalled behind them: the service withholds what lies
    behind an item handed out and never acknowledged. After any batch holding such an
    item, an empty answer is that too: stalled, not empty.
    """

    def __init__(self) -> None:
        self._asked_again = False
        self._stalled = False

    def page_size(self, max_tasks: int | None, done: int) -> int | None:
        """The ``page_size`` to ask for, ``done`` tasks into the run (None: a whole batch)."""
        if max_tasks is None:
            return None
        left = max_tasks - done
        return left if 0 < left < TASK_BATCH else None

    def answered(self, batch: list[TaskView], asked: int | None) -> str:
        """What the answer to a request for ``asked`` means: ``""`` (tasks to work on),
        ``"again"`` (ask once more at once), ``"stalled"`` or ``"empty"`` (wait, or end
        a run that stops when the queue is empty)."""
        again, self._asked_again = self._asked_again, False
        if not batch:
            return "stalled" if self._stalled else "empty"
        self._stalled = any(task.id is None for task in batch)
        if not all(task.id is None for task in batch):
            return ""
        if asked is not None and not again:
            self._asked_again = True
            return "again"
        return "stalled"


class UnackableSeen:
    """The items without an id a run has met (the last ``MAX_UNACKABLE_SEEN``), by their
    JSON: the service delivers one again and again (it is never acknowledged), and a
    run counts, logs and reports it once. Items alike (two ``null``) are told apart by
    how many of them one batch holds: each is counted once too."""

    def __init__(self) -> None:
        #: fingerprint -> the most items of it one batch held
        self._seen: OrderedDict[str, int] = OrderedDict()
        self._batch: dict[str, int] = {}

    def batch(self) -> None:
        """A new batch begins: its items are counted afresh against what was seen."""
        self._batch = {}

    def first(self, raw: Any) -> bool:
        """Whether ``raw`` is met for the first time: no batch before held as many items
        like it as this one has so far (it is remembered from now on)."""
        fingerprint = json.dumps(raw, sort_keys=True, default=repr)
        count = self._batch[fingerprint] = self._batch.get(fingerprint, 0) + 1
        seen = self._seen.get(fingerprint, 0)
        if seen:
            self._seen.move_to_end(fingerprint)
        if count <= seen:
            return False
        self._seen[fingerprint] = count
        if len(self._seen) > MAX_UNACKABLE_SEEN:
            self._seen.popitem(last=False)
        return True


@dataclass
class ConsumerStats:
    """Counts of one consumer run."""

    batches: int = 0
    received: int = 0
    handled: int = 0
    #: Of ``handled``, by the ack's status: ``success``; ``error`` or ``reauthenticate``;
    #: ``retry``.
    succeeded: int = 0
    failed: int = 0
    retried: int = 0
    duplicates: int = 0
    acknowledged: int = 0
    #: Of ``acknowledged``: acks applied by an attempt whose answer was lost (see AckResult).
    lost_ack_answers: int = 0
    ack_failures: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    #: Items with no id the SDK could find (not JSON objects, or objects without an id):
    #: they cannot be acknowledged, so the service withholds the tenant's later tasks.
    unackable: int = 0
    #: The first of them, as received (``TaskView.raw`` is the item itself).
    unackable_tasks: list[TaskView] = field(default_factory=list)
    #: Transient failures (of GET /tasks or of sending acks) waited out.
    outages: int = 0
    #: Tasks of the last batch the run did not get to (stopped, ``max_tasks``): handed
    #: out and not acknowledged, they hold the tenant's queue until the ack timeout.
    left_unacknowledged: int = 0
    stopped_by: str = ""

    @property
    def queue_stalled(self) -> bool:
        """Whether an unackable task was met: the tenant's queue is then stalled behind it.

        Kimono hands out nothing more for a tenant while one of its tasks is
        unacknowledged; a task without an id can never be acknowledged, so it must be
        removed by hand (the admin queue, or the vendor's support).
        """
        return self.unackable > 0
