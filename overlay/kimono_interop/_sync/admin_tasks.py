# Written by scripts/unasync.py from kimono_interop/_async/admin_tasks.py: edit that file,
# then run `make generate`.
"""The admin task queue's hand-written behaviour: acknowledgements, one or many.

Unlike the driver's queue, the admin queue can be listed page by page (up to 2000
per page), and tasks can be looked up and deleted (generated methods); tasks that
are not acknowledged are delivered again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from kimono_interop_data_api.models import TaskAck, TaskAckStatus

from .._acks import checked_acks, make_ack
from .._operations import OPERATIONS
from .._task_view import AckResult
from .._types import NOT_GIVEN, Headers, Query, Timeout
from .._validation import validate_task_id
from ._resource import Resource
from .acks import send_ack, send_acks


class AdminTasksBehaviour(Resource):
    """Acknowledging admin tasks."""

    def ack(
        self,
        task_id: str | UUID,
        status: TaskAckStatus | str = TaskAckStatus.SUCCESS,
        *,
        message: str | None = None,
        app_id: str | UUID | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Acknowledge one admin task (``success``, ``error``, ``retry``, ``reauthenticate``).

        ``app_id``: the id your application gave the object of an ADD ("Interactive
        Sync"), as for :meth:`tasks.ack <TasksBehaviour.ack>`.
        """
        task = validate_task_id(task_id, "task_id")
        ack = make_ack(task, status, message, app_id=app_id)
        # (an ack applied by an attempt whose answer was lost, then 404: done, not refused)
        return send_ack(
            self,
            OPERATIONS["acknowledgeAdminTask"],
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
        """Acknowledge several admin tasks in one request; the result lists refused ids."""
        return send_acks(
            self,
            OPERATIONS["acknowledgeAdminTasks"],
            OPERATIONS["acknowledgeAdminTask"],
            [ack.to_dict() for ack in checked_acks(acks)],
            timeout,
            extra_headers=extra_headers,
            extra_query=extra_query,
        )
