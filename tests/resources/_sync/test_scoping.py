# Written by scripts/unasync.py from tests/resources/_async/test_scoping.py: edit that file,
# then run `make generate`.
"""client.scoping: the tenant's Scoping Schools and Scoping Courses (/tenant/scoping)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from kimono_interop import (
    KimonoClient,
    NotFoundError,
    ResponseValidationError,
)
from kimono_interop_api.models import (
    ScopingCourse,
    ScopingCoursesBulkRequest,
    ScopingSchool,
    ScopingSchoolsBulkRequest,
)
from tests.support.mock_service import API, MockService, check, example, paged, sent_json

REF_ID = "123e4567-e89b-12d3-a456-426614174000"  # the id in every vendor example
SCOPING_ID = "5b0f7f0e-2f36-4a8e-9c7b-3d2e1f0a9b8c"

# Schools


def test_list_schools_walks_two_pages_with_page_size() -> None:
    """GET /tenant/scoping/schools page by page; each ScopingSchool parses."""
    first = example("ScopingSchoolsPage")
    first["data"][0]["name"] = "Lincoln High"
    first["paging"] = {"next": f"{API}/tenant/scoping/schools?page=1&page_size=1"}
    second = example("ScopingSchoolsPage")
    second["data"][0].update(name="Roosevelt Middle", selected=False)
    second["paging"] = {"next": None}
    service = MockService(paged(first, second))
    with service.client(KimonoClient) as client:
        schools = [school for school in client.scoping.schools.list(page_size=1)]

    assert [type(s) for s in schools] == [ScopingSchool, ScopingSchool]
    assert [(s.name, s.selected) for s in schools] == [
        ("Lincoln High", True),
        ("Roosevelt Middle", False),
    ]
    assert schools[0].school_id == uuid.UUID(REF_ID)
    assert schools[0].school_ref_id == "text"
    check(service.requests[0], "GET", "/tenant/scoping/schools", {"page": "0", "page_size": "1"})
    check(service.requests[1], "GET", "/tenant/scoping/schools", {"page": "1", "page_size": "1"})
    assert len(service.requests) == 2


def test_create_schools_replaces_by_default() -> None:
    """POST /tenant/scoping/schools?replace=true with the bulk request; the answer parses."""
    service = MockService(body=example("ScopingSchoolSingle"))
    request = ScopingSchoolsBulkRequest.from_dict(example("ScopingSchoolsPage"))
    with service.client(KimonoClient) as client:
        school = client.scoping.schools.create(request)

    check(service.only, "POST", "/tenant/scoping/schools", {"replace": "true"})
    assert service.only.headers["Content-Type"] == "application/json"
    assert sent_json(service.only) == example("ScopingSchoolsPage")
    assert isinstance(school, ScopingSchool)
    assert school.school_id == uuid.UUID(REF_ID)
    assert school.tenant_id == uuid.UUID(REF_ID)
    assert school.selected is True


def test_create_schools_from_dict_appending() -> None:
    """replace=False is sent as "false", with the dict as the body."""
    service = MockService(body=example("ScopingSchoolSingle"))
    body = {"data": [{"school_id": REF_ID, "selected": True}, {"school_ref_id": "S-2"}]}
    with service.client(KimonoClient) as client:
        school = client.scoping.schools.create(body, replace=False)

    check(service.only, "POST", "/tenant/scoping/schools", {"replace": "false"})
    assert sent_json(service.only) == body
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
    """A bulk request without data, with a bad id, or a bare list is refused unsent."""
    service = MockService(body=example("ScopingSchoolSingle"))
    with service.client(KimonoClient) as client:
        with pytest.raises(error, match=words):
            client.scoping.schools.create(bad)
    assert service.calls == []


@pytest.mark.parametrize(
    "school_id", [SCOPING_ID.upper(), uuid.UUID(SCOPING_ID)], ids=["str", "UUID"]
)
def test_get_school_normalises_the_id(school_id: str | uuid.UUID) -> None:
    """GET /tenant/scoping/schools/{id} with the id lower-cased; the school parses."""
    service = MockService(body=example("ScopingSchoolSingle"))
    with service.client(KimonoClient) as client:
        school = client.scoping.schools.get(school_id)
    check(service.only, "GET", f"/tenant/scoping/schools/{SCOPING_ID}", {})
    assert isinstance(school, ScopingSchool)
    assert school.school_id == uuid.UUID(REF_ID)
    assert (school.name, school.local_id, school.keywords) == ("text", "text", "text")


def test_get_school_with_a_body_off_contract_raises() -> None:
    """An answer without the school's envelope is a ResponseValidationError."""
    service = MockService(body={"school": {}})
    with service.client(KimonoClient) as client:
        with pytest.raises(ResponseValidationError):
            client.scoping.schools.get(SCOPING_ID)


