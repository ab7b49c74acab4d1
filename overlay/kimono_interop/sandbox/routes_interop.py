"""The Interop API of the sandbox: actors, clouds, integrations, tenants, tenant state,
scoping, the tenant application, rollovers, schedules and ingestions.

Every object lives in ``state.interop[collection][id]`` (collections named by the
constants below) and has the shape of the contract's schema (``spec/interop.yaml``).
Keys starting with ``_`` are the sandbox's own bookkeeping (which cloud an actor is
installed in, which Integration a version belongs to, its blueprint) and are never
sent. :func:`seed_interop` fills the collections from the seeded roster and tenants,
the same for the same seed.

The ``/tenant/...`` routes act for the caller's tenant (a tenant's credentials), or
for the first tenant when the vendor account calls. ``/tenants`` and ``/ingestions``
show a tenant only itself, and the vendor every tenant. Bodies are checked against
the schema's declared fields (wrong types and unknown enum values answer 400);
fields a schema does not declare, and read-only ones (ids, timestamps, owners), are
ignored. Unknown ids, malformed ones included, answer 404.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import secrets
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from xml.etree import ElementTree

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from .._references import ref_id
from .app import (
    MAX_PAGE_SIZE,
    ApiError,
    Handler,
    json_body,
    not_found,
    paged,
    principal,
    route,
)
from .state import Principal, SandboxState

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

#: How long an ingestion started by ``POST /tenant/schedules/{id}/run`` stays pending
#: (seconds); ``SandboxConfig(extra={"ingestion_seconds": ...})`` overrides it.
INGESTION_SECONDS = 1.0
PENDING_INGESTION_STATES = ("preparing", "scheduled", "executing")

# Enums of the contract (the sandbox, being the service, accepts only these).
RELEASE_STATES = ("unspecified", "development", "beta", "released", "deprecated")
ROLLOVER_TYPES = ("new_year",)
ROLLOVER_STATUSES = ("upcoming",)
AUTH_STATES_SETTABLE = ("confirmed", "error")
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


# -- small helpers ------------------------------------------------------------------------
def _now() -> str:
    return (
        dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def _new_id() -> str:
    return str(uuid.uuid4())


def _state(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox
    return state


def _col(state: SandboxState, name: str) -> dict[str, dict[str, Any]]:
    return state.interop.setdefault(name, {})


def _public(obj: dict[str, Any]) -> dict[str, Any]:
    """The object as the API sends it: without the sandbox's ``_`` bookkeeping keys."""
    return {key: value for key, value in obj.items() if not key.startswith("_")}


def _one(obj: dict[str, Any]) -> JSONResponse:
    return JSONResponse({"data": _public(obj)})


def _no_content() -> Response:
    return Response(status_code=204)


def _conflict(message: str) -> ApiError:
    return ApiError(409, "conflict", message)


def _bad(message: str) -> ApiError:
    return ApiError(400, "bad_request", message)


def _page(request: Request, items: Iterable[dict[str, Any]]) -> JSONResponse:
    """``paged()`` over public objects; without ``page_size`` a page holds the maximum (2000)."""
    if "page_size" not in request.query_params:
        query = request.url.include_query_params(page_size=MAX_PAGE_SIZE).query
        request = Request({**request.scope, "query_string": query.encode()}, request.receive)
    return paged(request, [_public(item) for item in items])


