"""Rollovers: the acting tenant's windows of a new school year, which may not overlap.

While a rollover is active (between its start and end dates) the tenant is in
rollover mode (see ``tenants``) and the rollover cannot be deleted. A list can be
sorted by any of :data:`ROLLOVER_SORTABLE`, ``-`` before a field for descending.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from kimono_interop_api.models import RolloverStatus, RolloverType

from ..api import Handler
from ..state import SandboxState
from . import clock
from .answers import bad, conflict, no_content, one, page
from .checks import DATETIME, OBJECT_OR_NULL, STR, UUID, fields, one_of
from .common import for_tenant, object_body, tenant_count, tenant_find, tenant_object
from .store import ACTORS, CLOUDS, ROLLOVERS, active, col, of_tenant, owned, window

ROLLOVER_TYPES = tuple(kind.value for kind in RolloverType)
ROLLOVER_STATUSES = tuple(status.value for status in RolloverStatus)
#: Fields ``GET /tenant/rollovers?sort=`` can sort by.
ROLLOVER_SORTABLE = (
    "id",
    "created_at",
    "updated_at",
    "name",
    "type",
    "status",
    "start_date",
    "end_date",
    "status_change_failure_count",
    "cloud_id",
    "actor_id",
)
ROLLOVER_REQUEST = {
    "name": STR,
    "type": one_of(ROLLOVER_TYPES),
    "status": one_of(ROLLOVER_STATUSES),
    "start_date": DATETIME,
    "end_date": DATETIME,
    "cloud_id": UUID,
    "actor_id": UUID,
    "metadata": OBJECT_OR_NULL,
}


def sorted_by(items: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    """``items`` sorted by the comma-separated fields of ``sort``; missing values last."""
    keys = [part.strip() for part in sort.split(",")]
    for key in reversed(keys):
        field = key.removeprefix("-")
        if field not in ROLLOVER_SORTABLE:
            raise bad(
                f"sort: cannot sort by {field!r}; sort by one of {', '.join(ROLLOVER_SORTABLE)}"
            )

        def value(obj: dict[str, Any], field: str = field) -> Any:
            raw = obj.get(field)
            if field.endswith(("_at", "_date")):
                return clock.parse_datetime(raw) or clock.earliest()
            return raw

        present = [o for o in items if o.get(field) is not None]
        present.sort(key=value, reverse=key.startswith("-"))
        items = present + [o for o in items if o.get(field) is None]
    return items


def overlapping(
    rollover: dict[str, Any], others: Iterable[dict[str, Any]]
) -> dict[str, Any] | None:
    """The first of ``others`` whose dates overlap ``rollover``'s, or None."""
    mine = window(rollover)
    if mine is None:
        return None
    for other in others:
        theirs = window(other)
        if other["id"] != rollover["id"] and theirs and mine[0] < theirs[1] and theirs[0] < mine[1]:
            return other
    return None


def _rollover(state: SandboxState, tenant: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """The rollover ``body`` describes, defaults filled in; 400 if it is not one."""
    checked = fields(body, ROLLOVER_REQUEST, "rollover")
    dates = window(checked)
    if dates is not None and dates[1] <= dates[0]:
        raise bad("rollover.end_date must be after rollover.start_date")
    if "cloud_id" in checked and checked["cloud_id"] not in col(state, CLOUDS):
        raise bad(f"rollover.cloud_id: no Interop Cloud with id {checked['cloud_id']}")
    if "actor_id" in checked and checked["actor_id"] not in col(state, ACTORS):
        raise bad(f"rollover.actor_id: no actor with id {checked['actor_id']}")
    cloud = tenant.get("cloud")
    start = checked.get("start_date")
    return owned(
        tenant,
        {
            "name": f"Rollover {start[:10]}" if start else "Rollover",
            "type": RolloverType.NEW_YEAR.value,
            "metadata": None,
            "status": RolloverStatus.UPCOMING.value,
            **({"cloud_id": cloud["id"]} if isinstance(cloud, dict) and "id" in cloud else {}),
            "actor_id": tenant["actor_id"],
            **checked,
        },
    )


def _no_overlap(state: SandboxState, tenant: dict[str, Any], rollover: dict[str, Any]) -> None:
    other = overlapping(rollover, of_tenant(state, ROLLOVERS, tenant).values())
    if other is not None:
        raise conflict(
            f"The rollover overlaps rollover {other['id']} "
            f"({other.get('start_date')} to {other.get('end_date')})"
        )


async def list_rollovers(request: Request) -> Response:
    """``GET /tenant/rollovers``, sorted as ``sort`` asks."""
    state, tenant = for_tenant(request)
    items = list(of_tenant(state, ROLLOVERS, tenant).values())
    sort = request.query_params.get("sort")
    return page(request, sorted_by(items, sort) if sort else items)


async def create_rollover(request: Request) -> Response:
    """``POST /tenant/rollovers``: a rollover overlapping none of the tenant's."""
    state, tenant = for_tenant(request)
    body = await object_body(request, "a RolloverRequest")
    now = clock.now()
    rollover = {
        "id": clock.new_id(),
        "created_at": now,
        "updated_at": now,
        **_rollover(state, tenant, body),
        "status_change_failure_count": 0,
    }
    with state.lock:
        _no_overlap(state, tenant, rollover)
        col(state, ROLLOVERS)[rollover["id"]] = rollover
    return one(rollover)


async def update_rollover(request: Request) -> Response:
    """``PUT /tenant/rollovers/{id}``: replaced by the body, keeping its id and failure record."""
    state, tenant, existing = tenant_object(request, ROLLOVERS, "rollover")
    body = await object_body(request, "a RolloverRequest")
    kept = ("id", "created_at", "status_change_failure_count", "failure_reason")
    fresh = {
        **{k: existing[k] for k in kept if k in existing},
        "updated_at": clock.now(),
        **_rollover(state, tenant, body),
    }
    with state.lock:
        _no_overlap(state, tenant, fresh)
        existing.clear()
        existing.update(fresh)
    return one(existing)


async def delete_rollover(request: Request) -> Response:
    """``DELETE /tenant/rollovers/{id}``, unless it is active."""
    state, _, rollover = tenant_object(request, ROLLOVERS, "rollover")
    with state.lock:
        if active(rollover):
            raise conflict(f"Rollover {rollover['id']} is active and cannot be deleted")
        col(state, ROLLOVERS).pop(rollover["id"], None)
    return no_content()


HANDLERS: dict[str, Handler] = {
    "listRollovers": list_rollovers,
    "createRollover": create_rollover,
    "countRollovers": tenant_count(ROLLOVERS),
    "findRollover": tenant_find(ROLLOVERS, "rollover"),
    "updateRollover": update_rollover,
    "deleteRollover": delete_rollover,
}
