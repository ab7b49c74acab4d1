# Written by scripts/unasync.py from tests/resources/_async/test_scoping.py: edit that file,
# then run `make generate`.
"""client.scoping: the tenant's Scoping Schools and Scoping Courses (/tenant/scoping)."""

from __future__ import annotations

import uuid

import pytest

from kimono_interop import KimonoClient, ResponseValidationError
from kimono_interop_api.models import (
    ScopingCourse,
    ScopingCoursesBulkRequest,
    ScopingSchool,
    ScopingSchoolsBulkRequest,
)
from tests.support.mock_service import EXAMPLE_ID, MockService, example, sent_json

SCOPING_ID = "5b0f7f0e-2f36-4a8e-9c7b-3d2e1f0a9b8c"

# Schools


def test_list_schools_walks_two_pages_with_page_size() -> None:
    """GET /tenant/scoping/schools page by page; each ScopingSchool parses."""
    first, second = {"name": "Lincoln High"}, {"name": "Roosevelt Middle", "selected": False}
    service = MockService.two_pages("ScopingSchoolsPage", "/tenant/scoping/schools", first, second)
    with service.client(KimonoClient) as client:
        schools = [school for school in client.scoping.schools.list(page_size=1)]

    assert [type(s) for s in schools] == [ScopingSchool, ScopingSchool]
    assert [(s.name, s.selected) for s in schools] == [
        ("Lincoln High", True),
        ("Roosevelt Middle", False),
    ]
    assert schools[0].school_id == EXAMPLE_ID
    assert schools[0].school_ref_id == "text"
    service.check_pages("/tenant/scoping/schools", {"page_size": "1"})


def test_create_schools_replaces_by_default() -> None:
    """POST /tenant/scoping/schools?replace=true with the bulk request; the answer parses."""
    service = MockService(body=example("ScopingSchoolSingle"))
    request = ScopingSchoolsBulkRequest.from_dict(example("ScopingSchoolsPage"))
    with service.client(KimonoClient) as client:
        school = client.scoping.schools.create(request)

    service.check("POST", "/tenant/scoping/schools", {"replace": "true"})
    assert service.only.headers["Content-Type"] == "application/json"
    assert sent_json(service.only) == example("ScopingSchoolsPage")
    assert isinstance(school, ScopingSchool)
    assert school.school_id == EXAMPLE_ID
    assert school.tenant_id == EXAMPLE_ID
    assert school.selected is True


def test_create_schools_from_dict_appending() -> None:
    """replace=False is sent as "false", with the dict as the body."""
    service = MockService(body=example("ScopingSchoolSingle"))
    body = {"data": [{"school_id": EXAMPLE_ID, "selected": True}, {"school_ref_id": "S-2"}]}
    with service.client(KimonoClient) as client:
        school = client.scoping.schools.create(body, replace=False)

    service.check("POST", "/tenant/scoping/schools", {"replace": "false"})
    assert sent_json(service.only) == body
    assert school.name == "text"


@pytest.mark.parametrize(
    "school_id", [SCOPING_ID.upper(), uuid.UUID(SCOPING_ID)], ids=["str", "UUID"]
)
def test_get_school_normalises_the_id(school_id: str | uuid.UUID) -> None:
    """GET /tenant/scoping/schools/{id} with the id lower-cased; the school parses."""
    service = MockService(body=example("ScopingSchoolSingle"))
    with service.client(KimonoClient) as client:
        school = client.scoping.schools.get(school_id)
    service.check("GET", f"/tenant/scoping/schools/{SCOPING_ID}", {})
    assert isinstance(school, ScopingSchool)
    assert school.school_id == EXAMPLE_ID
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

    service.check("PUT", f"/tenant/scoping/schools/{SCOPING_ID}", {})
    assert sent_json(service.only) == {**example("ScopingSchoolBody"), "selected": False}
    assert updated.selected is False


