# Written by scripts/unasync.py from kimono_interop/_async/tasks.py: edit that file,
# then run `make generate`.
"""The task queue's hand-written behaviour: batches, acknowledgements and the consumer.

``GET /tasks`` answers the next batch (at most 100 tasks); acknowledged tasks leave
the queue, so every call asks for page 0 and the queue is drained batch by batch,
never walked page by page. Acknowledge each task once it is handled, with
:meth:`TasksBehaviour.ack` or, for a whole batch in one request,
:meth:`TasksBehaviour.ack_many`; :meth:`TasksBehaviour.run` does all of it
through a handler.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from uuid import UUID

import httpx

from kimono_interop_data_api.models import Task, TaskAck, TaskAckStatus

from .._acks import checked_acks, make_ack
from .._exceptions import InvalidItemsError
from .._operations import OPERATIONS
from .._pagination import OnInvalid, read_items
from .._parsing import gc_paused, parse_model
from .._task_view import (
    AckResult,
    ConsumerStats,
    TaskHandler,
    TaskView,
    TenantTaskHandler,
)
from .._types import (
    NOT_GIVEN,
    AccountIds,
    ConsumerOptions,
    Headers,
    IntegrationNames,
    Query,
    Timeout,
)
from .._validation import validate_id, validate_page_size, validate_task_id
from ._resource import Resource
from .acks import send_ack, send_acks
from .consumer import TaskConsumer
from .tenants_consumer import TenantsConsumer

if TYPE_CHECKING:
    from typing_extensions import Unpack  # typing.Unpack from Python 3.11


class TasksBehaviour(Resource):
    """The driver's task queue."""

    def _batch(
        self,
        tenant_id: str | UUID | None,
        schema: str | None,
        driver: str | None,
        page_size: int | None,
        extra_headers: Headers | None,
        extra_query: Query | None,
        timeout: Timeout,
    ) -> httpx.Response:
        """The answer of ``GET /tasks`` (read it with :func:`_items`, under gc_paused)."""
        params: dict[str, Any] = {"page": 0, "schema": schema, "driver": driver}
        if tenant_id is not None:
            params["tenant_id"] = validate_id(tenant_id, "tenant_id")
        if page_size is not None:
            params["page_size"] = validate_page_size(page_size)
        return self._call(
            OPERATIONS["listTasks"],
            params=params,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def next_batch(
        self,
        *,
        tenant_id: str | UUID | None = None,
        schema: str | None = None,
        driver: str | None = None,
        page_size: int | None = None,
        on_invalid: OnInvalid | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> builtins.list[Task]:
        """The next batch of tasks (page 0 of the queue, at most 100), oldest first.

        A task that cannot be read as the ``Task`` model goes to ``on_invalid`` (an
        :class:`InvalidItem`) and the others are returned; without ``on_invalid`` the
        call raises :class:`InvalidItemsError`, the others in its ``read`` (the service
        holds back the next batch until every task of this one is acknowledged: those,
        and the unreadable ones, whose JSON is in its ``items``). :meth:`receive` never
        fails on shape.

        Args:
            tenant_id: Only tasks of this tenant.
            schema: The task schema version to receive, e.g. ``"3.0"``.
            driver: Only tasks for this driver.
            page_size: At most this many tasks.
            on_invalid: Receives each task that cannot be read.
        """
        response = self._batch(
            tenant_id, schema, driver, page_size, extra_headers, extra_query, timeout
        )
        with gc_paused():  # from the bytes to the last model, as for a page of a list
            tasks, invalid = read_items(parse_model(response, _items), Task.from_dict, 0)
        if invalid and on_invalid is None:
            raise InvalidItemsError(invalid, len(invalid), "Task", response, read=tasks)
        for item in invalid:
            on_invalid(item)  # type: ignore[misc]
        return tasks

    def receive(
        self,
        *,
        tenant_id: str | UUID | None = None,
        schema: str | None = None,
        driver: str | None = None,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> builtins.list[TaskView]:
        """The next batch as :class:`TaskView` objects, one shape for every schema version.

        Takes the filters of :meth:`next_batch`. Tasks are read from the raw JSON, so
        kinds, actions and fields this SDK does not know reach you intact (``raw``);
        an item that is not even a task becomes a view without an id.
        """
        response = self._batch(
            tenant_id, schema, driver, page_size, extra_headers, extra_query, timeout
        )
        with gc_paused():  # from the bytes to the last view, as for a page of a list
            return [TaskView.from_raw(item) for item in parse_model(response, _items)]

    def ack(
        self,
        task_id: str | UUID | TaskView,
        status: TaskAckStatus | str = TaskAckStatus.SUCCESS,
        *,
        message: str | None = None,
        app_id: str | UUID | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
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
        # (an ack applied by an attempt whose answer was lost, then 404: done, not refused)
        return send_ack(
            self,
            OPERATIONS["acknowledgeTask"],
            task,
            ack,
            timeout,
            extra_headers=extra_headers,
            extra_query=extra_query,
        )

    def ack_many(
        self,
        acks: Iterable[TaskAck | Mapping[str, Any]],
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> AckResult:
        """Acknowledge several tasks in one request; each ack must carry its ``task_id``.

        When the service answers 404 (some ids are unknown to it), each task is then
        acknowledged alone, and the result says which ids failed and why.
        """
        return send_acks(
            self,
            OPERATIONS["acknowledgeTasks"],
            OPERATIONS["acknowledgeTask"],
            [ack.to_dict() for ack in checked_acks(acks)],
            timeout,
            extra_headers=extra_headers,
            extra_query=extra_query,
        )

    def _send_acks(
        self,
        acks: builtins.list[dict[str, Any]],
        *,
        maybe_applied: frozenset[str] = frozenset(),
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> AckResult:
        return send_acks(
            self,
            OPERATIONS["acknowledgeTasks"],
            OPERATIONS["acknowledgeTask"],
            acks,
            timeout,
            extra_headers=extra_headers,
            extra_query=extra_query,
            partial=True,  # the consumer and the mirror send again only what is left
            maybe_applied=maybe_applied,
        )

    def consumer(self, handler: TaskHandler, **options: Unpack[ConsumerOptions]) -> TaskConsumer:
        """A consumer of this queue (see :class:`TaskConsumer` for the options).

        Keep it to call ``stop()`` from elsewhere; ``consumer.run()`` drains.
        """
        return TaskConsumer(self, handler, **options)

    def run(self, handler: TaskHandler, **options: Unpack[ConsumerOptions]) -> ConsumerStats:
        """Drain the queue through ``handler``, acknowledging each task; see :meth:`consumer`.

        Options: ``tenant_id``, ``driver``, ``schema``, ``stop_when_empty``,
        ``max_tasks``, ``poll_interval``, ``max_poll_interval``, ``task_timeout``,
        ``remember``, ``handle_signals``, ``on_unackable``.
        """
        return self.consumer(handler, **options).run()

    def tenants_consumer(
        self,
        handler: TenantTaskHandler,
        *,
        accounts: AccountIds = None,
        integrations: IntegrationNames = None,
        **options: Unpack[ConsumerOptions],
    ) -> TenantsConsumer:
        """One isolated consumer per tenant this account may serve; ``handler(tenant, task)``.

        Keep the handle to call ``stop()`` from elsewhere; ``handle.run()`` lists the
        tenants with ``GET /tenants`` (filtered by ``accounts``/``integrations``) and
        drains each tenant's queue on its own client (``for_tenant``). Options are those
        of :meth:`consumer`.
        """
        return TenantsConsumer(
            self._client, handler, accounts=accounts, integrations=integrations, **options
        )

    def run_tenants(
        self,
        handler: TenantTaskHandler,
        *,
        accounts: AccountIds = None,
        integrations: IntegrationNames = None,
        **options: Unpack[ConsumerOptions],
    ) -> dict[str, ConsumerStats | BaseException]:
        """Drain each tenant's queue through ``handler(tenant, task)`` (see tenants_consumer).

        One tenant's failure does not stop the others: its entry in the result is the
        exception. Give ``stop_when_empty=True`` or ``max_tasks`` to return, or stop it
        with SIGINT/SIGTERM (main thread): the acks of handled tasks go out first.
        """
        return self.tenants_consumer(
            handler, accounts=accounts, integrations=integrations, **options
        ).run()


def _items(body: Any) -> builtins.list[Any]:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise ValueError("the task batch has no `data` array")
    return data
