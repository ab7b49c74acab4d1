"""The Interop Data API of the sandbox: rostering, grades, the task queue and the admin queue.

Rostering reads the seeded roster; the task routes hand out and acknowledge the
tasks of :class:`~.queue.TaskQueue`. A malformed id names no object (404), as the
find operations document no 400.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kimono_interop_data_api.models import OrgType, PersonType, TaskAckStatus

from .._constants import TASK_BATCH
from .._references import ref_id
from .api import (
    ApiError,
    Handler,
    json_body,
    not_found,
    page_params,
    paged,
    principal,
    sandbox_state,
)
from .state import Principal, SandboxState

ACK_STATUSES = tuple(status.value for status in TaskAckStatus)
LEA, SCHOOL = OrgType.LEA.value, OrgType.SCHOOL.value
STUDENT, TEACHER = PersonType.STUDENT.value, PersonType.TEACHER.value

#: What a list serves, or a find looks up, from the sandbox's state.
Items = Callable[[SandboxState], list[dict[str, Any]]]
Lookup = Callable[[SandboxState, str], dict[str, Any] | None]
OrgItems = Callable[[SandboxState, str], list[dict[str, Any]]]


def _id(request: Request) -> str:
    value = request.path_params["id"]
    try:
        return str(uuid.UUID(value))
    except ValueError:
        # The find operations document 404 only: a malformed id names no object.
        raise ApiError(404, "not_found", f"No object with id {value!r}") from None


def _persons(state: SandboxState, kind: str | None) -> list[dict[str, Any]]:
    persons = state.roster.persons.values()
    if kind is None:
        return list(persons)
    return [p for p in persons if p["$sys"]["person_type"] == kind]


def _orgs(state: SandboxState, kind: str | None) -> list[dict[str, Any]]:
    orgs = [o for o in state.roster.orgs.values() if kind is None or o["$sys"]["org_type"] == kind]
    return [_org_shape(state, o) for o in orgs] if state.config.orgs_without_sys else orgs


def _org_shape(state: SandboxState, org: dict[str, Any]) -> dict[str, Any]:
    """The org as served: with ``orgs_without_sys``, a top-level ``id`` and no ``$sys``."""
    if not state.config.orgs_without_sys:
        return org
    # The vendor's current Orgs response example: {"$ext", "id", "name"} and no $sys.
    body = {key: value for key, value in org.items() if key != "$sys"}
    return {"$ext": {}, "id": org["$sys"]["id"], **body}


def _member_of(org_id: str, refs: Iterable[dict[str, Any]]) -> bool:
    return any(ref_id(ref) == org_id for ref in refs)


# -- rostering ---------------------------------------------------------------------------
def listing(items: Items) -> Handler:
    """A list operation serving ``items`` of the state, paged."""

    async def endpoint(request: Request) -> Response:
        principal(request)
        state = sandbox_state(request)
        with state.lock:  # state.inject() may change the roster from another thread
            found = items(state)
        return paged(request, found)

    return endpoint


def finding(kind: str, lookup: Lookup, *, may_be_bare: bool = True) -> Handler:
    """A find operation: the object ``lookup`` gives for the path's id, else a 404 naming ``kind``.

    With ``bare_single_reads`` configured the object is sent bare, unless ``may_be_bare``
    is false: every vendor artifact shows these reads bare, findOrg enveloped (spec/: OrgRead).
    """

    async def endpoint(request: Request) -> Response:
        principal(request)
        object_id = _id(request)
        state = sandbox_state(request)
        with state.lock:
            found = lookup(state, object_id)
        if found is None:
            raise not_found(kind, object_id)
        bare = may_be_bare and state.config.bare_single_reads
        return JSONResponse(found if bare else {"data": found})

    return endpoint


def for_org(items: OrgItems) -> Handler:
    """A list of what belongs to the org the path's id names (404 for an unknown org)."""

    async def endpoint(request: Request) -> Response:
        principal(request)
        org_id = _id(request)
        state = sandbox_state(request)
        with state.lock:
            found = items(state, org_id) if org_id in state.roster.orgs else None
        if found is None:
            raise not_found("Org", org_id)
        return paged(request, found)

    return endpoint


def _org(state: SandboxState, object_id: str) -> dict[str, Any] | None:
    org = state.roster.orgs.get(object_id)
    return None if org is None else _org_shape(state, org)


def _lea(state: SandboxState, object_id: str) -> dict[str, Any] | None:
    org = state.roster.orgs.get(object_id)
    return None if org is None or org["$sys"]["org_type"] != LEA else _org_shape(state, org)


def persons_of(kind: str) -> OrgItems:
    """The persons of type ``kind`` who belong to a school."""

    def items(state: SandboxState, org_id: str) -> list[dict[str, Any]]:
        return [p for p in _persons(state, kind) if _member_of(org_id, p.get("$schools", []))]

    return items


def _courses_of(state: SandboxState, org_id: str) -> list[dict[str, Any]]:
    return [c for c in state.roster.courses.values() if _member_of(org_id, c.get("$orgs", []))]


def _sections_of(state: SandboxState, org_id: str) -> list[dict[str, Any]]:
    return [s for s in state.roster.sections.values() if ref_id(s.get("$org", {})) == org_id]