def test_update_school_puts_the_model() -> None:
    """PUT /tenant/scoping/schools/{id} with the model's fields; the answer parses."""
    answer = example("ScopingSchoolSingle")
    answer["data"]["selected"] = False
    service = MockService(body=answer)
    school = ScopingSchool.from_dict(example("ScopingSchoolBody"))
    school.selected = False
    with service.client(KimonoClient) as client:
        updated = client.scoping.schools.update(SCOPING_ID, school)

    check(service.only, "PUT", f"/tenant/scoping/schools/{SCOPING_ID}", {})
    assert sent_json(service.only) == {**example("ScopingSchoolBody"), "selected": False}
    assert updated.selected is False


def test_update_school_from_dict() -> None:
    """A dict body is sent as it is."""
    service = MockService(body=example("ScopingSchoolSingle"))
    with service.client(KimonoClient) as client:
        updated = client.scoping.schools.update(SCOPING_ID, example("ScopingSchoolBody"))
    assert sent_json(service.only) == example("ScopingSchoolBody")
    assert isinstance(updated, ScopingSchool)


def test_update_school_rejects_a_bad_body_before_sending() -> None:
    """A dict that is not a valid ScopingSchool, or a str, is refused unsent."""
    service = MockService(body=example("ScopingSchoolSingle"))
    with service.client(KimonoClient) as client:
        schools = client.scoping.schools
        with pytest.raises(ValueError, match="school is not a valid ScopingSchool"):
            schools.update(SCOPING_ID, {"school_id": "nope"})
        with pytest.raises(TypeError, match="school must be a ScopingSchool or a dict"):
            schools.update(SCOPING_ID, "Lincoln High")  # type: ignore[arg-type]
    assert service.calls == []


# Courses


def test_list_courses_walks_two_pages() -> None:
    """GET /tenant/scoping/courses page by page; each ScopingCourse parses."""
    first = example("ScopingCoursesPage")
    first["data"][0]["name"] = "Algebra I"
    first["paging"] = {"next": f"{API}/tenant/scoping/courses?page=1&page_size=1"}
    second = example("ScopingCoursesPage")
    second["data"][0]["name"] = "Biology"
    second["paging"] = {"next": None}
    service = MockService(paged(first, second))
    with service.client(KimonoClient) as client:
        courses = [course for course in client.scoping.courses.list(page_size=1)]

    assert [c.name for c in courses] == ["Algebra I", "Biology"]
    assert all(isinstance(c, ScopingCourse) for c in courses)
    assert courses[0].course_id == uuid.UUID(REF_ID)
    check(service.requests[0], "GET", "/tenant/scoping/courses", {"page": "0", "page_size": "1"})
    check(service.requests[1], "GET", "/tenant/scoping/courses", {"page": "1", "page_size": "1"})


def test_list_courses_without_a_page_size() -> None:
    """Without a page size only the page is sent; the example's course parses."""
    page = example("ScopingCoursesPage")
    page["paging"] = {"next": None}
    service = MockService(body=page)
    with service.client(KimonoClient) as client:
        courses = [course for course in client.scoping.courses.list()]
    check(service.only, "GET", "/tenant/scoping/courses", {"page": "0"})
    assert len(courses) == 1
    assert courses[0].course_ref_id == "text"
    assert courses[0].school_id == uuid.UUID(REF_ID)


def test_create_courses_with_model_replaces_by_default() -> None:
    """POST /tenant/scoping/courses?replace=true with the bulk request; the answer parses."""
    service = MockService(body=example("ScopingCourseSingle"))
    request = ScopingCoursesBulkRequest.from_dict(example("ScopingCoursesPage"))
    with service.client(KimonoClient) as client:
        course = client.scoping.courses.create(request)
    check(service.only, "POST", "/tenant/scoping/courses", {"replace": "true"})
    assert sent_json(service.only) == example("ScopingCoursesPage")
    assert isinstance(course, ScopingCourse)
    assert course.course_id == uuid.UUID(REF_ID)


def test_create_courses_from_dict_appending() -> None:
    """replace=False is sent as "false", with the dict as the body."""
    service = MockService(body=example("ScopingCourseSingle"))
    body = {"data": [{"course_id": REF_ID, "selected": False}]}
    with service.client(KimonoClient) as client:
        course = client.scoping.courses.create(body, replace=False)
    check(service.only, "POST", "/tenant/scoping/courses", {"replace": "false"})
    assert sent_json(service.only) == body
    assert course.selected is True


def test_create_courses_rejects_a_bad_body_before_sending() -> None:
    """A dict that is not a bulk request, or None, is refused unsent."""
    service = MockService(body=example("ScopingCourseSingle"))
    with service.client(KimonoClient) as client:
        with pytest.raises(ValueError, match="request is not a valid ScopingCoursesBulkRequest"):
            client.scoping.courses.create({"courses": []})
        with pytest.raises(TypeError, match="request must be a ScopingCoursesBulkRequest"):
            client.scoping.courses.create(None)  # type: ignore[arg-type]
    assert service.calls == []


