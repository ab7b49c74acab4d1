"""The Interop objects a fresh sandbox holds, made from its seeded roster and tenants.

The same seed gives the same objects, ids included: they come from a generator of
their own (seeded from the sandbox's seed), not from :mod:`.clock`, and every date
is fixed relative to the configured school year.
"""

from __future__ import annotations

import random
import uuid
from typing import TYPE_CHECKING, Any

from kimono_interop_api.models import (
    ActorKind,
    IngestionState,
    IngestionType,
    ReleaseState,
    RolloverStatus,
    RolloverType,
    ScheduleType,
    TenantApplicationAuthState,
    TenantApplicationAuthType,
)
from kimono_interop_data_api.models import OrgType

from .store import (
    ACTORS,
    CLOUDS,
    INGESTIONS,
    INTEGRATIONS,
    ROLLOVERS,
    SCHEDULES,
    SCOPING_COURSES,
    SCOPING_SCHOOLS,
    TENANT_APPLICATION,
    TENANT_STATE,
    VERSIONS,
    account_id,
    course_defaults,
    owned,
    school_defaults,
)

if TYPE_CHECKING:
    from ..seed import Roster
    from ..state import SandboxState

#: The object types of a bulk load's mass change details, numbered as the sandbox numbers them.
BULK_LOAD_TYPES = ("orgs", "persons", "courses", "sections", "terms")


def seed_interop(state: SandboxState) -> None:
    """Fill ``state.interop`` from the seeded roster and tenants (same seed, same objects).

    One Interop Cloud and one Integration (with version 1.0 and its blueprint), the
    tenants' shared references; an integration actor per tenant (with its
    credentials) and a connector; and for each tenant its state, its application,
    two Scoping Schools and two Scoping Courses of the roster, a rollover, a
    collection schedule and three finished ingestions.
    """
    seeder = _Seeder(state)
    interop = seeder.shared(list(state.tenants.values()))
    for tenant in state.tenants.values():
        seeder.tenant(interop, tenant)
    with state.lock:
        state.interop.update(interop)


