# Written by scripts/unasync.py from kimono_interop/_async/tasks.py: edit that file,
# then run `make generate`.
"""Tasks: the queue of changes Kimono pushes to the driver (Interop Data API, ``/tasks``).

``GET /tasks`` answers the next batch (at most 100 tasks); acknowledged tasks leave
the queue, so every call asks for page 0 and the queue is drained batch by batch,
never walked page by page. Acknowledge each task once it is handled, with
:meth:`Tasks.ack` or, for a whole batch in one request,
:meth:`Tasks.ack_many`.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from kimono_interop_api.models import TenantInfo
from kimono_interop_data_api.api.tasks import acknowledge_task, acknowledge_tasks, list_tasks
from kimono_interop_data_api.models import Task, TaskAck, TaskAckStatus, TaskAckSys

from .._base_client import NOT_GIVEN, Timeout, parse_model
from .._exceptions import InvalidItemsError, NotFoundError
from .._pagination import OnInvalid, read_items
from .._task_view import AckResult, ConsumerStats, TaskView
from .._validation import validate_id, validate_page_size, validate_task_id
from ._resource import Resource, coerce
from ._sender import Sender
from .consumer import TaskConsumer, run_for_tenants


class Tasks(Resource):
    """The driver's task queue."""

    def next_batch(
        self,
        *,
        tenant_id: object = None,
        schema: str | None = None,
        driver: str | None = None,
        page_size: int | None = None,
        on_invalid: OnInvalid | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> builtins.list[Task]:
        """The next batch of tasks (page 0 of the queue, at most 100), oldest first.

        A task that cannot be read as the ``Task`` model goes to ``on_invalid`` (an
        :class:`InvalidItem`) and the others are returned; without ``on_invalid`` the
        call raises :class:`InvalidItemsError`. :meth:`receive` never fails on shape.

        Args:
            tenant_id: Only tasks of this tenant.
            schema: The task schema version to receive, e.g. ``"3.0"``.
            driver: Only tasks for this driver.
            page_size: At most this many tasks.
            on_invalid: Receives each task that cannot be read.
        """
        if page_size is not None:
            validate_page_size(page_size)
        tenant = validate_id(tenant_id, "tenant_id") if tenant_id is not None else None
        response = self._send(
            self._data,
            list_tasks,
            timeout=timeout,
            tenant_id=tenant,
            schema=schema,
            driver=driver,
            page=0,
            page_size=page_size,
        )
        tasks, invalid = read_items(parse_model(response, _batch), Task.from_dict, 0)
        if invalid and on_invalid is None:
            raise InvalidItemsError(invalid, len(invalid), "Task", response)
        for item in invalid:
            on_invalid(item)  # type: ignore[misc]
        return tasks

    def receive(
        self,
        *,
        tenant_id: object = None,
        schema: str | None = None,
        driver: str | None = None,
        page_size: int | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> builtins.list[TaskView]:
        """The next batch as :class:`TaskView` objects, one shape for every schema version.

        Takes the filters of :meth:`next_batch`. Tasks are read from the raw JSON, so
        kinds, actions and fields this SDK does not know reach you intact (``raw``).
        """
        if page_size is not None:
            validate_page_size(page_size)
        tenant = validate_id(tenant_id, "tenant_id") if tenant_id is not None else None
        response = self._send(
            self._data,
            list_tasks,
            timeout=timeout,
            tenant_id=tenant,
            schema=schema,
            driver=driver,
            page=0,
            page_size=page_size,
        )
        return parse_model(response, _views)

    def ack(
        self,
        task_id: object,
        status: TaskAckStatus | str = TaskAckStatus.SUCCESS,
        *,
        message: str | None = None,
        app_id: str | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Acknowledge one task: ``success``, ``error``, ``retry`` or ``reauthenticate``.

        ``task_id`` is the id (or a :class:`TaskView`). Give ``message`` with ``error``
        and ``retry``; the vendor dashboard shows it. ``app_id``: the id your
        application gave the object of an ADD ("Interactive Sync"); Kimono records it
        as the object's ``$sys.app_id``.
        """
        task = validate_task_id(task_id.id if isinstance(task_id, TaskView) else task_id, "task_id")
        ack = make_ack(task, status, message, app_id=app_id)
        self._no_content(self._data, acknowledge_task, task, body=ack, timeout=timeout)

    def ack_many(
        self, acks: Iterable[TaskAck | Mapping[str, Any]], *, timeout: Timeout = NOT_GIVEN
    ) -> AckResult:
        """Acknowledge several tasks in one request; each ack must carry its ``task_id``.

        When the service answers 404 (some ids are unknown to it), each task is then
        acknowledged alone, and the result says which ids failed and why.
        """
        return bulk_ack(
            self._data, self, acknowledge_tasks, acknowledge_task, checked_acks(acks), timeout
        )

    def consumer(self, handler: Callable[[TaskView], Any], **options: Any) -> TaskConsumer:
        """A consumer of this queue (see :class:`TaskConsumer` for the options).

        Keep it to call ``stop()`` from elsewhere; ``consumer.run()`` drains.
        """
        return TaskConsumer(self, handler, **options)

    def run(self, handler: Callable[[TaskView], Any], **options: Any) -> ConsumerStats:
        """Drain the queue through ``handler``, acknowledging each task; see :meth:`consumer`.

        Options: ``tenant_id``, ``driver``, ``schema``, ``stop_when_empty``,
        ``max_tasks``, ``poll_interval``, ``max_poll_interval``, ``task_timeout``,
        ``remember``, ``handle_signals``.
        """
        return self.consumer(handler, **options).run()

    def run_tenants(
        self,
        handler: Callable[[TenantInfo, TaskView], Any],
        *,
        accounts: Any = None,
        integrations: Any = None,
        **options: Any,
    ) -> dict[str, ConsumerStats | BaseException]:
        """Run one isolated consumer per tenant this account may serve; ``handler(tenant, task)``.

        Lists tenants with ``GET /tenants`` (filtered by ``accounts``/``integrations``),
        and drains each tenant's queue on its own client (``for_tenant``). One
        tenant's failure does not stop the others: its entry in the result is the
        exception. Give ``stop_when_empty=True`` or ``max_tasks`` to return.
        """
        return run_for_tenants(
            self._client, handler, accounts=accounts, integrations=integrations, **options
        )


def _batch(body: Any) -> builtins.list[Any]:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise ValueError("the task batch has no `data` array")
    return data


def _views(body: Any) -> builtins.list[TaskView]:
    # Every item becomes a view, even one that is not an object: the consumer reports
    # those (they cannot be acknowledged) instead of failing the good tasks around them.
    return [TaskView.from_raw(raw) for raw in _batch(body)]


def bulk_ack(
    sender: Sender,
    resource: Resource,
    bulk: Any,
    single: Any,
    body: builtins.list[TaskAck],
    timeout: Timeout,
) -> AckResult:
    """One bulk ack; on a 404, one ack per task to learn which ids the service refuses."""
    ids = [str(ack.task_id) for ack in body]
    try:
        resource._no_content(sender, bulk, body=body, timeout=timeout)
    except NotFoundError:
        result = AckResult(requests=1)
        for task_id, ack in zip(ids, body, strict=True):
            result.requests += 1
            try:
                resource._no_content(sender, single, task_id, body=ack, timeout=timeout)
            except NotFoundError as exc:
                result.failed[task_id] = exc.error_message or "unknown task id"
            else:
                result.acknowledged.append(task_id)
        return result
    return AckResult(acknowledged=ids, requests=1)


def make_ack(
    task_id: str, status: TaskAckStatus | str, message: str | None, *, app_id: str | None = None
) -> TaskAck:
    """A TaskAck for ``task_id``; ValueError if ``status`` is not a known status."""
    value = status.value if isinstance(status, TaskAckStatus) else status
    known = [member.value for member in TaskAckStatus]
    if value not in known:
        raise ValueError(f"status must be one of {', '.join(known)}; got {value!r}")
    ack = TaskAck(task_id=task_id, status=TaskAckStatus(value))
    if message is not None:
        ack.message = message
    if app_id is not None:
        # `$sys.app_id`, as the vendor's current reference lists it (spec/: TaskAckSys).
        ack.sys = TaskAckSys(app_id=app_id)
    return ack


def checked_acks(acks: Iterable[TaskAck | Mapping[str, Any]]) -> builtins.list[TaskAck]:
    """The acks as models, each with a valid ``task_id``; ValueError naming the bad one."""
    body = [coerce(TaskAck, ack, f"acks[{index}]") for index, ack in enumerate(acks)]
    if not body:
        raise ValueError("acks must not be empty")
    for index, ack in enumerate(body):
        validate_task_id(ack.task_id, f"acks[{index}].task_id")
        if not isinstance(ack.status, TaskAckStatus):
            raise ValueError(f"acks[{index}].status is missing; give success, error or retry")
    return body
