# Written by scripts/unasync.py from kimono_interop/_async/schedules.py: edit that file,
# then run `make generate`.
"""Schedules: when Kimono collects the tenant's data (Interop API, ``/tenant/schedules``).

The tenant is the one the caller's credentials identify. Only ``collection``
schedules can be created (give the ``hour``, in UTC) or run on demand; a
schedule can be paused and resumed (``enabled``), but nothing else about it
changes. Running a schedule is refused with ConflictError while it is paused or
an ingestion is pending.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kimono_interop_api.api.schedules import (
    count_schedules,
    create_schedule,
    delete_schedule,
    find_schedule,
    list_schedules,
    run_schedule,
    update_schedule,
)
from kimono_interop_api.models import (
    Schedule,
    ScheduleCreate,
    ScheduleResponse,
    ScheduleRunRequest,
    ScheduleUpdate,
)

from .._base_client import NOT_GIVEN, Timeout
from .._pagination import SyncPager
from .._validation import validate_id
from ._resource import Resource, coerce


def _schedule(body: Any) -> Schedule:
    return ScheduleResponse.from_dict(body).data


class Schedules(Resource):
    """The tenant's schedules."""

    def list(
        self, *, page_size: int | None = None, timeout: Timeout = NOT_GIVEN
    ) -> SyncPager[Schedule]:
        """Every schedule of the tenant."""
        return self._list(
            self._interop,
            list_schedules,
            Schedule.from_dict,
            page_size=page_size,
            timeout=timeout,
        )

    def create(
        self, schedule: ScheduleCreate | Mapping[str, Any], *, timeout: Timeout = NOT_GIVEN
    ) -> Schedule:
        """Create a collection schedule that runs at ``hour`` (0-23, UTC); returns it as stored.

        ConflictError if it overlaps another schedule, or on a concurrent change.
        """
        body = coerce(ScheduleCreate, schedule, "schedule")
        hour = body.hour
        if isinstance(hour, bool) or not isinstance(hour, int):
            raise TypeError(f"schedule.hour must be an int, not {type(hour).__name__}")
        if not 0 <= hour <= 23:
            raise ValueError(f"schedule.hour must be between 0 and 23 (UTC), got {hour}")
        return self._request(self._interop, create_schedule, _schedule, timeout=timeout, body=body)

    def count(self, *, timeout: Timeout = NOT_GIVEN) -> int:
        """How many schedules the tenant has."""
        return self._count(self._interop, count_schedules, timeout=timeout)

    def get(self, schedule_id: object, *, timeout: Timeout = NOT_GIVEN) -> Schedule:
        """One schedule by id."""
        schedule = validate_id(schedule_id, "schedule_id")
        return self._request(self._interop, find_schedule, _schedule, schedule, timeout=timeout)

    def update(
        self,
        schedule_id: object,
        update: ScheduleUpdate | Mapping[str, Any],
        *,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Pause (``{"enabled": False}``) or resume (``{"enabled": True}``) a schedule.

        Only ``enabled`` may change. NotFoundError if there is no schedule with this id.
        """
        schedule = validate_id(schedule_id, "schedule_id")
        body = coerce(ScheduleUpdate, update, "update")
        if not isinstance(body.enabled, bool):
            raise TypeError(f"update.enabled must be a bool, not {type(body.enabled).__name__}")
        self._no_content(self._interop, update_schedule, schedule, timeout=timeout, body=body)

    def delete(self, schedule_id: object, *, timeout: Timeout = NOT_GIVEN) -> None:
        """Delete a schedule; NotFoundError if there is none with this id."""
        schedule = validate_id(schedule_id, "schedule_id")
        self._no_content(self._interop, delete_schedule, schedule, timeout=timeout)

    def run(
        self,
        schedule_id: object,
        request: ScheduleRunRequest | Mapping[str, Any] | None = None,
        *,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Queue a run of a collection schedule now; returns once the service accepted it.

        The request body is optional (an empty object when given); without
        ``request`` none is sent. BadRequestError if the schedule's type cannot
        be run on demand; ConflictError if it was not run (the schedule is
        paused, or an ingestion is pending; the error's body says which).
        """
        schedule = validate_id(schedule_id, "schedule_id")
        body = None if request is None else coerce(ScheduleRunRequest, request, "request")
        self._no_content(self._interop, run_schedule, schedule, timeout=timeout, body=body)
