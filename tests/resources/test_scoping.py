"""client.scoping: the tenant's Scoping Schools and Scoping Courses (/tenant/scoping)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from kimono_interop import (
    NotFoundError,
    ResponseValidationError,
)
from kimono_interop_api.models import (
    ScopingCourse,
    ScopingCoursesBulkRequest,
    ScopingSchool,
    ScopingSchoolsBulkRequest,
)
from tests.support.mock_service import (
    ORIGIN,
    Server,
    async_client,
    check,
    example,
    sent_json,
    sync_client,
)

API = ORIGIN + "/v2/interop"
REF_ID = "123e4567-e89b-12d3-a456-426614174000"  # the id in every vendor example
SCOPING_ID = "5b0f7f0e-2f36-4a8e-9c7b-3d2e1f0a9b8c"
# Schools


def test_list_schools_walks_two_pages_with_page_size() -> None:
    first = example("ScopingSchoolsPage")
    first["data"][0]["name"] = "Lincoln High"
    first["paging"] = {"next": f"{API}/tenant/scoping/schools?page=1&page_size=1"}
    second = example("ScopingSchoolsPage")
    second["data"][0].update(name="Roosevelt Middle", selected=False)
    second["paging"] = {"next": None}

    def route(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=second if request.url.params["page"] == "1" else first)

    server = Server(route=route)
    with sync_client(server) as client:
        schools = list(client.scoping.schools.list(page_size=1))

    assert [type(s) for s in schools] == [ScopingSchool, ScopingSchool]
    assert [(s.name, s.selected) for s in schools] == [
        ("Lincoln High", True),
        ("Roosevelt Middle", False),
    ]
    assert schools[0].school_id == uuid.UUID(REF_ID)
    assert schools[0].school_ref_id == "text"
    check(server.requests[0], "GET", "/tenant/scoping/schools", {"page": "0", "page_size": "1"})
    check(server.requests[1], "GET", "/tenant/scoping/schools", {"page": "1", "page_size": "1"})
    assert len(server.requests) == 2


def test_create_schools_replaces_by_default() -> None:
    server = Server(body=example("ScopingSchoolSingle"))
    request = ScopingSchoolsBulkRequest.from_dict(example("ScopingSchoolsPage"))
    with sync_client(server) as client:
        school = client.scoping.schools.create(request)

    check(server.only, "POST", "/tenant/scoping/schools", {"replace": "true"})
    assert server.only.headers["Content-Type"] == "application/json"
    assert sent_json(server.only) == example("ScopingSchoolsPage")
    assert isinstance(school, ScopingSchool)
    assert school.school_id == uuid.UUID(REF_ID)
    assert school.tenant_id == uuid.UUID(REF_ID)
    assert school.selected is True


def test_create_schools_from_dict_appending() -> None:
    server = Server(body=example("ScopingSchoolSingle"))
    body = {"data": [{"school_id": REF_ID, "selected": True}, {"school_ref_id": "S-2"}]}
    with sync_client(server) as client:
        school = client.scoping.schools.create(body, replace=False)

    check(server.only, "POST", "/tenant/scoping/schools", {"replace": "false"})
    assert sent_json(server.only) == body
    assert school.name == "text"


@pytest.mark.parametrize(
    ("bad", "error", "words"),
    [
        ({}, ValueError, "request is not a valid ScopingSchoolsBulkRequest"),
        ({"data": [{"school_id": "not-a-uuid"}]}, ValueError, "ScopingSchoolsBulkRequest"),
        ([{"school_id": REF_ID}], TypeError, "request must be a ScopingSchoolsBulkRequest"),
    ],
)
def test_create_schools_rejects_a_bad_body_before_sending(
    bad: Any, error: type[Exception], words: str
) -> None:
    server = Server(body=example("ScopingSchoolSingle"))
    with sync_client(server) as client, pytest.raises(error, match=words):
        client.scoping.schools.create(bad)
    assert server.calls == []


def test_delete_schools() -> None:
    server = Server(204)
    with sync_client(server) as client:
        assert client.scoping.schools.delete_all() is None
    check(server.only, "DELETE", "/tenant/scoping/schools", {})
    assert server.only.content == b""


def test_get_school_normalises_the_id() -> None:
    server = Server(body=example("ScopingSchoolSingle"))
    with sync_client(server) as client:
        school = client.scoping.schools.get(SCOPING_ID.upper())
    check(server.only, "GET", f"/tenant/scoping/schools/{SCOPING_ID}", {})
    assert isinstance(school, ScopingSchool)
    assert (school.name, school.local_id, school.keywords) == ("text", "text", "text")


def test_get_school_async() -> None:
    server = Server(body=example("ScopingSchoolSingle"))

    async def main() -> ScopingSchool:
        async with async_client(server) as client:
            return await client.scoping.schools.get(uuid.UUID(SCOPING_ID))

    school = asyncio.run(main())
    check(server.only, "GET", f"/tenant/scoping/schools/{SCOPING_ID}", {})
    assert school.school_id == uuid.UUID(REF_ID)


def test_get_school_404_raises_not_found() -> None:
    server = Server(404, {"message": "ScopingSchool not found"})
    with sync_client(server) as client, pytest.raises(NotFoundError) as caught:
        client.scoping.schools.get(SCOPING_ID)
    assert caught.value.status_code == 404
    check(server.only, "GET", f"/tenant/scoping/schools/{SCOPING_ID}", {})


def test_get_school_with_a_body_off_contract_raises() -> None:
    server = Server(body={"school": {}})
    with sync_client(server) as client, pytest.raises(ResponseValidationError):
        client.scoping.schools.get(SCOPING_ID)


def test_update_school_puts_the_model() -> None:
    answer = example("ScopingSchoolSingle")
    answer["data"]["selected"] = False
    server = Server(body=answer)
    school = ScopingSchool.from_dict(example("ScopingSchoolBody"))
    school.selected = False
    with sync_client(server) as client:
        updated = client.scoping.schools.update(SCOPING_ID, school)

    check(server.only, "PUT", f"/tenant/scoping/schools/{SCOPING_ID}", {})
    assert sent_json(server.only) == {**example("ScopingSchoolBody"), "selected": False}
    assert updated.selected is False


def test_update_school_from_dict() -> None:
    server = Server(body=example("ScopingSchoolSingle"))
    with sync_client(server) as client:
        updated = client.scoping.schools.update(SCOPING_ID, example("ScopingSchoolBody"))
    assert sent_json(server.only) == example("ScopingSchoolBody")
    assert isinstance(updated, ScopingSchool)


def test_update_school_rejects_a_bad_body_before_sending() -> None:
    server = Server(body=example("ScopingSchoolSingle"))
    with sync_client(server) as client:
        with pytest.raises(ValueError, match="school is not a valid ScopingSchool"):
            client.scoping.schools.update(SCOPING_ID, {"school_id": "nope"})
        with pytest.raises(TypeError, match="school must be a ScopingSchool or a dict"):
            client.scoping.schools.update(SCOPING_ID, "Lincoln High")  # type: ignore[arg-type]
    assert server.calls == []


def test_update_school_404_raises_not_found() -> None:
    server = Server(404, {"message": "not found"})
    with sync_client(server) as client, pytest.raises(NotFoundError):
        client.scoping.schools.update(SCOPING_ID, {"selected": True})
    check(server.only, "PUT", f"/tenant/scoping/schools/{SCOPING_ID}", {})


def test_delete_school() -> None:
    server = Server(204)
    with sync_client(server) as client:
        assert client.scoping.schools.delete(SCOPING_ID) is None
    check(server.only, "DELETE", f"/tenant/scoping/schools/{SCOPING_ID}", {})


def test_delete_school_404_raises_not_found() -> None:
    server = Server(404, {"message": "not found"})
    with sync_client(server) as client, pytest.raises(NotFoundError):
        client.scoping.schools.delete(SCOPING_ID)


# Courses


def test_list_courses_walks_two_pages() -> None:
    first = example("ScopingCoursesPage")
    first["data"][0]["name"] = "Algebra I"
    first["paging"] = {"next": f"{API}/tenant/scoping/courses?page=1&page_size=1"}
    second = example("ScopingCoursesPage")
    second["data"][0]["name"] = "Biology"
    second["paging"] = {"next": None}

    def route(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=second if request.url.params["page"] == "1" else first)

    server = Server(route=route)
    with sync_client(server) as client:
        courses = list(client.scoping.courses.list(page_size=1))

    assert [c.name for c in courses] == ["Algebra I", "Biology"]
    assert all(isinstance(c, ScopingCourse) for c in courses)
    assert courses[0].course_id == uuid.UUID(REF_ID)
    check(server.requests[0], "GET", "/tenant/scoping/courses", {"page": "0", "page_size": "1"})
    check(server.requests[1], "GET", "/tenant/scoping/courses", {"page": "1", "page_size": "1"})


def test_list_courses_async() -> None:
    page = example("ScopingCoursesPage")
    page["paging"] = {"next": None}
    server = Server(body=page)

    async def main() -> list[ScopingCourse]:
        async with async_client(server) as client:
            return [course async for course in client.scoping.courses.list()]

    courses = asyncio.run(main())
    check(server.only, "GET", "/tenant/scoping/courses", {"page": "0"})
    assert len(courses) == 1
    assert courses[0].course_ref_id == "text"
    assert courses[0].school_id == uuid.UUID(REF_ID)


def test_create_courses_with_model_replaces_by_default() -> None:
    server = Server(body=example("ScopingCourseSingle"))
    request = ScopingCoursesBulkRequest.from_dict(example("ScopingCoursesPage"))
    with sync_client(server) as client:
        course = client.scoping.courses.create(request)
    check(server.only, "POST", "/tenant/scoping/courses", {"replace": "true"})
    assert sent_json(server.only) == example("ScopingCoursesPage")
    assert isinstance(course, ScopingCourse)
    assert course.course_id == uuid.UUID(REF_ID)


def test_create_courses_async_from_dict_appending() -> None:
    server = Server(body=example("ScopingCourseSingle"))
    body = {"data": [{"course_id": REF_ID, "selected": False}]}

    async def main() -> ScopingCourse:
        async with async_client(server) as client:
            return await client.scoping.courses.create(body, replace=False)

    course = asyncio.run(main())
    check(server.only, "POST", "/tenant/scoping/courses", {"replace": "false"})
    assert sent_json(server.only) == body
    assert course.selected is True


def test_create_courses_rejects_a_bad_body_before_sending() -> None:
    server = Server(body=example("ScopingCourseSingle"))
    with sync_client(server) as client:
        with pytest.raises(ValueError, match="request is not a valid ScopingCoursesBulkRequest"):
            client.scoping.courses.create({"courses": []})
        with pytest.raises(TypeError, match="request must be a ScopingCoursesBulkRequest"):
            client.scoping.courses.create(None)  # type: ignore[arg-type]
    assert server.calls == []


def test_delete_courses() -> None:
    server = Server(204)
    with sync_client(server) as client:
        assert client.scoping.courses.delete_all() is None
    check(server.only, "DELETE", "/tenant/scoping/courses", {})


def test_get_course() -> None:
    server = Server(body=example("ScopingCourseSingle"))
    with sync_client(server) as client:
        course = client.scoping.courses.get(SCOPING_ID)
    check(server.only, "GET", f"/tenant/scoping/courses/{SCOPING_ID}", {})
    assert isinstance(course, ScopingCourse)
    assert (course.course_id, course.name, course.selected) == (uuid.UUID(REF_ID), "text", True)


def test_get_course_404_raises_not_found() -> None:
    server = Server(404, {"message": "ScopingCourse not found"})
    with sync_client(server) as client, pytest.raises(NotFoundError):
        client.scoping.courses.get(SCOPING_ID)


def test_update_course_from_dict() -> None:
    answer = example("ScopingCourseSingle")
    answer["data"]["name"] = "Algebra II"
    server = Server(body=answer)
    body = {**example("ScopingCourseBody"), "name": "Algebra II"}
    with sync_client(server) as client:
        course = client.scoping.courses.update(SCOPING_ID, body)
    check(server.only, "PUT", f"/tenant/scoping/courses/{SCOPING_ID}", {})
    assert sent_json(server.only) == body
    assert course.name == "Algebra II"


def test_update_course_with_model() -> None:
    server = Server(body=example("ScopingCourseSingle"))
    with sync_client(server) as client:
        client.scoping.courses.update(SCOPING_ID, ScopingCourse(selected=False))
    assert sent_json(server.only) == {"selected": False}


def test_update_course_rejects_a_bad_body_before_sending() -> None:
    server = Server(body=example("ScopingCourseSingle"))
    with sync_client(server) as client, pytest.raises(ValueError, match="course is not a valid"):
        client.scoping.courses.update(SCOPING_ID, {"course_id": 42})
    assert server.calls == []


def test_delete_course() -> None:
    server = Server(204)
    with sync_client(server) as client:
        assert client.scoping.courses.delete(SCOPING_ID) is None
    check(server.only, "DELETE", f"/tenant/scoping/courses/{SCOPING_ID}", {})


def test_delete_course_404_raises_not_found() -> None:
    server = Server(404, {"message": "not found"})
    with sync_client(server) as client, pytest.raises(NotFoundError):
        client.scoping.courses.delete(SCOPING_ID)


# Ids


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda s, bad: s.schools.get(bad), "school_id"),
        (lambda s, bad: s.schools.update(bad, {"selected": True}), "school_id"),
        (lambda s, bad: s.schools.delete(bad), "school_id"),
        (lambda s, bad: s.courses.get(bad), "course_id"),
        (lambda s, bad: s.courses.update(bad, {"selected": True}), "course_id"),
        (lambda s, bad: s.courses.delete(bad), "course_id"),
    ],
)
@pytest.mark.parametrize("bad", ["", "42", "../schools", f"{SCOPING_ID}/x"])
def test_malformed_id_raises_before_any_request(
    call: Callable[[Any, str], Any], name: str, bad: str
) -> None:
    server = Server(body=example("ScopingSchoolSingle"))
    with sync_client(server) as client, pytest.raises(ValueError, match=name):
        call(client.scoping, bad)
    assert server.calls == []


def test_non_string_id_raises_type_error() -> None:
    server = Server(body=example("ScopingSchoolSingle"))
    with sync_client(server) as client, pytest.raises(TypeError, match="school_id"):
        client.scoping.schools.get(12345)
    assert server.calls == []


def test_malformed_id_raises_in_the_async_client_too() -> None:
    server = Server(204)

    async def main() -> None:
        async with async_client(server) as client:
            await client.scoping.courses.delete("not-a-uuid")

    with pytest.raises(ValueError, match="course_id"):
        asyncio.run(main())
    assert server.calls == []