class _Seeder:
    """The seeding's generator of ids and its fixed dates.

    :meth:`shared` runs first, then :meth:`tenant` for each tenant in order: the ids
    are drawn in that order, which is what makes them the same for the same seed.
    """

    def __init__(self, state: SandboxState) -> None:
        self.roster: Roster = state.roster
        self.rng = random.Random(state.config.seed + 4)
        self.year = year = state.config.school_year
        self.stamp = f"{year - 1}-07-01T08:00:00Z"
        self.stamps = {"created_at": self.stamp, "updated_at": self.stamp}
        self.cloud_id = ""  # the shared cloud's, once shared() has made it

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def shared(self, tenants: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
        """The collections, holding what the tenants share: cloud, Integration, actors."""
        new_id, stamp, stamps = self.new_id, self.stamp, self.stamps
        first = tenants[0] if tenants else {}
        account = account_id(first) if first else None
        owner = {"account_id": account} if account else {}
        cloud_ref = first.get("cloud") or {}
        integration_ref = first.get("integration") or {}

        cloud = {
            "id": cloud_ref.get("id") or new_id(),
            **stamps,
            **owner,
            "name": cloud_ref.get("name", "Sandbox Cloud"),
            "userdata": "sandbox",
            "generation": 1,
        }
        integration = {
            "id": integration_ref.get("id") or new_id(),
            **stamps,
            **owner,
            "name": integration_ref.get("name", "sandbox-driver"),
            "title": "Sandbox Driver",
            "version": "1.0",
        }
        released = ReleaseState.RELEASED.value
        blueprint = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<integration name="{integration["name"]}"'
            f' version="1.0" release_state="{released}">\n  <title>Sandbox Driver 1.0</title>\n'
            "</integration>\n"
        )
        version = {
            "id": new_id(),
            **stamps,
            **owner,
            "version": "1.0",
            "title": "Sandbox Driver 1.0",
            "release_state": released,
            "_integration_id": integration["id"],
            "_blueprint": blueprint,
        }
        actors: dict[str, dict[str, Any]] = {}
        for tenant in tenants:
            actors[tenant["actor_id"]] = {
                "id": tenant["actor_id"],
                **stamps,
                **owner,
                "name": f"{integration['name']} ({tenant['name']})",
                "type": ActorKind.INTEGRATION.value,
                "auth": {**tenant["auth"], "updated_at": stamp},
                "_cloud_id": cloud["id"],
            }
        connector_id = new_id()
        actors[connector_id] = {
            "id": connector_id,
            **stamps,
            **owner,
            "name": "Sandbox SIS",
            "type": ActorKind.CONNECTOR.value,
            "connector_type": "oneroster",
            "_cloud_id": cloud["id"],
        }

        interop: dict[str, dict[str, dict[str, Any]]] = {
            ACTORS: actors,
            CLOUDS: {cloud["id"]: cloud},
            INTEGRATIONS: {integration["id"]: integration},
            VERSIONS: {version["id"]: version},
            **{name: {} for name in (SCOPING_SCHOOLS, SCOPING_COURSES, ROLLOVERS, SCHEDULES)},
            INGESTIONS: {},
            TENANT_STATE: {},
            TENANT_APPLICATION: {},
        }
        self.cloud_id = cloud["id"]
        return interop

    def tenant(self, interop: dict[str, dict[str, dict[str, Any]]], tenant: dict[str, Any]) -> None:
        """One tenant's objects: state, application, scoping, a rollover, a schedule, ingestions."""
        year, stamps, roster = self.year, self.stamps, self.roster
        tid = tenant["id"]
        interop[TENANT_STATE][tid] = {
            "rollover_mode_enabled": False,
            "synchronization_suspended": False,
            "setup_mode_enabled": False,
            "mass_change_pending": False,
        }
        interop[TENANT_APPLICATION][tid] = owned(
            tenant,
            {
                "deliver_tasks": True,
                "validate_tasks": True,
                "auth_type": TenantApplicationAuthType.UNSPECIFIED.value,
                "auth_state": TenantApplicationAuthState.UNSPECIFIED.value,
                "options": {"sync_grades": "true"},
                "auth_props": {},
                "auth_session_id_pending": self.new_id(),
                "auth_message": "Waiting for the driver to confirm the credentials",
                "auth_props_pending": {},
                "auth_state_pending": TenantApplicationAuthState.UPDATING.value,
            },
        )
        schools = [o for o in roster.orgs.values() if o["$sys"]["org_type"] == OrgType.SCHOOL.value]
        for n, school in enumerate(schools[:2]):
            obj = owned(
                tenant,
                {"id": self.new_id(), **stamps, **school_defaults(school), "selected": n == 0},
            )
            interop[SCOPING_SCHOOLS][obj["id"]] = obj
        for course in list(roster.courses.values())[:2]:
            obj = owned(
                tenant,
                {"id": self.new_id(), **stamps, **course_defaults(roster.orgs, course, None)},
            )
            obj["selected"] = True
            interop[SCOPING_COURSES][obj["id"]] = obj
        rollover = owned(
            tenant,
            {
                "id": self.new_id(),
                **stamps,
                "name": f"Rollover to {year}-{year + 1}",
                "type": RolloverType.NEW_YEAR.value,
                "start_date": f"{year}-06-20T00:00:00Z",
                "end_date": f"{year}-08-15T00:00:00Z",
                "metadata": None,
                "status": RolloverStatus.UPCOMING.value,
                "status_change_failure_count": 0,
                "cloud_id": self.cloud_id,
                "actor_id": tenant["actor_id"],
            },
        )
        interop[ROLLOVERS][rollover["id"]] = rollover
        schedule = owned(
            tenant,
            {
                "id": self.new_id(),
                **stamps,
                "type": ScheduleType.COLLECTION.value,
                "last_executed_at": f"{year - 1}-08-01T02:00:00Z",
                "enabled": True,
                "hour": 2,
                "days": "daily",
                "metadata": None,
            },
        )
        interop[SCHEDULES][schedule["id"]] = schedule
        counts = roster.counts()
        loads = [
            (IngestionType.BULK_LOAD, IngestionState.SUCCESS, f"{year - 1}-07-01T08:00:00Z", None),
            (
                IngestionType.COLLECTION,
                IngestionState.SUCCESS,
                f"{year - 1}-08-01T02:00:00Z",
                schedule["id"],
            ),
            (
                IngestionType.EVENT_BUNDLE,
                IngestionState.FAILED,
                f"{year - 1}-08-02T09:30:00Z",
                None,
            ),
        ]
        for kind, outcome, started, scheduled in loads:
            details = []
            if kind is IngestionType.BULK_LOAD:
                for number, name in enumerate(BULK_LOAD_TYPES):
                    details.append(
                        {
                            "objectType": number + 1,
                            "objectSubtype": 0,
                            "objectCount": 0,
                            "adds": counts[name],
                            "updates": 0,
                            "deletes": 0,
                        }
                    )
            obj = owned(
                tenant,
                {
                    "id": self.new_id(),
                    "created_at": started,
                    "updated_at": started,
                    "type": kind.value,
                    "state": outcome.value,
                    "started_at": started,
                    "external_import_ids": [f"import-{self.rng.randrange(10**6):06d}"],
                    "has_pending_task": False,
                    "mass_change_details": details,
                    "metadata": {"scheduled": scheduled} if scheduled else None,
                },
            )
            interop[INGESTIONS][obj["id"]] = obj
