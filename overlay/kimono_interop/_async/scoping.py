"""Scoping: the schools and courses the tenant sees (Interop API, ``/tenant/scoping``).

The tenant is the one the caller's credentials identify. Each Scoping School or
Scoping Course says whether one school or course of the repository is in the
tenant's scope (``selected``). They can be listed page by page, created in bulk
(replacing the tenant's existing ones, or appended to them), looked up, replaced
and deleted one by one, or all deleted at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kimono_interop_api.api.scoping import (
    create_scoping_courses,
    create_scoping_schools,
    delete_scoping_course,
    delete_scoping_courses,
    delete_scoping_school,
    delete_scoping_schools,
    find_scoping_course,
    find_scoping_school,
    list_scoping_courses,
    list_scoping_schools,
    update_scoping_course,
    update_scoping_school,
)
from kimono_interop_api.models import (
    ScopingCourse,
    ScopingCourseResponse,
    ScopingCoursesBulkRequest,
    ScopingSchool,
    ScopingSchoolResponse,
    ScopingSchoolsBulkRequest,
)

from .._base_client import NOT_GIVEN, Timeout
from .._pagination import AsyncPager
from .._validation import validate_id
from ._resource import AsyncResource, coerce


def _school(body: Any) -> ScopingSchool:
    return ScopingSchoolResponse.from_dict(body).data


def _course(body: Any) -> ScopingCourse:
    return ScopingCourseResponse.from_dict(body).data


class AsyncScoping(AsyncResource):
    """The tenant's Scoping Schools and Scoping Courses."""

    # Schools
    def list_schools(
        self, *, page_size: int | None = None, timeout: Timeout = NOT_GIVEN
    ) -> AsyncPager[ScopingSchool]:
        """Every Scoping School of the tenant: how its repository is scoped by school."""
        return self._list(
            self._interop,
            list_scoping_schools,
            ScopingSchool.from_dict,
            page_size=page_size,
            timeout=timeout,
        )

    async def create_schools(
        self,
        request: ScopingSchoolsBulkRequest | Mapping[str, Any],
        *,
        replace: bool | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> ScopingSchool:
        """Create Scoping Schools in bulk (``{"data": [school, ...]}``).

        Args:
            request: The Scoping Schools to create, as a
                :class:`ScopingSchoolsBulkRequest` or its dict.
            replace: ``True`` replaces every existing Scoping School of the tenant
                with these; ``False`` appends these to the existing ones. Not given
                (``None``), the service's default applies: replace.

        Returns:
            The one Scoping School the service answers with (the contract's 200
            answer is a single ``ScopingSchoolResponse``, not the list created).
        """
        body = coerce(ScopingSchoolsBulkRequest, request, "request")
        return await self._request(
            self._interop,
            create_scoping_schools,
            _school,
            timeout=timeout,
            body=body,
            replace=replace,
        )

    async def delete_schools(self, *, timeout: Timeout = NOT_GIVEN) -> None:
        """Delete every Scoping School of the tenant."""
        await self._no_content(self._interop, delete_scoping_schools, timeout=timeout)

    async def get_school(self, school_id: object, *, timeout: Timeout = NOT_GIVEN) -> ScopingSchool:
        """One Scoping School by its id (the Scoping School's ``id``, not its ``school_id``)."""
        school = validate_id(school_id, "school_id")
        return await self._request(
            self._interop, find_scoping_school, _school, school, timeout=timeout
        )

    async def update_school(
        self,
        school_id: object,
        school: ScopingSchool | Mapping[str, Any],
        *,
        timeout: Timeout = NOT_GIVEN,
    ) -> ScopingSchool:
        """Replace one Scoping School with ``school``; returns it as stored.

        NotFoundError if the tenant has no Scoping School with this id.
        """
        school_path = validate_id(school_id, "school_id")
        body = coerce(ScopingSchool, school, "school")
        return await self._request(
            self._interop,
            update_scoping_school,
            _school,
            school_path,
            timeout=timeout,
            body=body,
        )

    async def delete_school(self, school_id: object, *, timeout: Timeout = NOT_GIVEN) -> None:
        """Delete one Scoping School; NotFoundError if there is none with this id."""
        school = validate_id(school_id, "school_id")
        await self._no_content(self._interop, delete_scoping_school, school, timeout=timeout)

    # Courses
    def list_courses(
        self, *, page_size: int | None = None, timeout: Timeout = NOT_GIVEN
    ) -> AsyncPager[ScopingCourse]:
        """Every Scoping Course applied to the tenant's repository."""
        return self._list(
            self._interop,
            list_scoping_courses,
            ScopingCourse.from_dict,
            page_size=page_size,
            timeout=timeout,
        )

    async def create_courses(
        self,
        request: ScopingCoursesBulkRequest | Mapping[str, Any],
        *,
        replace: bool | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> ScopingCourse:
        """Create Scoping Courses in bulk (``{"data": [course, ...]}``).

        Args:
            request: The Scoping Courses to create, as a
                :class:`ScopingCoursesBulkRequest` or its dict.
            replace: ``True`` replaces every existing Scoping Course of the tenant
                with these; ``False`` appends these to the existing ones. Not given
                (``None``), the service's default applies: replace.

        Returns:
            The one Scoping Course the service answers with (the contract's 200
            answer is a single ``ScopingCourseResponse``, not the list created).
        """
        body = coerce(ScopingCoursesBulkRequest, request, "request")
        return await self._request(
            self._interop,
            create_scoping_courses,
            _course,
            timeout=timeout,
            body=body,
            replace=replace,
        )

    async def delete_courses(self, *, timeout: Timeout = NOT_GIVEN) -> None:
        """Delete every Scoping Course of the tenant."""
        await self._no_content(self._interop, delete_scoping_courses, timeout=timeout)

    async def get_course(self, course_id: object, *, timeout: Timeout = NOT_GIVEN) -> ScopingCourse:
        """One Scoping Course by its id (the Scoping Course's ``id``, not its ``course_id``)."""
        course = validate_id(course_id, "course_id")
        return await self._request(
            self._interop, find_scoping_course, _course, course, timeout=timeout
        )

    async def update_course(
        self,
        course_id: object,
        course: ScopingCourse | Mapping[str, Any],
        *,
        timeout: Timeout = NOT_GIVEN,
    ) -> ScopingCourse:
        """Replace one Scoping Course with ``course``; returns it as stored.

        NotFoundError if the tenant has no Scoping Course with this id.
        """
        course_path = validate_id(course_id, "course_id")
        body = coerce(ScopingCourse, course, "course")
        return await self._request(
            self._interop,
            update_scoping_course,
            _course,
            course_path,
            timeout=timeout,
            body=body,
        )

    async def delete_course(self, course_id: object, *, timeout: Timeout = NOT_GIVEN) -> None:
        """Delete one Scoping Course; NotFoundError if there is none with this id."""
        course = validate_id(course_id, "course_id")
        await self._no_content(self._interop, delete_scoping_course, course, timeout=timeout)