ROSTERING: dict[str, Handler] = {
    "listOrgs": listing(lambda s: _orgs(s, None)),
    "findOrg": finding("Org", _org, may_be_bare=False),
    "listStudentsForOrg": for_org(persons_of(STUDENT)),
    "listTeachersForOrg": for_org(persons_of(TEACHER)),
    "listCoursesForOrg": for_org(_courses_of),
    "listSectionsForOrg": for_org(_sections_of),
    "listTermsForOrg": for_org(lambda s, o: list(s.roster.terms.values())),
    "listLEAs": listing(lambda s: _orgs(s, LEA)),
    "findLEA": finding("LEA", _lea),
    "listSchools": listing(lambda s: _orgs(s, SCHOOL)),
    "listPersons": listing(lambda s: _persons(s, None)),
    "findPerson": finding("Person", lambda s, i: s.roster.persons.get(i)),
    "listStudents": listing(lambda s: _persons(s, STUDENT)),
    "listTeachers": listing(lambda s: _persons(s, TEACHER)),
    "listCourses": listing(lambda s: list(s.roster.courses.values())),
    "findCourse": finding("Course", lambda s, i: s.roster.courses.get(i)),
    "listSections": listing(lambda s: list(s.roster.sections.values())),
    "findSection": finding("Section", lambda s, i: s.roster.sections.get(i)),
    "listTerms": listing(lambda s: list(s.roster.terms.values())),
    "findTerm": finding("Term", lambda s, i: s.roster.terms.get(i)),
    "listGradingCategories": listing(lambda s: list(s.roster.grading_categories.values())),
}


# -- tasks -------------------------------------------------------------------------------
async def list_tasks(request: Request) -> Response:
    """``GET /tasks``: the next batch of the caller's tasks (or a tenant's, for the vendor)."""
    who = principal(request)
    state = sandbox_state(request)
    tenant = request.query_params.get("tenant_id")
    # page and page_size are checked like every list's (a malformed one is a 400, not a 500);
    # the queue hands out at most TASK_BATCH tasks whatever is asked, from its head.
    _, size = page_params(request)
    tasks = state.queue.next_batch(state.tenant_ids_for(who, tenant), min(size, TASK_BATCH))
    return JSONResponse({"data": tasks, "paging": {"next": None}})


def _ack(request: Request, who: Principal, acks: list[dict[str, Any]], *, admin: bool) -> Response:
    state = sandbox_state(request)
    for ack in acks:
        if ack.get("status") not in ACK_STATUSES:
            raise ApiError(400, "bad_request", f"Unknown ack status {ack.get('status')!r}")
    unknown = state.queue.ack(acks, tenant_ids=state.tenant_ids_for(who), admin=admin)
    if unknown:
        raise ApiError(404, "not_found", f"Unknown task id(s): {', '.join(map(str, unknown[:5]))}")
    return Response(status_code=200)


def acknowledging_many(*, admin: bool) -> Handler:
    """``PUT .../ack``: a list of TaskAcks, of the task queue or (``admin``) the admin queue."""

    async def endpoint(request: Request) -> Response:
        who = principal(request)
        body = await json_body(request)
        if not isinstance(body, list) or not all(
            isinstance(a, dict) and a.get("task_id") for a in body
        ):
            raise ApiError(
                400, "bad_request", "Send a list of TaskAcks, each with task_id and status"
            )
        return _ack(request, who, body, admin=admin)

    return endpoint


def acknowledging_one(*, admin: bool) -> Handler:
    """``PUT .../{id}/ack``: one TaskAck for the task the path names."""

    async def endpoint(request: Request) -> Response:
        who = principal(request)
        body = await json_body(request)
        if not isinstance(body, dict):
            raise ApiError(400, "bad_request", "Send one TaskAck")
        return _ack(request, who, [{**body, "task_id": _id(request)}], admin=admin)

    return endpoint


async def list_admin_tasks(request: Request) -> Response:
    """``GET /tasks/admin``."""
    principal(request)
    return paged(request, sandbox_state(request).queue.admin_tasks())


async def find_admin_task(request: Request) -> Response:
    """``GET /tasks/admin/{id}``."""
    principal(request)
    task_id = _id(request)
    task = sandbox_state(request).queue.admin_find(task_id)
    if task is None:
        raise not_found("admin Task", task_id)
    return JSONResponse({"data": task})


async def delete_admin_task(request: Request) -> Response:
    """``DELETE /tasks/admin/{id}``."""
    principal(request)
    task_id = _id(request)
    if not sandbox_state(request).queue.admin_delete(task_id):
        raise not_found("admin Task", task_id)
    return Response(status_code=204)


TASKS: dict[str, Handler] = {
    "listTasks": list_tasks,
    "acknowledgeTask": acknowledging_one(admin=False),
    "acknowledgeTasks": acknowledging_many(admin=False),
    "listAdminTasks": list_admin_tasks,
    "findAdminTask": find_admin_task,
    "deleteAdminTask": delete_admin_task,
    "acknowledgeAdminTask": acknowledging_one(admin=True),
    "acknowledgeAdminTasks": acknowledging_many(admin=True),
}

#: Every Data API handler, by operationId.
HANDLERS: dict[str, Handler] = {**ROSTERING, **TASKS}
