"""The Interop Data API of the sandbox: rostering, grades, the task queue and the admin queue."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from .._references import ref_id
from .app import ApiError, json_body, not_found, page_params, paged, principal, route
from .state import SandboxState

TASK_BATCH = 100


def _state(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox
    return state


def _id(request: Request) -> str:
    value = request.path_params["id"]
    try:
        return str(uuid.UUID(value))
    except ValueError:
        # The find operations document 404 only: a malformed id names no object.
        raise ApiError(404, "not_found", f"No object with id {value!r}") from None


def _persons(state: SandboxState, kind: str | None) -> list[dict[str, Any]]:
    persons = state.roster.persons.values()
    return [p for p in persons if kind is None or p["$sys"]["person_type"] == kind]


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


def routes(prefix: str) -> list[BaseRoute]:
    def listing(name: str, items: Callable[[SandboxState], list[dict[str, Any]]]) -> Any:
        async def endpoint(request: Request) -> Response:
            principal(request)
            return paged(request, items(_state(request)))

        endpoint.__name__ = name
        return endpoint

    def finding(
        name: str,
        kind: str,
        lookup: Callable[[SandboxState, str], dict[str, Any] | None],
        *,
        may_be_bare: bool = True,
    ) -> Any:
        async def endpoint(request: Request) -> Response:
            principal(request)
            object_id = _id(request)
            state = _state(request)
            found = lookup(state, object_id)
            if found is None:
                raise not_found(kind, object_id)
            # Every vendor artifact shows these reads bare, findOrg enveloped (spec/: OrgRead).
            bare = may_be_bare and state.config.bare_single_reads
            return JSONResponse(found if bare else {"data": found})

        endpoint.__name__ = name
        return endpoint

    def for_org(name: str, items: Callable[[SandboxState, str], list[dict[str, Any]]]) -> Any:
        async def endpoint(request: Request) -> Response:
            principal(request)
            org_id = _id(request)
            state = _state(request)
            if org_id not in state.roster.orgs:
                raise not_found("Org", org_id)
            return paged(request, items(state, org_id))

        endpoint.__name__ = name
        return endpoint

    def org_by_type(kind: str) -> Callable[[SandboxState, str], dict[str, Any] | None]:
        def lookup(state: SandboxState, object_id: str) -> dict[str, Any] | None:
            org = state.roster.orgs.get(object_id)
            if org is None or org["$sys"]["org_type"] != kind:
                return None
            return _org_shape(state, org)

        return lookup

    def persons_of(kind: str) -> Callable[[SandboxState, str], list[dict[str, Any]]]:
        def items(state: SandboxState, org_id: str) -> list[dict[str, Any]]:
            return [p for p in _persons(state, kind) if _member_of(org_id, p.get("$schools", []))]

        return items

    r = f"{prefix}/rostering"
    rostering: list[BaseRoute] = [
        route(f"{r}/orgs", listing("listOrgs", lambda s: _orgs(s, None)), ["GET"]),
        route(
            f"{r}/orgs/{{id}}",
            finding(
                "findOrg",
                "Org",
                lambda s, i: _org_shape(s, s.roster.orgs[i]) if i in s.roster.orgs else None,
                may_be_bare=False,
            ),
            ["GET"],
        ),
        route(
            f"{r}/orgs/{{id}}/students",
            for_org("listStudentsForOrg", persons_of("student")),
            ["GET"],
        ),
        route(
            f"{r}/orgs/{{id}}/teachers",
            for_org("listTeachersForOrg", persons_of("teacher")),
            ["GET"],
        ),
        route(
            f"{r}/orgs/{{id}}/courses",
            for_org(
                "listCoursesForOrg",
                lambda s, o: [
                    c for c in s.roster.courses.values() if _member_of(o, c.get("$orgs", []))
                ],
            ),
            ["GET"],
        ),
        route(
            f"{r}/orgs/{{id}}/sections",
            for_org(
                "listSectionsForOrg",
                lambda s, o: [
                    x for x in s.roster.sections.values() if ref_id(x.get("$org", {})) == o
                ],
            ),
            ["GET"],
        ),
        route(
            f"{r}/orgs/{{id}}/terms",
            for_org("listTermsForOrg", lambda s, o: list(s.roster.terms.values())),
            ["GET"],
        ),
        route(f"{r}/leas", listing("listLEAs", lambda s: _orgs(s, "lea")), ["GET"]),
        route(f"{r}/leas/{{id}}", finding("findLEA", "LEA", org_by_type("lea")), ["GET"]),
        route(f"{r}/schools", listing("listSchools", lambda s: _orgs(s, "school")), ["GET"]),
        route(f"{r}/persons", listing("listPersons", lambda s: _persons(s, None)), ["GET"]),
        route(
            f"{r}/persons/{{id}}",
            finding("findPerson", "Person", lambda s, i: s.roster.persons.get(i)),
            ["GET"],
        ),
        route(f"{r}/students", listing("listStudents", lambda s: _persons(s, "student")), ["GET"]),
        route(f"{r}/teachers", listing("listTeachers", lambda s: _persons(s, "teacher")), ["GET"]),
        route(
            f"{r}/courses",
            listing("listCourses", lambda s: list(s.roster.courses.values())),
            ["GET"],
        ),
        route(
            f"{r}/courses/{{id}}",
            finding("findCourse", "Course", lambda s, i: s.roster.courses.get(i)),
            ["GET"],
        ),
        route(
            f"{r}/sections",
            listing("listSections", lambda s: list(s.roster.sections.values())),
            ["GET"],
        ),
        route(
            f"{r}/sections/{{id}}",
            finding("findSection", "Section", lambda s, i: s.roster.sections.get(i)),
            ["GET"],
        ),
        route(f"{r}/terms", listing("listTerms", lambda s: list(s.roster.terms.values())), ["GET"]),
        route(
            f"{r}/terms/{{id}}",
            finding("findTerm", "Term", lambda s, i: s.roster.terms.get(i)),
            ["GET"],
        ),
        route(
            f"{prefix}/grades/gradingCategories",
            listing("listGradingCategories", lambda s: list(s.roster.grading_categories.values())),
            ["GET"],
        ),
    ]

    async def list_tasks(request: Request) -> Response:
        who = principal(request)
        state = _state(request)
        tenant = request.query_params.get("tenant_id")
        # page and page_size are checked like every list's (a malformed one is a 400, not a 500);
        # the queue hands out at most TASK_BATCH tasks whatever is asked, from its head.
        _, size = page_params(request)
        tasks = state.queue.next_batch(state.tenant_ids_for(who, tenant), min(size, TASK_BATCH))
        return JSONResponse({"data": tasks, "paging": {"next": None}})

    async def acknowledge_tasks(request: Request) -> Response:
        who = principal(request)
        body = await json_body(request)
        if not isinstance(body, list) or not all(
            isinstance(a, dict) and a.get("task_id") for a in body
        ):
            raise ApiError(
                400, "bad_request", "Send a list of TaskAcks, each with task_id and status"
            )
        return _ack(request, who, body, admin=False)

    async def acknowledge_task(request: Request) -> Response:
        who = principal(request)
        body = await json_body(request)
        if not isinstance(body, dict):
            raise ApiError(400, "bad_request", "Send one TaskAck")
        return _ack(request, who, [{**body, "task_id": _id(request)}], admin=False)

    def _ack(request: Request, who: Any, acks: list[dict[str, Any]], *, admin: bool) -> Response:
        state = _state(request)
        for ack in acks:
            if ack.get("status") not in ("success", "error", "retry", "reauthenticate"):
                raise ApiError(400, "bad_request", f"Unknown ack status {ack.get('status')!r}")
        unknown = state.queue.ack(acks, tenant_ids=state.tenant_ids_for(who), admin=admin)
        if unknown:
            raise ApiError(
                404, "not_found", f"Unknown task id(s): {', '.join(map(str, unknown[:5]))}"
            )
        return Response(status_code=200)

    async def list_admin_tasks(request: Request) -> Response:
        principal(request)
        return paged(request, _state(request).queue.admin_tasks())

    async def find_admin_task(request: Request) -> Response:
        principal(request)
        task_id = _id(request)
        task = _state(request).queue.admin_find(task_id)
        if task is None:
            raise not_found("admin Task", task_id)
        return JSONResponse({"data": task})

    async def delete_admin_task(request: Request) -> Response:
        principal(request)
        task_id = _id(request)
        if not _state(request).queue.admin_delete(task_id):
            raise not_found("admin Task", task_id)
        return Response(status_code=204)

    async def acknowledge_admin_task(request: Request) -> Response:
        who = principal(request)
        body = await json_body(request)
        if not isinstance(body, dict):
            raise ApiError(400, "bad_request", "Send one TaskAck")
        return _ack(request, who, [{**body, "task_id": _id(request)}], admin=True)

    async def acknowledge_admin_tasks(request: Request) -> Response:
        who = principal(request)
        body = await json_body(request)
        if not isinstance(body, list) or not all(
            isinstance(a, dict) and a.get("task_id") for a in body
        ):
            raise ApiError(
                400, "bad_request", "Send a list of TaskAcks, each with task_id and status"
            )
        return _ack(request, who, body, admin=True)

    t = f"{prefix}/tasks"
    tasks: list[BaseRoute] = [
        route(t, list_tasks, ["GET"]),
        route(f"{t}/ack", acknowledge_tasks, ["PUT"]),
        route(f"{t}/admin", list_admin_tasks, ["GET"]),
        route(f"{t}/admin/ack", acknowledge_admin_tasks, ["PUT"]),
        route(f"{t}/admin/{{id}}", find_admin_task, ["GET"]),
        route(f"{t}/admin/{{id}}", delete_admin_task, ["DELETE"]),
        route(f"{t}/admin/{{id}}/ack", acknowledge_admin_task, ["PUT"]),
        route(f"{t}/{{id}}/ack", acknowledge_task, ["PUT"]),
    ]
    return rostering + tasks
