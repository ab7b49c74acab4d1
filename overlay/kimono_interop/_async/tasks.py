"""Tasks: the queue of changes Kimono pushes to the driver (Interop Data API, ``/tasks``).

``GET /tasks`` answers the next batch (at most 100 tasks); acknowledged tasks leave
the queue, so every call asks for page 0 and the queue is drained batch by batch,
never walked page by page. Acknowledge each task once it is handled, with
:meth:`AsyncTasks.ack` or, for a whole batch in one request,
:meth:`AsyncTasks.ack_many`.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping
from typing import Any

from kimono_interop_data_api.api.tasks import acknowledge_task, acknowledge_tasks, list_tasks
from kimono_interop_data_api.models import Task, TaskAck, TaskAckStatus, TasksResponse

from .._base_client import NOT_GIVEN, Timeout
from .._validation import validate_id, validate_page_size
from ._resource import AsyncResource, coerce


class AsyncTasks(AsyncResource):
    """The driver's task queue."""

    async def next_batch(
        self,
        *,
        tenant_id: object = None,
        schema: str | None = None,
        driver: str | None = None,
        page_size: int | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> builtins.list[Task]:
        """The next batch of tasks (page 0 of the queue, at most 100), oldest first.

        Args:
            tenant_id: Only tasks of this tenant.
            schema: The task schema version to receive, e.g. ``"3.0"``.
            driver: Only tasks for this driver.
            page_size: At most this many tasks.
        """
        if page_size is not None:
            validate_page_size(page_size)
        tenant = validate_id(tenant_id, "tenant_id") if tenant_id is not None else None
        return await self._request(
            self._data,
            list_tasks,
            lambda body: TasksResponse.from_dict(body).data,
            timeout=timeout,
            tenant_id=tenant,
            schema=schema,
            driver=driver,
            page=0,
            page_size=page_size,
        )

    async def ack(
        self,
        task_id: object,
        status: TaskAckStatus | str = TaskAckStatus.SUCCESS,
        *,
        message: str | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Acknowledge one task: ``success``, ``error``, ``retry`` or ``reauthenticate``.

        Give ``message`` with ``error`` and ``retry``; the vendor dashboard shows it.
        """
        task = validate_id(task_id, "task_id")
        ack = make_ack(task, status, message)
        await self._no_content(self._data, acknowledge_task, task, body=ack, timeout=timeout)

    async def ack_many(
        self, acks: Iterable[TaskAck | Mapping[str, Any]], *, timeout: Timeout = NOT_GIVEN
    ) -> None:
        """Acknowledge several tasks in one request; each ack must carry its ``task_id``."""
        body = checked_acks(acks)
        await self._no_content(self._data, acknowledge_tasks, body=body, timeout=timeout)


def make_ack(task_id: str, status: TaskAckStatus | str, message: str | None) -> TaskAck:
    """A TaskAck for ``task_id``; ValueError if ``status`` is not a known status."""
    value = status.value if isinstance(status, TaskAckStatus) else status
    known = [member.value for member in TaskAckStatus]
    if value not in known:
        raise ValueError(f"status must be one of {', '.join(known)}; got {value!r}")
    ack = TaskAck(task_id=task_id, status=TaskAckStatus(value))  # type: ignore[arg-type]
    if message is not None:
        ack.message = message
    return ack


def checked_acks(acks: Iterable[TaskAck | Mapping[str, Any]]) -> builtins.list[TaskAck]:
    """The acks as models, each with a valid ``task_id``; ValueError naming the bad one."""
    body = [coerce(TaskAck, ack, f"acks[{index}]") for index, ack in enumerate(acks)]
    if not body:
        raise ValueError("acks must not be empty")
    for index, ack in enumerate(body):
        validate_id(ack.task_id, f"acks[{index}].task_id")
        if not isinstance(ack.status, TaskAckStatus):
            raise ValueError(f"acks[{index}].status is missing; give success, error or retry")
    return body
