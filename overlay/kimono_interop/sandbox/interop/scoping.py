"""Scoping: the schools and courses of the roster a tenant's sync is limited to.

Scoping Schools and Scoping Courses behave alike (list, create many, delete all,
find, replace, delete one), so one :class:`Scoping` serves each; what differs is the
roster object a scoped entry names (``school_id`` or ``course_id``) and how its
fields default from that object. A roster object is scoped at most once per tenant.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from kimono_interop_data_api.models import OrgType

from ..._references import ref_id
from ..api import Handler
from ..state import SandboxState
from . import clock
from .answers import bad, no_content, one
from .checks import BOOL, STR, UUID, Check, fields
from .common import (
    bool_param,
    for_tenant,
    object_body,
    tenant_delete,
    tenant_find,
    tenant_list,
    tenant_object,
)
from .store import (
    SCOPING_COURSES,
    SCOPING_SCHOOLS,
    col,
    course_defaults,
    of_tenant,
    owned,
    school_defaults,
)

#: What a Scoping School and a Scoping Course both declare, after the ids of what they name.
_ENTRY = {"name": STR, "local_id": STR, "keywords": STR, "selected": BOOL}
SCOPING_SCHOOL = {"school_id": UUID, "school_ref_id": STR, **_ENTRY}
SCOPING_COURSE = {
    "course_id": UUID,
    "course_ref_id": STR,
    "school_id": UUID,
    "school_ref_id": STR,
    **_ENTRY,
}

#: Builds a scoped entry from a body item (``what`` names it in a 400): state, tenant, item.
Builder = Callable[[SandboxState, dict[str, Any], object, str], dict[str, Any]]


def _item(item: object, checks: dict[str, Check], what: str, kind: str, key: str) -> dict[str, Any]:
    """The declared fields of one body item describing a ``kind`` (its ``key`` required)."""
    if not isinstance(item, dict):
        raise bad(f"{what} must be a {kind} object")
    return fields(item, checks, what, required=(key,))


def scoping_school(
    state: SandboxState, tenant: dict[str, Any], item: object, what: str
) -> dict[str, Any]:
    """The Scoping School ``item`` describes, its fields defaulting from the roster's school."""
    checked = _item(item, SCOPING_SCHOOL, what, "Scoping School", "school_id")
    school = state.roster.orgs.get(checked["school_id"])
    if school is None or school["$sys"]["org_type"] != OrgType.SCHOOL.value:
        raise bad(f"{what}.school_id: no school with id {checked['school_id']} in the repository")
    return owned(tenant, {**school_defaults(school), "selected": True, **checked})


def scoping_course(
    state: SandboxState, tenant: dict[str, Any], item: object, what: str
) -> dict[str, Any]:
    """The Scoping Course ``item`` describes, its fields defaulting from the roster's course."""
    checked = _item(item, SCOPING_COURSE, what, "Scoping Course", "course_id")
    course = state.roster.courses.get(checked["course_id"])
    if course is None:
        raise bad(f"{what}.course_id: no course with id {checked['course_id']} in the repository")
    school_id = checked.get("school_id")
    if school_id is not None and school_id not in {ref_id(r) for r in course.get("$orgs", [])}:
        raise bad(f"{what}.school_id: the course is not offered by school {school_id}")
    defaults = course_defaults(state.roster.orgs, course, school_id)
    return owned(tenant, {**defaults, "selected": True, **checked})


class Scoping:
    """The six operations on one kind of scoped entry: Scoping Schools or Scoping Courses."""

    def __init__(self, kind: str, collection: str, key: str, build: Builder) -> None:
        #: ``kind`` names the entries in messages; ``key`` is the roster id they hold.
        self.kind, self.collection, self.key, self.build = kind, collection, key, build
        self.list_all = tenant_list(collection)
        self.find = tenant_find(collection, kind)
        self.delete = tenant_delete(collection, kind)

    async def create(self, request: Request) -> Response:
        """New entries, replacing the tenant's (unless ``replace=false``); answers the first."""
        state, tenant = for_tenant(request)
        replace = bool_param(request, "replace", True)
        kind, key = self.kind, self.key
        body = await object_body(request, f"{{'data': [{kind}, ...]}}")
        items = body.get("data")
        if not isinstance(items, list) or not items:
            raise bad(f"data must be a non-empty list of {kind}s")
        now = clock.now()
        made = [
            {
                "id": clock.new_id(),
                "created_at": now,
                "updated_at": now,
                **self.build(state, tenant, item, f"data[{n}]"),
            }
            for n, item in enumerate(items)
        ]
        with state.lock:
            mine = of_tenant(state, self.collection, tenant)
            taken = set() if replace else {obj[key] for obj in mine.values()}
            for n, obj in enumerate(made):
                if obj[key] in taken:
                    raise bad(f"data[{n}].{key}: {obj[key]} is scoped already")
                taken.add(obj[key])
            objects = col(state, self.collection)
            if replace:
                for object_id in mine:
                    del objects[object_id]
            for obj in made:
                objects[obj["id"]] = obj
        return one(made[0])

    async def delete_all(self, request: Request) -> Response:
        """Every entry of the acting tenant."""
        state, tenant = for_tenant(request)
        with state.lock:
            objects = col(state, self.collection)
            for object_id in of_tenant(state, self.collection, tenant):
                del objects[object_id]
        return no_content()

    async def update(self, request: Request) -> Response:
        """One entry replaced by the body; it keeps its id, creation time and roster object."""
        state, tenant, existing = tenant_object(request, self.collection, self.kind)
        kind, key = self.kind, self.key
        body = await object_body(request, f"a {kind}")
        item = {key: existing[key], **body}
        fresh = self.build(state, tenant, item, kind.replace(" ", "_").lower())
        with state.lock:
            others = of_tenant(state, self.collection, tenant)
            if any(o[key] == fresh[key] and o["id"] != existing["id"] for o in others.values()):
                raise bad(f"{key}: {fresh[key]} is scoped already by another {kind}")
            identity = {k: existing[k] for k in ("id", "created_at")}
            existing.clear()
            existing.update(identity, updated_at=clock.now(), **fresh)
        return one(existing)


SCHOOLS = Scoping("Scoping School", SCOPING_SCHOOLS, "school_id", scoping_school)
COURSES = Scoping("Scoping Course", SCOPING_COURSES, "course_id", scoping_course)

HANDLERS: dict[str, Handler] = {
    "listScopingSchools": SCHOOLS.list_all,
    "createScopingSchools": SCHOOLS.create,
    "deleteScopingSchools": SCHOOLS.delete_all,
    "findScopingSchool": SCHOOLS.find,
    "updateScopingSchool": SCHOOLS.update,
    "deleteScopingSchool": SCHOOLS.delete,
    "listScopingCourses": COURSES.list_all,
    "createScopingCourses": COURSES.create,
    "deleteScopingCourses": COURSES.delete_all,
    "findScopingCourse": COURSES.find,
    "updateScopingCourse": COURSES.update,
    "deleteScopingCourse": COURSES.delete,
}