def test_update_school_from_dict() -> None:
    """A dict body is sent as it is."""
    service = MockService(body=example("ScopingSchoolSingle"))
    with service.client(KimonoClient) as client:
        updated = client.scoping.schools.update(SCOPING_ID, example("ScopingSchoolBody"))
    assert sent_json(service.only) == example("ScopingSchoolBody")
    assert isinstance(updated, ScopingSchool)


# Courses


def test_list_courses_walks_two_pages() -> None:
    """GET /tenant/scoping/courses page by page; each ScopingCourse parses."""
    first, second = {"name": "Algebra I"}, {"name": "Biology"}
    service = MockService.two_pages("ScopingCoursesPage", "/tenant/scoping/courses", first, second)
    with service.client(KimonoClient) as client:
        courses = [course for course in client.scoping.courses.list(page_size=1)]

    assert [c.name for c in courses] == ["Algebra I", "Biology"]
    assert all(isinstance(c, ScopingCourse) for c in courses)
    assert courses[0].course_id == EXAMPLE_ID
    service.check_pages("/tenant/scoping/courses", {"page_size": "1"})


def test_list_courses_without_a_page_size() -> None:
    """Without a page size only the page is sent; the example's course parses."""
    service = MockService.one_page("ScopingCoursesPage")
    with service.client(KimonoClient) as client:
        courses = [course for course in client.scoping.courses.list()]
    service.check("GET", "/tenant/scoping/courses", {"page": "0"})
    assert len(courses) == 1
    assert courses[0].course_ref_id == "text"
    assert courses[0].school_id == EXAMPLE_ID


def test_create_courses_with_model_replaces_by_default() -> None:
    """POST /tenant/scoping/courses?replace=true with the bulk request; the answer parses."""
    service = MockService(body=example("ScopingCourseSingle"))
    request = ScopingCoursesBulkRequest.from_dict(example("ScopingCoursesPage"))
    with service.client(KimonoClient) as client:
        course = client.scoping.courses.create(request)
    service.check("POST", "/tenant/scoping/courses", {"replace": "true"})
    assert sent_json(service.only) == example("ScopingCoursesPage")
    assert isinstance(course, ScopingCourse)
    assert course.course_id == EXAMPLE_ID


def test_create_courses_from_dict_appending() -> None:
    """replace=False is sent as "false", with the dict as the body."""
    service = MockService(body=example("ScopingCourseSingle"))
    body = {"data": [{"course_id": EXAMPLE_ID, "selected": False}]}
    with service.client(KimonoClient) as client:
        course = client.scoping.courses.create(body, replace=False)
    service.check("POST", "/tenant/scoping/courses", {"replace": "false"})
    assert sent_json(service.only) == body
    assert course.selected is True


def test_get_course() -> None:
    """GET /tenant/scoping/courses/{id}; the course parses."""
    service = MockService(body=example("ScopingCourseSingle"))
    with service.client(KimonoClient) as client:
        course = client.scoping.courses.get(SCOPING_ID)
    service.check("GET", f"/tenant/scoping/courses/{SCOPING_ID}", {})
    assert isinstance(course, ScopingCourse)
    assert (course.course_id, course.name, course.selected) == (EXAMPLE_ID, "text", True)


def test_update_course_from_dict() -> None:
    """PUT /tenant/scoping/courses/{id} with the dict; the answer is the updated course."""
    answer = example("ScopingCourseSingle")
    answer["data"]["name"] = "Algebra II"
    service = MockService(body=answer)
    body = {**example("ScopingCourseBody"), "name": "Algebra II"}
    with service.client(KimonoClient) as client:
        course = client.scoping.courses.update(SCOPING_ID, body)
    service.check("PUT", f"/tenant/scoping/courses/{SCOPING_ID}", {})
    assert sent_json(service.only) == body
    assert course.name == "Algebra II"


def test_update_course_with_model() -> None:
    """A ScopingCourse model is sent with only the fields it sets."""
    service = MockService(body=example("ScopingCourseSingle"))
    with service.client(KimonoClient) as client:
        client.scoping.courses.update(SCOPING_ID, ScopingCourse(selected=False))
    assert sent_json(service.only) == {"selected": False}
