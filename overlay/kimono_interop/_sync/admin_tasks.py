# Written by scripts/unasync.py from kimono_interop/_async/admin_tasks.py: edit that file,
# then run `make generate`.
"""Admin tasks: the administrative task queue (Interop Data API, ``/tasks/admin``).

Unlike the driver's queue, the admin queue can be listed page by page (up to 2000
per page), and tasks can be looked up and deleted. Unacknowledged admin tasks
are delivered again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kimono_interop_data_api.api.admin_tasks import (
    acknowledge_admin_task,
    acknowledge_admin_tasks,
    delete_admin_task,
    find_admin_task,
    list_admin_tasks,
)
from kimono_interop_data_api.models import Task, TaskAck, TaskAckStatus

from .._base_client import NOT_GIVEN, Timeout, bare_or_enveloped
from .._pagination import SyncPager
from .._task_view import AckResult
from .._validation import validate_task_id
from ._resource import Resource
from .tasks import bulk_ack, checked_acks, make_ack


class AdminTasks(Resource):
    """The admin task queue."""

    def list(
        self,
        *,
        schema: str | None = None,
        driver: str | None = None,
        page_size: int | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Task]:
        """Every task in the admin queue."""
        return self._list(
            self._data,
            list_admin_tasks,
            Task.from_dict,
            page_size=page_size,
            timeout=timeout,
            schema=schema,
            driver=driver,
        )

    def get(self, task_id: object, *, timeout: Timeout = NOT_GIVEN) -> Task:
        """One admin task by id."""
        task = validate_task_id(task_id, "task_id")
        return self._request(
            self._data,
            find_admin_task,
            bare_or_enveloped(Task),
            task,
            timeout=timeout,
        )

    def delete(self, task_id: object, *, timeout: Timeout = NOT_GIVEN) -> None:
        """Remove an admin task from the queue."""
        task = validate_task_id(task_id, "task_id")
        self._no_content(self._data, delete_admin_task, task, timeout=timeout)

    def ack(
        self,
        task_id: object,
        status: TaskAckStatus | str = TaskAckStatus.SUCCESS,
        *,
        message: str | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Acknowledge one admin task."""
        task = validate_task_id(task_id, "task_id")
        ack = make_ack(task, status, message)
        self._no_content(self._data, acknowledge_admin_task, task, body=ack, timeout=timeout)

    def ack_many(
        self, acks: Iterable[TaskAck | Mapping[str, Any]], *, timeout: Timeout = NOT_GIVEN
    ) -> AckResult:
        """Acknowledge several admin tasks in one request; the result lists refused ids."""
        return bulk_ack(
            self._data,
            self,
            acknowledge_admin_tasks,
            acknowledge_admin_task,
            checked_acks(acks),
            timeout,
        )
