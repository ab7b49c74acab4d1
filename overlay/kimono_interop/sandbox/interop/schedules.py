"""Schedules: when the acting tenant's data is collected, and running a collection now.

One collection schedule per hour of the day (UTC). Running one starts an ingestion
(see ``ingestions``), unless the schedule is paused or an ingestion of the tenant
is still pending.
"""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import Response

from kimono_interop_api.models import IngestionState, IngestionType, ScheduleType

from ..api import Handler, bounded_body, json_body
from . import clock
from .answers import bad, conflict, no_content, one
from .checks import BOOL, HOUR, fields
from .common import (
    for_tenant,
    object_body,
    tenant_count,
    tenant_delete,
    tenant_find,
    tenant_list,
    tenant_object,
)
from .ingestions import PENDING_STATES, ingestion_seconds, settle
from .store import INGESTIONS, SCHEDULES, col, created, of_tenant, owned

SCHEDULE_CREATE = {"hour": HOUR}
SCHEDULE_UPDATE = {"enabled": BOOL}
COLLECTION = ScheduleType.COLLECTION.value


async def create_schedule(request: Request) -> Response:
    """``POST /tenant/schedules``: a daily collection at an hour no other one takes."""
    state, tenant = for_tenant(request)
    body = await object_body(request, "a ScheduleCreate")
    hour = fields(body, SCHEDULE_CREATE, "schedule", required=("hour",))["hour"]
    schedule = owned(
        tenant,
        created(
            {
                "type": COLLECTION,
                "last_executed_at": None,
                "enabled": True,
                "hour": hour,
                "days": "daily",
                "metadata": None,
            }
        ),
    )
    with state.lock:
        for other in of_tenant(state, SCHEDULES, tenant).values():
            if other.get("type") == COLLECTION and other.get("hour") == hour:
                raise conflict(f"Collection schedule {other['id']} runs at {hour}:00 UTC already")
        col(state, SCHEDULES)[schedule["id"]] = schedule
    return one(schedule)


async def update_schedule(request: Request) -> Response:
    """``PATCH /tenant/schedules/{id}``: pause or resume it."""
    state, _, schedule = tenant_object(request, SCHEDULES, "Schedule")
    body = await object_body(request, "a ScheduleUpdate")
    checked = fields(body, SCHEDULE_UPDATE, "update", required=("enabled",))
    with state.lock:
        schedule.update(checked, updated_at=clock.now())
    return no_content()


async def run_schedule(request: Request) -> Response:
    """``POST /tenant/schedules/{id}/run``: start a collection ingestion now."""
    state, tenant, schedule = tenant_object(request, SCHEDULES, "Schedule")
    if (await bounded_body(request)).strip() and not isinstance(await json_body(request), dict):
        raise bad("The body of a run request is an empty object")
    if schedule.get("type") != COLLECTION:
        raise bad(f"A {schedule.get('type')} schedule cannot be run on demand")
    settle(state)
    with state.lock:
        if not schedule.get("enabled"):
            raise conflict(f"Schedule {schedule['id']} is paused; enable it to run it")
        for ingestion in of_tenant(state, INGESTIONS, tenant).values():
            if ingestion.get("state") in PENDING_STATES:
                raise conflict(
                    f"Ingestion {ingestion['id']} is {ingestion['state']}; wait for it to finish"
                )
        now = clock.now()
        ingestion = owned(
            tenant,
            {
                "id": clock.new_id(),
                "created_at": now,
                "updated_at": now,
                "type": IngestionType.COLLECTION.value,
                "state": IngestionState.EXECUTING.value,
                "started_at": now,
                "external_import_ids": [],
                "has_pending_task": False,
                "mass_change_details": [],
                "metadata": {"scheduled": schedule["id"]},
                "session_token": secrets.token_urlsafe(16),
                "_done_at": state.clock() + ingestion_seconds(state),
            },
        )
        col(state, INGESTIONS)[ingestion["id"]] = ingestion
        schedule.update(last_executed_at=now, updated_at=now)
    return no_content()


HANDLERS: dict[str, Handler] = {
    "listSchedules": tenant_list(SCHEDULES),
    "createSchedule": create_schedule,
    "countSchedules": tenant_count(SCHEDULES),
    "findSchedule": tenant_find(SCHEDULES, "Schedule"),
    "updateSchedule": update_schedule,
    "deleteSchedule": tenant_delete(SCHEDULES, "Schedule"),
    "runSchedule": run_schedule,
}