def _uuid_or_none(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def _path_id(request: Request, kind: str) -> str:
    """The ``{id}`` of the path as a canonical UUID; a malformed one is simply not found."""
    value = request.path_params["id"]
    found = _uuid_or_none(value)
    if found is None:
        raise not_found(kind, value)
    return found


def _find(collection: dict[str, dict[str, Any]], object_id: str, kind: str) -> dict[str, Any]:
    found = collection.get(object_id)
    if found is None:
        raise not_found(kind, object_id)
    return found


def _parse_datetime(value: object) -> dt.datetime | None:
    """An RFC 3339 date-time with an offset, or None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _bool_param(request: Request, name: str, default: bool | None) -> bool | None:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise _bad(f"{name} must be true or false, got {raw!r}")


async def _object_body(request: Request, what: str) -> dict[str, Any]:
    body = await json_body(request)
    if not isinstance(body, dict):
        raise _bad(f"The body must be a JSON object ({what})")
    return body


# -- body checking: the declared fields of a schema ------------------------------------------
class Check:
    """One declared field: what it must be, and how to tell."""

    def __init__(self, description: str, accepts: Callable[[Any], bool]) -> None:
        self.description, self.accepts = description, accepts


def _is_int(value: object) -> bool:
    # JSON Schema's integer: any number with a zero fractional part, so 1.0 is one too.
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, int) and not isinstance(value, bool)


def _one_of(values: Sequence[str]) -> Check:
    return Check(f"one of {', '.join(values)}", lambda value: value in values)


STR = Check("a string", lambda value: isinstance(value, str))
INT = Check("an integer", _is_int)
BOOL = Check("true or false", lambda value: isinstance(value, bool))
UUID = Check("a UUID", lambda value: _uuid_or_none(value) is not None)
DATETIME = Check("an RFC 3339 date-time", lambda value: _parse_datetime(value) is not None)
STRING_MAP = Check(
    "an object of strings",
    lambda value: isinstance(value, dict) and all(isinstance(v, str) for v in value.values()),
)
OBJECT_OR_NULL = Check("an object or null", lambda value: value is None or isinstance(value, dict))
HOUR = Check("an integer from 0 to 23 (UTC)", lambda value: _is_int(value) and 0 <= value <= 23)

CLOUD = {"name": STR, "userdata": STR, "generation": INT}
INTEGRATION = {"name": STR, "title": STR, "version": STR}
INTEGRATION_VERSION = {"version": STR, "title": STR, "release_state": _one_of(RELEASE_STATES)}
SCOPING_SCHOOL = {
    "school_id": UUID,
    "school_ref_id": STR,
    "name": STR,
    "local_id": STR,
    "keywords": STR,
    "selected": BOOL,
}
SCOPING_COURSE = {
    "course_id": UUID,
    "course_ref_id": STR,
    "school_id": UUID,
    "school_ref_id": STR,
    "name": STR,
    "local_id": STR,
    "keywords": STR,
    "selected": BOOL,
}
ROLLOVER_REQUEST = {
    "name": STR,
    "type": _one_of(ROLLOVER_TYPES),
    "status": _one_of(ROLLOVER_STATUSES),
    "start_date": DATETIME,
    "end_date": DATETIME,
    "cloud_id": UUID,
    "actor_id": UUID,
    "metadata": OBJECT_OR_NULL,
}
TENANT_APPLICATION_UPDATE = {
    "auth_message": STR,
    "auth_props_pending": STRING_MAP,
    "auth_state_pending": _one_of(AUTH_STATES_SETTABLE),
}
SCHEDULE_CREATE = {"hour": HOUR}
SCHEDULE_UPDATE = {"enabled": BOOL}


def _fields(
    body: dict[str, Any], checks: dict[str, Check], what: str, required: Sequence[str] = ()
) -> dict[str, Any]:
    """The declared fields present in ``body``, checked (UUIDs made canonical); else 400."""
    for name in required:
        if body.get(name) is None:
            raise _bad(f"{what}.{name} is required")
    found: dict[str, Any] = {}
    for name, check in checks.items():
        if name not in body:
            continue
        value = body[name]
        if not check.accepts(value):
            raise _bad(f"{what}.{name} must be {check.description}, got {value!r}")
        if check is UUID:
            value = _uuid_or_none(value)
        elif check in (INT, HOUR):
            value = int(value)  # stored and answered as 1, not 1.0
        found[name] = value
    return found


# -- tenants ----------------------------------------------------------------------------------
def _tenant(state: SandboxState, who: Principal) -> dict[str, Any]:
    """The tenant a ``/tenant/...`` request acts for: the caller's, or (vendor) the first."""
    if who.tenant_id is not None:
        return state.tenants[who.tenant_id]
    if not state.tenants:
        raise ApiError(404, "not_found", "The sandbox has no tenant")
    return next(iter(state.tenants.values()))


def _account_id(tenant: dict[str, Any]) -> str | None:
    account = tenant.get("account")
    return str(account["id"]) if isinstance(account, dict) and account.get("id") else None


def _owned(tenant: dict[str, Any], obj: dict[str, Any]) -> dict[str, Any]:
    """``obj`` with the owner fields of a BaseTenantResourceType."""
    account = _account_id(tenant)
    return {**({"account_id": account} if account else {}), "tenant_id": tenant["id"], **obj}


def _tenant_view(state: SandboxState, tenant: dict[str, Any]) -> dict[str, Any]:
    """A TenantInfo, its cloud and Integration references as they are now."""
    view = copy.deepcopy(tenant)
    ref = view.get("integration")
    if isinstance(ref, dict):
        integration = _col(state, INTEGRATIONS).get(str(ref.get("id")))
        if integration is not None:
            view["integration"] = {
                key: integration[key] for key in ("id", "name", "version") if key in integration
            }
    ref = view.get("cloud")
    if isinstance(ref, dict):
        cloud = _col(state, CLOUDS).get(str(ref.get("id")))
        if cloud is not None:
            view["cloud"] = {
                key: cloud[key] for key in ("id", "name", "generation") if key in cloud
            }
    return view


def _of_tenant(
    state: SandboxState, collection: str, tenant: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in _col(state, collection).items() if v.get("tenant_id") == tenant["id"]}


# -- rollovers, ingestions: time-dependent rules -------------------------------------------------
def _window(rollover: dict[str, Any]) -> tuple[dt.datetime, dt.datetime] | None:
    start = _parse_datetime(rollover.get("start_date"))
    end = _parse_datetime(rollover.get("end_date"))
    return (start, end) if start is not None and end is not None else None


def _active(rollover: dict[str, Any]) -> bool:
    """A rollover is active (the tenant is in rollover mode) between its start and end dates."""
    window = _window(rollover)
    now = dt.datetime.now(dt.timezone.utc)
    return window is not None and window[0] <= now < window[1]


def _overlapping(
    rollover: dict[str, Any], others: Iterable[dict[str, Any]]
) -> dict[str, Any] | None:
    mine = _window(rollover)
    if mine is None:
        return None
    for other in others:
        theirs = _window(other)
        if other["id"] != rollover["id"] and theirs and mine[0] < theirs[1] and theirs[0] < mine[1]:
            return other
    return None


def _settle_ingestions(state: SandboxState) -> None:
    """Ingestions started by a schedule run succeed once their time is up."""
    now = state.clock()
    with state.lock:
        for ingestion in _col(state, INGESTIONS).values():
            done_at = ingestion.get("_done_at")
            if isinstance(done_at, float) and now >= done_at:
                del ingestion["_done_at"]
                ingestion.update(state="success", has_pending_task=False, updated_at=_now())


def _ingestion_seconds(state: SandboxState) -> float:
    value = state.config.extra.get("ingestion_seconds", INGESTION_SECONDS)
    return float(value) if isinstance(value, (int, float)) else INGESTION_SECONDS


# -- blueprints ---------------------------------------------------------------------------------
def _blueprint(raw: bytes, content_type: str) -> tuple[str, dict[str, str]]:
    """The blueprint's text and what it says: ``version``, ``title``, ``release_state``.

    Each is read from the root element's attribute of that name, or its child element.
    """
    media = content_type.split(";", 1)[0].strip().lower()
    if not media.endswith("xml"):
        raise _bad(f"An Integration Blueprint is sent as application/xml, not {media or 'nothing'}")
    if not raw.strip():
        raise _bad("The Integration Blueprint (an XML document) is required")
    try:
        root = ElementTree.fromstring(raw)
        text = raw.decode("utf-8")
    except (ElementTree.ParseError, UnicodeDecodeError) as exc:
        raise _bad(f"The Integration Blueprint is not well-formed XML: {exc}") from None
    said: dict[str, str] = {}
    for name in ("version", "title", "release_state"):
        value = root.get(name) or root.findtext(name)
        if value and value.strip():
            said[name] = value.strip()
    state = said.get("release_state")
    if state is not None and state not in RELEASE_STATES:
        raise _bad(f"release_state must be one of {', '.join(RELEASE_STATES)}, got {state!r}")
    return text, said


# -- seeding --------------------------------------------------------------------------------------
def seed_interop(state: SandboxState) -> None:
    """Fill ``state.interop`` from the seeded roster and tenants (same seed, same objects).

    One Interop Cloud and one Integration (with version 1.0 and its blueprint), the
    tenants' shared references; an integration actor per tenant (with its
    credentials) and a connector; and for each tenant its state, its application,
    two Scoping Schools and two Scoping Courses of the roster, a rollover, a
    collection schedule and three finished ingestions.
    """
    config = state.config
    rng = random.Random(config.seed + 4)

    def new_id() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    year = config.school_year
    stamp = f"{year - 1}-07-01T08:00:00Z"
    stamps = {"created_at": stamp, "updated_at": stamp}
    tenants = list(state.tenants.values())
    first = tenants[0] if tenants else {}
    account = _account_id(first) if first else None
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
    blueprint = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<integration name="{integration["name"]}"'
        ' version="1.0" release_state="released">\n  <title>Sandbox Driver 1.0</title>\n'
        "</integration>\n"
    )
    version = {
        "id": new_id(),
        **stamps,
        **owner,
        "version": "1.0",
        "title": "Sandbox Driver 1.0",
        "release_state": "released",
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
            "type": "integration",
            "auth": {**tenant["auth"], "updated_at": stamp},
            "_cloud_id": cloud["id"],
        }
    connector_id = new_id()
    actors[connector_id] = {
        "id": connector_id,
        **stamps,
        **owner,
        "name": "Sandbox SIS",
        "type": "connector",
        "connector_type": "oneroster",
        "_cloud_id": cloud["id"],
    }
    roster = state.roster
    schools = [o for o in roster.orgs.values() if o["$sys"]["org_type"] == "school"][:2]
    courses = list(roster.courses.values())[:2]

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
    for tenant in tenants:
        tid = tenant["id"]
        interop[TENANT_STATE][tid] = {
            "rollover_mode_enabled": False,
            "synchronization_suspended": False,
            "setup_mode_enabled": False,
            "mass_change_pending": False,
        }
        interop[TENANT_APPLICATION][tid] = _owned(
            tenant,
            {
                "deliver_tasks": True,
                "validate_tasks": True,
                "auth_type": "unspecified",
                "auth_state": "unspecified",
                "options": {"sync_grades": "true"},
                "auth_props": {},
                "auth_session_id_pending": new_id(),
                "auth_message": "Waiting for the driver to confirm the credentials",
                "auth_props_pending": {},
                "auth_state_pending": "updating",
            },
        )
        for n, school in enumerate(schools):
            obj = _owned(
                tenant,
                {"id": new_id(), **stamps, **_school_defaults(school), "selected": n == 0},
            )
            interop[SCOPING_SCHOOLS][obj["id"]] = obj
        for course in courses:
            obj = _owned(
                tenant,
                {"id": new_id(), **stamps, **_course_defaults(roster.orgs, course, None)},
            )
            obj["selected"] = True
            interop[SCOPING_COURSES][obj["id"]] = obj
        rollover = _owned(
            tenant,
            {
                "id": new_id(),
                **stamps,
                "name": f"Rollover to {year}-{year + 1}",
                "type": "new_year",
                "start_date": f"{year}-06-20T00:00:00Z",
                "end_date": f"{year}-08-15T00:00:00Z",
                "metadata": None,
                "status": "upcoming",
                "status_change_failure_count": 0,
                "cloud_id": cloud["id"],
                "actor_id": tenant["actor_id"],
            },
        )
        interop[ROLLOVERS][rollover["id"]] = rollover
        schedule = _owned(
            tenant,
            {
                "id": new_id(),
                **stamps,
                "type": "collection",
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
            ("bulk_load", "success", f"{year - 1}-07-01T08:00:00Z", None),
            ("collection", "success", f"{year - 1}-08-01T02:00:00Z", schedule["id"]),
            ("event_bundle", "failed", f"{year - 1}-08-02T09:30:00Z", None),
        ]
        for kind, outcome, started, scheduled in loads:
            details = []
            if kind == "bulk_load":
                # Object types numbered as the sandbox numbers them: orgs, persons,
                # courses, sections, terms.
                for number, name in enumerate(("orgs", "persons", "courses", "sections", "terms")):
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
            obj = _owned(
                tenant,
                {
                    "id": new_id(),
                    "created_at": started,
                    "updated_at": started,
                    "type": kind,
                    "state": outcome,
                    "started_at": started,
                    "external_import_ids": [f"import-{rng.randrange(10**6):06d}"],
                    "has_pending_task": False,
                    "mass_change_details": details,
                    "metadata": {"scheduled": scheduled} if scheduled else None,
                },
            )
            interop[INGESTIONS][obj["id"]] = obj
    with state.lock:
        state.interop.update(interop)


def _school_defaults(school: dict[str, Any]) -> dict[str, Any]:
    return {
        "school_id": school["$sys"]["id"],
        "school_ref_id": school.get("local_id", ""),
        "name": school.get("name", school["$sys"]["label"]),
        "local_id": school.get("local_id", ""),
    }


def _course_defaults(
    orgs: dict[str, dict[str, Any]], course: dict[str, Any], school_id: str | None
) -> dict[str, Any]:
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


# -- the routes ---------------------------------------------------------------------------------
def routes(prefix: str) -> list[BaseRoute]:
    # Actors -------------------------------------------------------------------------------
    async def list_actors(request: Request) -> Response:
        principal(request)
        return _page(request, _col(_state(request), ACTORS).values())

    # Clouds -------------------------------------------------------------------------------
    async def list_clouds(request: Request) -> Response:
        principal(request)
        return _page(request, _col(_state(request), CLOUDS).values())

    async def search_clouds(request: Request) -> Response:
        principal(request)
        query = request.query_params
        generation: int | None = None
        if "generation" in query:
            try:
                generation = int(query["generation"])
            except ValueError:
                raise _bad("generation must be an integer") from None
        found = [
            cloud
            for cloud in _col(_state(request), CLOUDS).values()
            if (generation is None or cloud.get("generation") == generation)
            and ("userdata" not in query or cloud.get("userdata") == query["userdata"])
            and ("name" not in query or cloud.get("name") == query["name"])
        ]
        return _page(request, found)

    async def create_cloud(request: Request) -> Response:
        who = principal(request)
        state = _state(request)
        fields = _fields(await _object_body(request, "a Cloud"), CLOUD, "cloud")
        now = _now()
        account = _account_id(_tenant(state, who)) if state.tenants else None
        cloud = {
            "id": _new_id(),
            "created_at": now,
            "updated_at": now,
            **({"account_id": account} if account else {}),
            **fields,
        }
        with state.lock:
            _col(state, CLOUDS)[cloud["id"]] = cloud
        return _one(cloud)

    async def find_cloud(request: Request) -> Response:
        principal(request)
        return _one(_find(_col(_state(request), CLOUDS), _path_id(request, "Cloud"), "Cloud"))

    async def delete_cloud(request: Request) -> Response:
        principal(request)
        state = _state(request)
        cloud_id = _path_id(request, "Cloud")
        with state.lock:
            _find(_col(state, CLOUDS), cloud_id, "Cloud")
            del _col(state, CLOUDS)[cloud_id]
            actors = _col(state, ACTORS)
            for actor_id in [k for k, v in actors.items() if v.get("_cloud_id") == cloud_id]:
                del actors[actor_id]
        return _no_content()

    async def list_actors_by_cloud(request: Request) -> Response:
        principal(request)
        state = _state(request)
        with_credentials = _bool_param(request, "credentials", False)
        cloud_id = _path_id(request, "Cloud")
        _find(_col(state, CLOUDS), cloud_id, "Cloud")
        actors = [
            actor if with_credentials else {k: v for k, v in actor.items() if k != "auth"}
            for actor in _col(state, ACTORS).values()
            if actor.get("_cloud_id") == cloud_id
        ]
        return _page(request, actors)

    # Integrations -------------------------------------------------------------------------
    def _name_taken(state: SandboxState, name: str, but: str | None = None) -> bool:
        return any(
            i.get("name") == name and i["id"] != but for i in _col(state, INTEGRATIONS).values()
        )

    def _versions(state: SandboxState, integration_id: str) -> list[dict[str, Any]]:
        return [v for v in _col(state, VERSIONS).values() if v["_integration_id"] == integration_id]

    def _version_of(state: SandboxState, integration_id: str, version: str) -> dict[str, Any]:
        for found in _versions(state, integration_id):
            if found["version"] == version:
                return found
        raise ApiError(404, "not_found", f"Integration {integration_id} has no version {version!r}")

    def _integration(request: Request) -> tuple[SandboxState, dict[str, Any]]:
        state = _state(request)
        found = _find(_col(state, INTEGRATIONS), _path_id(request, "Integration"), "Integration")
        return state, found

    async def list_integrations(request: Request) -> Response:
        principal(request)
        name = request.query_params.get("name")
        found = [
            i
            for i in _col(_state(request), INTEGRATIONS).values()
            if name is None or i.get("name") == name
        ]
        return _page(request, found)

    async def create_integration(request: Request) -> Response:
        who = principal(request)
        state = _state(request)
        body = await _object_body(request, "an Integration")
        fields = _fields(body, INTEGRATION, "integration", required=("name",))
        now = _now()
        account = _account_id(_tenant(state, who)) if state.tenants else None
        integration = {
            "id": _new_id(),
            "created_at": now,
            "updated_at": now,
            **({"account_id": account} if account else {}),
            **fields,
        }
        with state.lock:
            if _name_taken(state, fields["name"]):
                raise _bad(f"An Integration named {fields['name']!r} exists already")
            _col(state, INTEGRATIONS)[integration["id"]] = integration
        return _one(integration)

    async def find_integration(request: Request) -> Response:
        principal(request)
        return _one(_integration(request)[1])

    async def update_integration(request: Request) -> Response:
        principal(request)
        state, integration = _integration(request)
        fields = _fields(await _object_body(request, "an Integration"), INTEGRATION, "integration")
        with state.lock:
            if "name" in fields and _name_taken(state, fields["name"], integration["id"]):
                raise _bad(f"An Integration named {fields['name']!r} exists already")
            integration.update(fields, updated_at=_now())
        return _no_content()

    async def delete_integration(request: Request) -> Response:
        principal(request)
        state, integration = _integration(request)
        with state.lock:
            _col(state, INTEGRATIONS).pop(integration["id"], None)
            for version in _versions(state, integration["id"]):
                _col(state, VERSIONS).pop(version["id"], None)
        return _no_content()

    async def list_integration_versions(request: Request) -> Response:
        principal(request)
        state, integration = _integration(request)
        return _page(request, _versions(state, integration["id"]))

    async def create_integration_version(request: Request) -> Response:
        principal(request)
        state, integration = _integration(request)
        text, said = _blueprint(await request.body(), request.headers.get("content-type", ""))
        name = said.get("version")
        if name is None:
            raise _bad(
                "The blueprint names no version: give the root element a version attribute "
                '(<integration version="1.1">) or a <version> child'
            )
        now = _now()
        version = {
            "id": _new_id(),
            "created_at": now,
            "updated_at": now,
            **({"account_id": integration["account_id"]} if "account_id" in integration else {}),
            "version": name,
            "title": said.get("title", f"{integration.get('title', integration['name'])} {name}"),
            "release_state": said.get("release_state", "development"),
            "_integration_id": integration["id"],
            "_blueprint": text,
        }
        with state.lock:
            if any(v["version"] == name for v in _versions(state, integration["id"])):
                raise _bad(f"Integration {integration['id']} has a version {name!r} already")
            _col(state, VERSIONS)[version["id"]] = version
        return _one(version)

    async def update_integration_version(request: Request) -> Response:
        principal(request)
        state, integration = _integration(request)
        name = request.path_params["version"]
        version = _version_of(state, integration["id"], name)
        body = await _object_body(request, "an IntegrationVersion")
        fields = _fields(body, INTEGRATION_VERSION, "integration_version")
        if fields.pop("version", name) != name:
            raise _bad("An Integration version's version string cannot change")
        with state.lock:
            version.update(fields, updated_at=_now())
        return _no_content()

    async def delete_integration_version(request: Request) -> Response:
        principal(request)
        state, integration = _integration(request)
        version = _version_of(state, integration["id"], request.path_params["version"])
        with state.lock:
            _col(state, VERSIONS).pop(version["id"], None)
        return _no_content()

    async def update_integration_blueprint(request: Request) -> Response:
        principal(request)
        state, integration = _integration(request)
        name = request.path_params["version"]
        version = _version_of(state, integration["id"], name)
        text, said = _blueprint(await request.body(), request.headers.get("content-type", ""))
        if said.get("version", name) != name:
            raise _bad(f"The blueprint is of version {said['version']!r}, not {name!r}")
        said.pop("version", None)
        with state.lock:
            version.update(said, _blueprint=text, updated_at=_now())
        return _one(version)

    # Tenants ------------------------------------------------------------------------------
    async def list_tenants(request: Request) -> Response:
        who = principal(request)
        state = _state(request)
        query = request.query_params
        accounts: set[str] | None = None
        if query.get("accounts"):
            accounts = set()
            for part in query["accounts"].split(","):
                account = _uuid_or_none(part.strip())
                if account is None:
                    raise _bad(f"accounts must be comma-separated account ids, got {part!r}")
                accounts.add(account)
        names = (
            {n.strip() for n in query["integrations"].split(",")}
            if query.get("integrations")
            else None
        )
        found = []
        for tenant_id in state.tenant_ids_for(who):
            view = _tenant_view(state, state.tenants[tenant_id])
            if accounts is not None and _account_id(view) not in accounts:
                continue
            integration = view.get("integration")
            name = integration.get("name") if isinstance(integration, dict) else None
            if names is not None and name not in names:
                continue
            found.append(view)
        return _page(request, found)

    async def find_tenant(request: Request) -> Response:
        who = principal(request)
        state = _state(request)
        tenant_id = _path_id(request, "tenant")
        if tenant_id not in state.tenant_ids_for(who, tenant_id):
            raise not_found("tenant", tenant_id)
        return _one(_tenant_view(state, state.tenants[tenant_id]))

    async def find_current_tenant(request: Request) -> Response:
        who = principal(request)
        state = _state(request)
        return _one(_tenant_view(state, _tenant(state, who)))

    # Tenant state and application ---------------------------------------------------------
    async def find_tenant_state(request: Request) -> Response:
        who = principal(request)
        state = _state(request)
        tenant = _tenant(state, who)
        flags = dict(_col(state, TENANT_STATE).setdefault(tenant["id"], {}))
        in_rollover = any(_active(r) for r in _of_tenant(state, ROLLOVERS, tenant).values())
        flags["rollover_mode_enabled"] = bool(flags.get("rollover_mode_enabled")) or in_rollover
        return _one(flags)

    def _application(state: SandboxState, tenant: dict[str, Any]) -> dict[str, Any]:
        return _col(state, TENANT_APPLICATION).setdefault(
            tenant["id"],
            _owned(
                tenant, {"deliver_tasks": True, "validate_tasks": True, "auth_type": "unspecified"}
            ),
        )

    async def find_tenant_application(request: Request) -> Response:
        who = principal(request)
        state = _state(request)
        return _one(_application(state, _tenant(state, who)))

    async def update_tenant_application(request: Request) -> Response:
        who = principal(request)
        state = _state(request)
        application = _application(state, _tenant(state, who))
        body = await _object_body(request, "a TenantApplicationUpdate")
        fields = _fields(body, TENANT_APPLICATION_UPDATE, "update")
        with state.lock:
            if application.get("auth_state_pending") != "updating":
                raise _conflict(
                    "The tenant application can be updated only while its pending auth state "
                    f"is 'updating'; it is {application.get('auth_state_pending', 'unspecified')!r}"
                )
            application.update(fields)
        return _no_content()

    # Scoping ------------------------------------------------------------------------------
    def _roster_school(state: SandboxState, school_id: str, what: str) -> dict[str, Any]:
        school = state.roster.orgs.get(school_id)
        if school is None or school["$sys"]["org_type"] != "school":
            raise _bad(f"{what}: no school with id {school_id} in the repository")
        return school

    def _roster_course(state: SandboxState, course_id: str, what: str) -> dict[str, Any]:
        course = state.roster.courses.get(course_id)
        if course is None:
            raise _bad(f"{what}: no course with id {course_id} in the repository")
        return course

    def _scoping_school(
        state: SandboxState, tenant: dict[str, Any], item: object, what: str
    ) -> dict[str, Any]:
        if not isinstance(item, dict):
            raise _bad(f"{what} must be a Scoping School object")
        fields = _fields(item, SCOPING_SCHOOL, what, required=("school_id",))
        school = _roster_school(state, fields["school_id"], f"{what}.school_id")
        return _owned(tenant, {**_school_defaults(school), "selected": True, **fields})

    def _scoping_course(
        state: SandboxState, tenant: dict[str, Any], item: object, what: str
    ) -> dict[str, Any]:
        if not isinstance(item, dict):
            raise _bad(f"{what} must be a Scoping Course object")
        fields = _fields(item, SCOPING_COURSE, what, required=("course_id",))
        course = _roster_course(state, fields["course_id"], f"{what}.course_id")
        school_id = fields.get("school_id")
        if school_id is not None and school_id not in {ref_id(r) for r in course.get("$orgs", [])}:
            raise _bad(f"{what}.school_id: the course is not offered by school {school_id}")
        defaults = _course_defaults(state.roster.orgs, course, school_id)
        return _owned(tenant, {**defaults, "selected": True, **fields})

    def scoping(
        kind: str,
        collection: str,
        key: str,
        build: Callable[[SandboxState, dict[str, Any], object, str], dict[str, Any]],
    ) -> dict[str, Handler]:
        """The six operations on Scoping Schools or Scoping Courses (``key``: school_id...)."""

        async def listing(request: Request) -> Response:
            who = principal(request)
            state = _state(request)
            return _page(request, _of_tenant(state, collection, _tenant(state, who)).values())

        async def create(request: Request) -> Response:
            who = principal(request)
            state = _state(request)
            tenant = _tenant(state, who)
            replace = _bool_param(request, "replace", True)
            body = await _object_body(request, f"{{'data': [{kind}, ...]}}")
            items = body.get("data")
            if not isinstance(items, list) or not items:
                raise _bad(f"data must be a non-empty list of {kind}s")
            now = _now()
            made = [
                {
                    "id": _new_id(),
                    "created_at": now,
                    "updated_at": now,
                    **build(state, tenant, item, f"data[{n}]"),
                }
                for n, item in enumerate(items)
            ]
            with state.lock:
                mine = _of_tenant(state, collection, tenant)
                taken = set() if replace else {obj[key] for obj in mine.values()}
                for n, obj in enumerate(made):
                    if obj[key] in taken:
                        raise _bad(f"data[{n}].{key}: {obj[key]} is scoped already")
                    taken.add(obj[key])
                objects = _col(state, collection)
                if replace:
                    for object_id in mine:
                        del objects[object_id]
                for obj in made:
                    objects[obj["id"]] = obj
            return _one(made[0])

        async def delete_all(request: Request) -> Response:
            who = principal(request)
            state = _state(request)
            with state.lock:
                objects = _col(state, collection)
                for object_id in _of_tenant(state, collection, _tenant(state, who)):
                    del objects[object_id]
            return _no_content()

        def _mine(request: Request) -> tuple[SandboxState, dict[str, Any], dict[str, Any]]:
            who = principal(request)
            state = _state(request)
            tenant = _tenant(state, who)
            found = _find(_of_tenant(state, collection, tenant), _path_id(request, kind), kind)
            return state, tenant, found

        async def find(request: Request) -> Response:
            return _one(_mine(request)[2])

        async def replace_one(request: Request) -> Response:
            state, tenant, existing = _mine(request)
            body = await _object_body(request, f"a {kind}")
            item = {key: existing[key], **body}
            fresh = build(state, tenant, item, kind.replace(" ", "_").lower())
            with state.lock:
                others = _of_tenant(state, collection, tenant)
                if any(o[key] == fresh[key] and o["id"] != existing["id"] for o in others.values()):
                    raise _bad(f"{key}: {fresh[key]} is scoped already by another {kind}")
                identity = {k: existing[k] for k in ("id", "created_at")}
                existing.clear()
                existing.update(identity, updated_at=_now(), **fresh)
            return _one(existing)

        async def delete_one(request: Request) -> Response:
            state, _, found = _mine(request)
            with state.lock:
                _col(state, collection).pop(found["id"], None)
            return _no_content()

        for name, endpoint in (
            ("list", listing),
            ("create", create),
            ("delete_all", delete_all),
            ("find", find),
            ("update", replace_one),
            ("delete", delete_one),
        ):
            endpoint.__name__ = f"{name}_{collection}"
        return {
            "list": listing,
            "create": create,
            "delete_all": delete_all,
            "find": find,
            "update": replace_one,
            "delete": delete_one,
        }

    schools = scoping("Scoping School", SCOPING_SCHOOLS, "school_id", _scoping_school)
    courses = scoping("Scoping Course", SCOPING_COURSES, "course_id", _scoping_course)

    # Rollovers ----------------------------------------------------------------------------
    def _sorted(items: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
        keys = [part.strip() for part in sort.split(",")]
        for key in reversed(keys):
            field = key.removeprefix("-")
            if field not in ROLLOVER_SORTABLE:
                raise _bad(
                    f"sort: cannot sort by {field!r}; sort by one of {', '.join(ROLLOVER_SORTABLE)}"
                )

            def value(obj: dict[str, Any], field: str = field) -> Any:
                raw = obj.get(field)
                if field.endswith(("_at", "_date")):
                    return _parse_datetime(raw) or dt.datetime.min.replace(tzinfo=dt.timezone.utc)
                return raw

            present = [o for o in items if o.get(field) is not None]
            present.sort(key=value, reverse=key.startswith("-"))
            items = present + [o for o in items if o.get(field) is None]
        return items

    def _rollover(
        state: SandboxState, tenant: dict[str, Any], body: dict[str, Any]
    ) -> dict[str, Any]:
        """The rollover ``body`` describes, defaults filled in; 400 if it is not one."""
        fields = _fields(body, ROLLOVER_REQUEST, "rollover")
        window = _window(fields)
        if window is not None and window[1] <= window[0]:
            raise _bad("rollover.end_date must be after rollover.start_date")
        if "cloud_id" in fields and fields["cloud_id"] not in _col(state, CLOUDS):
            raise _bad(f"rollover.cloud_id: no Interop Cloud with id {fields['cloud_id']}")
        if "actor_id" in fields and fields["actor_id"] not in _col(state, ACTORS):
            raise _bad(f"rollover.actor_id: no actor with id {fields['actor_id']}")
        cloud = tenant.get("cloud")
        start = fields.get("start_date")
        return _owned(
            tenant,
            {
                "name": f"Rollover {start[:10]}" if start else "Rollover",
                "type": "new_year",
                "metadata": None,
                "status": "upcoming",
                **({"cloud_id": cloud["id"]} if isinstance(cloud, dict) and "id" in cloud else {}),
                "actor_id": tenant["actor_id"],
                **fields,
            },
        )

    def _no_overlap(state: SandboxState, tenant: dict[str, Any], rollover: dict[str, Any]) -> None:
        other = _overlapping(rollover, _of_tenant(state, ROLLOVERS, tenant).values())
        if other is not None:
            raise _conflict(
                f"The rollover overlaps rollover {other['id']} "
                f"({other.get('start_date')} to {other.get('end_date')})"
            )

    async def list_rollovers(request: Request) -> Response:
        who = principal(request)
        state = _state(request)
        items = list(_of_tenant(state, ROLLOVERS, _tenant(state, who)).values())
        sort = request.query_params.get("sort")
        return _page(request, _sorted(items, sort) if sort else items)

    async def create_rollover(request: Request) -> Response:
        who = principal(request)
        state = _state(request)
        tenant = _tenant(state, who)
        body = await _object_body(request, "a RolloverRequest")
        now = _now()
        rollover = {
            "id": _new_id(),
            "created_at": now,
            "updated_at": now,
            **_rollover(state, tenant, body),
            "status_change_failure_count": 0,
        }
        with state.lock:
            _no_overlap(state, tenant, rollover)
            _col(state, ROLLOVERS)[rollover["id"]] = rollover
        return _one(rollover)

    async def count_rollovers(request: Request) -> Response:
        who = principal(request)
        state = _state(request)
        return JSONResponse(len(_of_tenant(state, ROLLOVERS, _tenant(state, who))))

    def _my_rollover(request: Request) -> tuple[SandboxState, dict[str, Any], dict[str, Any]]:
        who = principal(request)
        state = _state(request)
        tenant = _tenant(state, who)
        rollover_id = _path_id(request, "rollover")
        return state, tenant, _find(_of_tenant(state, ROLLOVERS, tenant), rollover_id, "rollover")

    async def find_rollover(request: Request) -> Response:
        return _one(_my_rollover(request)[2])

    async def update_rollover(request: Request) -> Response:
        state, tenant, existing = _my_rollover(request)
        body = await _object_body(request, "a RolloverRequest")
        kept = ("id", "created_at", "status_change_failure_count", "failure_reason")
        fresh = {
            **{k: existing[k] for k in kept if k in existing},
            "updated_at": _now(),
            **_rollover(state, tenant, body),
        }
        with state.lock:
            _no_overlap(state, tenant, fresh)
            existing.clear()
            existing.update(fresh)
        return _one(existing)

    async def delete_rollover(request: Request) -> Response:
        state, _, rollover = _my_rollover(request)
        with state.lock:
            if _active(rollover):
                raise _conflict(f"Rollover {rollover['id']} is active and cannot be deleted")
            _col(state, ROLLOVERS).pop(rollover["id"], None)
        return _no_content()

    # Schedules ----------------------------------------------------------------------------
    async def list_schedules(request: Request) -> Response:
        who = principal(request)
        state = _state(request)
        return _page(request, _of_tenant(state, SCHEDULES, _tenant(state, who)).values())

    async def create_schedule(request: Request) -> Response:
        who = principal(request)
        state = _state(request)
        tenant = _tenant(state, who)
        body = await _object_body(request, "a ScheduleCreate")
        hour = _fields(body, SCHEDULE_CREATE, "schedule", required=("hour",))["hour"]
        now = _now()
        schedule = _owned(
            tenant,
            {
                "id": _new_id(),
                "created_at": now,
                "updated_at": now,
                "type": "collection",
                "last_executed_at": None,
                "enabled": True,
                "hour": hour,
                "days": "daily",
                "metadata": None,
            },
        )
        with state.lock:
            for other in _of_tenant(state, SCHEDULES, tenant).values():
                if other.get("type") == "collection" and other.get("hour") == hour:
                    raise _conflict(
                        f"Collection schedule {other['id']} runs at {hour}:00 UTC already"
                    )
            _col(state, SCHEDULES)[schedule["id"]] = schedule
        return _one(schedule)

    async def count_schedules(request: Request) -> Response:
        who = principal(request)
        state = _state(request)
        return JSONResponse(len(_of_tenant(state, SCHEDULES, _tenant(state, who))))

    def _my_schedule(request: Request) -> tuple[SandboxState, dict[str, Any], dict[str, Any]]:
        who = principal(request)
        state = _state(request)
        tenant = _tenant(state, who)
        schedule_id = _path_id(request, "Schedule")
        return state, tenant, _find(_of_tenant(state, SCHEDULES, tenant), schedule_id, "Schedule")

    async def find_schedule(request: Request) -> Response:
        return _one(_my_schedule(request)[2])

    async def update_schedule(request: Request) -> Response:
        state, _, schedule = _my_schedule(request)
        body = await _object_body(request, "a ScheduleUpdate")
        fields = _fields(body, SCHEDULE_UPDATE, "update", required=("enabled",))
        with state.lock:
            schedule.update(fields, updated_at=_now())
        return _no_content()

    async def delete_schedule(request: Request) -> Response:
        state, _, schedule = _my_schedule(request)
        with state.lock:
            _col(state, SCHEDULES).pop(schedule["id"], None)
        return _no_content()

    async def run_schedule(request: Request) -> Response:
        state, tenant, schedule = _my_schedule(request)
        if (await request.body()).strip() and not isinstance(await json_body(request), dict):
            raise _bad("The body of a run request is an empty object")
        if schedule.get("type") != "collection":
            raise _bad(f"A {schedule.get('type')} schedule cannot be run on demand")
        _settle_ingestions(state)
        with state.lock:
            if not schedule.get("enabled"):
                raise _conflict(f"Schedule {schedule['id']} is paused; enable it to run it")
            for ingestion in _of_tenant(state, INGESTIONS, tenant).values():
                if ingestion.get("state") in PENDING_INGESTION_STATES:
                    raise _conflict(
                        f"Ingestion {ingestion['id']} is {ingestion['state']}; "
                        "wait for it to finish"
                    )
            now = _now()
            ingestion = _owned(
                tenant,
                {
                    "id": _new_id(),
                    "created_at": now,
                    "updated_at": now,
                    "type": "collection",
                    "state": "executing",
                    "started_at": now,
                    "external_import_ids": [],
                    "has_pending_task": False,
                    "mass_change_details": [],
                    "metadata": {"scheduled": schedule["id"]},
                    "session_token": secrets.token_urlsafe(16),
                    "_done_at": state.clock() + _ingestion_seconds(state),
                },
            )
            _col(state, INGESTIONS)[ingestion["id"]] = ingestion
            schedule.update(last_executed_at=now, updated_at=now)
        return _no_content()

    # Ingestions ---------------------------------------------------------------------------
    def _ingestions(request: Request) -> tuple[SandboxState, dict[str, dict[str, Any]]]:
        who = principal(request)
        state = _state(request)
        _settle_ingestions(state)
        visible = set(state.tenant_ids_for(who))
        found = {k: v for k, v in _col(state, INGESTIONS).items() if v.get("tenant_id") in visible}
        return state, found

    async def list_ingestions(request: Request) -> Response:
        return _page(request, _ingestions(request)[1].values())

    async def count_ingestions(request: Request) -> Response:
        return JSONResponse(len(_ingestions(request)[1]))

    async def find_ingestion(request: Request) -> Response:
        _, found = _ingestions(request)
        return _one(_find(found, _path_id(request, "Ingestion"), "Ingestion"))

    # The table: literal paths before templated ones (/clouds/search before /clouds/{id}).
    p = prefix
    ints = f"{p}/integrations/{{id}}"
    versions = f"{ints}/versions/{{version}}"
    table: list[tuple[str, Handler, str]] = [
        (f"{p}/actors", list_actors, "GET"),
        (f"{p}/clouds", list_clouds, "GET"),
        (f"{p}/clouds", create_cloud, "POST"),
        (f"{p}/clouds/search", search_clouds, "GET"),
        (f"{p}/clouds/{{id}}", find_cloud, "GET"),
        (f"{p}/clouds/{{id}}", delete_cloud, "DELETE"),
        (f"{p}/clouds/{{id}}/actors", list_actors_by_cloud, "GET"),
        (f"{p}/integrations", list_integrations, "GET"),
        (f"{p}/integrations", create_integration, "POST"),
        (ints, find_integration, "GET"),
        (ints, update_integration, "PATCH"),
        (ints, delete_integration, "DELETE"),
        (f"{ints}/versions", list_integration_versions, "GET"),
        (f"{ints}/versions", create_integration_version, "POST"),
        (versions, update_integration_version, "PATCH"),
        (versions, delete_integration_version, "DELETE"),
        (f"{versions}/blueprint", update_integration_blueprint, "PUT"),
        (f"{p}/tenants", list_tenants, "GET"),
        (f"{p}/tenants/{{id}}", find_tenant, "GET"),
        (f"{p}/tenant", find_current_tenant, "GET"),
        (f"{p}/tenant/state", find_tenant_state, "GET"),
        (f"{p}/tenant/application", find_tenant_application, "GET"),
        (f"{p}/tenant/application", update_tenant_application, "PATCH"),
    ]
    for path, ops in (
        (f"{p}/tenant/scoping/schools", schools),
        (f"{p}/tenant/scoping/courses", courses),
    ):
        table += [
            (path, ops["list"], "GET"),
            (path, ops["create"], "POST"),
            (path, ops["delete_all"], "DELETE"),
            (f"{path}/{{id}}", ops["find"], "GET"),
            (f"{path}/{{id}}", ops["update"], "PUT"),
            (f"{path}/{{id}}", ops["delete"], "DELETE"),
        ]
    table += [
        (f"{p}/tenant/rollovers", list_rollovers, "GET"),
        (f"{p}/tenant/rollovers", create_rollover, "POST"),
        (f"{p}/tenant/rollovers/count", count_rollovers, "GET"),
        (f"{p}/tenant/rollovers/{{id}}", find_rollover, "GET"),
        (f"{p}/tenant/rollovers/{{id}}", update_rollover, "PUT"),
        (f"{p}/tenant/rollovers/{{id}}", delete_rollover, "DELETE"),
        (f"{p}/tenant/schedules", list_schedules, "GET"),
        (f"{p}/tenant/schedules", create_schedule, "POST"),
        (f"{p}/tenant/schedules/count", count_schedules, "GET"),
        (f"{p}/tenant/schedules/{{id}}", find_schedule, "GET"),
        (f"{p}/tenant/schedules/{{id}}", update_schedule, "PATCH"),
        (f"{p}/tenant/schedules/{{id}}", delete_schedule, "DELETE"),
        (f"{p}/tenant/schedules/{{id}}/run", run_schedule, "POST"),
        (f"{p}/ingestions", list_ingestions, "GET"),
        (f"{p}/ingestions/count", count_ingestions, "GET"),
        (f"{p}/ingestions/{{id}}", find_ingestion, "GET"),
    ]
    return [route(path, endpoint, [method]) for path, endpoint, method in table]