def test_get_course() -> None:
    """GET /tenant/scoping/courses/{id}; the course parses."""
    service = MockService(body=example("ScopingCourseSingle"))
    with service.client(KimonoClient) as client:
        course = client.scoping.courses.get(SCOPING_ID)
    check(service.only, "GET", f"/tenant/scoping/courses/{SCOPING_ID}", {})
    assert isinstance(course, ScopingCourse)
    assert (course.course_id, course.name, course.selected) == (uuid.UUID(REF_ID), "text", True)


def test_update_course_from_dict() -> None:
    """PUT /tenant/scoping/courses/{id} with the dict; the answer is the updated course."""
    answer = example("ScopingCourseSingle")
    answer["data"]["name"] = "Algebra II"
    service = MockService(body=answer)
    body = {**example("ScopingCourseBody"), "name": "Algebra II"}
    with service.client(KimonoClient) as client:
        course = client.scoping.courses.update(SCOPING_ID, body)
    check(service.only, "PUT", f"/tenant/scoping/courses/{SCOPING_ID}", {})
    assert sent_json(service.only) == body
    assert course.name == "Algebra II"


def test_update_course_with_model() -> None:
    """A ScopingCourse model is sent with only the fields it sets."""
    service = MockService(body=example("ScopingCourseSingle"))
    with service.client(KimonoClient) as client:
        client.scoping.courses.update(SCOPING_ID, ScopingCourse(selected=False))
    assert sent_json(service.only) == {"selected": False}


def test_update_course_rejects_a_bad_body_before_sending() -> None:
    """A dict that is not a valid ScopingCourse is refused unsent."""
    service = MockService(body=example("ScopingCourseSingle"))
    with service.client(KimonoClient) as client:
        with pytest.raises(ValueError, match="course is not a valid"):
            client.scoping.courses.update(SCOPING_ID, {"course_id": 42})
    assert service.calls == []


# Both: deleting, errors, ids


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda s: s.schools.delete_all(), "/schools"),
        (lambda s: s.schools.delete(SCOPING_ID), f"/schools/{SCOPING_ID}"),
        (lambda s: s.courses.delete_all(), "/courses"),
        (lambda s: s.courses.delete(SCOPING_ID), f"/courses/{SCOPING_ID}"),
    ],
    ids=["schools", "school", "courses", "course"],
)
def test_delete(call: Any, path: str) -> None:
    """DELETE of all schools or courses, or of one, without a body; the 204 gives None."""
    service = MockService(status=204)
    with service.client(KimonoClient) as client:
        assert call(client.scoping) is None
    check(service.only, "DELETE", f"/tenant/scoping{path}", {})
    assert service.only.content == b""


@pytest.mark.parametrize(
    ("call", "method", "path"),
    [
        (lambda s: s.schools.get(SCOPING_ID), "GET", "schools"),
        (lambda s: s.schools.update(SCOPING_ID, {"selected": True}), "PUT", "schools"),
        (lambda s: s.schools.delete(SCOPING_ID), "DELETE", "schools"),
        (lambda s: s.courses.get(SCOPING_ID), "GET", "courses"),
        (lambda s: s.courses.delete(SCOPING_ID), "DELETE", "courses"),
    ],
    ids=["get-school", "update-school", "delete-school", "get-course", "delete-course"],
)
def test_404_raises_not_found(call: Any, method: str, path: str) -> None:
    """A 404 from a call on one school or course is NotFoundError, after that one request."""
    service = MockService(status=404, body={"message": "not found"})
    with service.client(KimonoClient) as client:
        with pytest.raises(NotFoundError) as caught:
            call(client.scoping)
    assert caught.value.status_code == 404
    check(service.only, method, f"/tenant/scoping/{path}/{SCOPING_ID}", {})


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
@pytest.mark.parametrize("bad", ["", "42", "../schools", f"{SCOPING_ID}/x", "not-a-uuid"])
def test_malformed_id_raises_before_any_request(call: Any, name: str, bad: str) -> None:
    """An id that is not a UUID (or smuggles a path) raises ValueError naming it, unsent."""
    service = MockService(body=example("ScopingSchoolSingle"))
    with service.client(KimonoClient) as client:
        with pytest.raises(ValueError, match=name):
            call(client.scoping, bad)
    assert service.calls == []


def test_non_string_id_raises_type_error() -> None:
    """An id that is neither a str nor a UUID raises TypeError, unsent."""
    service = MockService(body=example("ScopingSchoolSingle"))
    with service.client(KimonoClient) as client:
        with pytest.raises(TypeError, match="school_id"):
            client.scoping.schools.get(12345)  # type: ignore[arg-type]
    assert service.calls == []
