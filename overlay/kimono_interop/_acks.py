"""Acknowledgements as the ack endpoints take them: one ``TaskAck`` model from handler to request.

A handler's outcome becomes a ``TaskAck`` once (:func:`make_ack`); acks given by the
caller are checked once (:func:`checked_acks`); the request body is their
``to_dict()``. Both queues (the managed one and the admin one) use these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from kimono_interop_data_api.models import TaskAck, TaskAckStatus, TaskAckSys

from ._parsing import parse_nested
from ._validation import validate_task_id

#: The statuses the ack endpoints take.
STATUSES = tuple(member.value for member in TaskAckStatus)


def make_ack(
    task_id: str,
    status: TaskAckStatus | str,
    message: str | None = None,
    *,
    app_id: str | UUID | None = None,
) -> TaskAck:
    """A TaskAck for ``task_id``; ValueError if ``status`` is not one the endpoints take
    (in any case, as a handler's return value: ``"SUCCESS"`` is ``success``)."""
    value = status.value if isinstance(status, TaskAckStatus) else status
    if isinstance(value, str):
        value = value.lower()
    if value not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}; got {value!r}")
    ack = TaskAck(task_id=task_id, status=TaskAckStatus(value))
    if message is not None:
        ack.message = message
    if isinstance(app_id, UUID):
        app_id = str(app_id)
    if app_id is not None:
        # Both places an ack carries it: `$sys.app_id`, as the vendor's current reference
        # lists it, and `app_id`, where the vendor's driver framework sends it
        # (client-kit-java AdminTasksApiNonOAS.java); spec/: TaskAck. Each service reads
        # the one it knows. (TaskResult.as_json writes the same, without the model.)
        ack.app_id = app_id
        ack.sys = TaskAckSys(app_id=app_id)
    return ack


def checked_acks(acks: Iterable[TaskAck | Mapping[str, Any]]) -> list[TaskAck]:
    """The caller's acks as models, each with a task id and a status; errors name the bad one."""
    body: list[TaskAck] = []
    for index, ack in enumerate(acks):
        name = f"acks[{index}]"
        if isinstance(ack, Mapping):
            try:
                ack = parse_nested(TaskAck.from_dict(dict(ack)))
            except (KeyError, ValueError, TypeError, AttributeError) as exc:
                raise ValueError(
                    f"{name} is not a valid TaskAck: {type(exc).__name__}: {exc}"
                ) from exc
        elif not isinstance(ack, TaskAck):
            raise TypeError(f"{name} must be a TaskAck or a dict, not {type(ack).__name__}")
        validate_task_id(ack.task_id, f"{name}.task_id")
        if not isinstance(ack.status, TaskAckStatus):
            raise ValueError(f"{name}.status is missing; give success, error or retry")
        body.append(ack)
    if not body:
        raise ValueError("acks must not be empty")
    return body
