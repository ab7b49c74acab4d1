"""The Interop objects in memory: their collections, owners, public form and derived facts.

Both the seeding and the routes read and write ``state.interop`` through these;
nothing here knows about requests, so the state can seed without importing a route.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..._references import ref_id
from . import clock

if TYPE_CHECKING:
    from ..state import SandboxState

ACTORS = "actors"
CLOUDS = "clouds"
INTEGRATIONS = "integrations"
VERSIONS = "integration_versions"
SCOPING_SCHOOLS = "scoping_schools"
SCOPING_COURSES = "scoping_courses"
TENANT_STATE = "tenant_state"  # by tenant id
TENANT_APPLICATION = "tenant_application"  # by tenant id
ROLLOVERS = "rollovers"
SCHEDULES = "schedules"
INGESTIONS = "ingestions"


def col(state: SandboxState, name: str) -> dict[str, dict[str, Any]]:
    """The collection ``name`` of ``state.interop`` (made empty if missing)."""
    return state.interop.setdefault(name, {})


def created(obj: dict[str, Any]) -> dict[str, Any]:
    """``obj`` as a new object: a fresh id, created and updated now."""
    now = clock.now()
    return {"id": clock.new_id(), "created_at": now, "updated_at": now, **obj}


def public(obj: dict[str, Any]) -> dict[str, Any]:
    """The object as the API sends it: without the sandbox's ``_`` bookkeeping keys."""
    return {key: value for key, value in obj.items() if not key.startswith("_")}


def of_tenant(
    state: SandboxState, collection: str, tenant: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """The objects of ``collection`` that ``tenant`` owns, by id."""
    return {k: v for k, v in col(state, collection).items() if v.get("tenant_id") == tenant["id"]}


def account_id(tenant: dict[str, Any]) -> str | None:
    """The id of the vendor account ``tenant`` belongs to, if it names one."""
    account = tenant.get("account")
    return str(account["id"]) if isinstance(account, dict) and account.get("id") else None


def owned(tenant: dict[str, Any], obj: dict[str, Any]) -> dict[str, Any]:
    """``obj`` with the owner fields of a BaseTenantResourceType."""
    account = account_id(tenant)
    return {**({"account_id": account} if account else {}), "tenant_id": tenant["id"], **obj}


def school_defaults(school: dict[str, Any]) -> dict[str, Any]:
    """A Scoping School's fields as the roster's ``school`` gives them."""
    return {
        "school_id": school["$sys"]["id"],
        "school_ref_id": school.get("local_id", ""),
        "name": school.get("name", school["$sys"]["label"]),
        "local_id": school.get("local_id", ""),
    }


def course_defaults(
    orgs: dict[str, dict[str, Any]], course: dict[str, Any], school_id: str | None
) -> dict[str, Any]:
    """A Scoping Course's fields as the roster gives them, its school ``school_id`` or the first."""
    offered = [ref_id(ref) for ref in course.get("$orgs", [])]
    school = orgs.get(school_id or (offered[0] if offered else None) or "", {})
    found: dict[str, Any] = {
        "course_id": course["$sys"]["id"],
        "course_ref_id": course.get("local_id", ""),
        "name": course.get("title", course["$sys"]["label"]),
        "local_id": course.get("local_id", ""),
    }
    if school:
        found["school_id"] = school["$sys"]["id"]
        found["school_ref_id"] = school.get("local_id", "")
    return found


def window(rollover: dict[str, Any]) -> tuple[dt.datetime, dt.datetime] | None:
    """A rollover's start and end, when it has both."""
    start = clock.parse_datetime(rollover.get("start_date"))
    end = clock.parse_datetime(rollover.get("end_date"))
    return (start, end) if start is not None and end is not None else None


def active(rollover: dict[str, Any]) -> bool:
    """A rollover is active (the tenant is in rollover mode) between its start and end dates."""
    found = window(rollover)
    now = clock.utc_now()
    return found is not None and found[0] <= now < found[1]
