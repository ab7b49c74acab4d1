# Written by scripts/unasync.py from kimono_interop/_async/resources.py: edit that file,
# then run `make generate`.
"""The resources of the client: one class per resource, one method per operation.

Written by scripts/generate_resources.py from the `x-sdk` declarations of spec/: do not
edit; change the spec and run `make generate`.

Hand-written behaviour (the task queue, XML uploads, tenant filters) lives in the
behaviour classes named by the spec's ``x-sdk-resources``, which these inherit.
Each resource with calls of one object, a count or nothing has a raw twin
(``...WithRawResponse``, reached through ``client.with_raw_response``) whose calls
answer an APIResponse (``kimono_interop._response``).

One module of some 2,600 lines on purpose: the methods of 80 operations, each a
signature, a docstring from the spec and one call, read by the tools (mypy, IDEs)
and not by hand; splitting it per resource would add files, not clarity.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from kimono_interop_api import models as interop_models
from kimono_interop_data_api import models as data_models

if TYPE_CHECKING:
    from kimono_interop_api.models import (
        Actor,
        Cloud,
        Ingestion,
        Integration,
        IntegrationVersion,
        Rollover,
        RolloverRequest,
        Schedule,
        ScheduleCreate,
        ScheduleRunRequest,
        ScheduleUpdate,
        ScopingCourse,
        ScopingCoursesBulkRequest,
        ScopingSchool,
        ScopingSchoolsBulkRequest,
        TenantApplication,
        TenantApplicationUpdate,
        TenantInfo,
        TenantState,
    )
    from kimono_interop_data_api.models import (
        Course,
        GradingCategory,
        Org,
        Person,
        Section,
        Task,
        Term,
    )

from .._operations import OPERATIONS
from .._pagination import SyncPager
from .._parsing import bare_or_enveloped, enveloped
from .._response import raw_response
from .._types import NOT_GIVEN, Headers, Query, Timeout
from .._validation import (
    check_fields,
    coerce,
    validate_bool,
    validate_id,
    validate_int,
    validate_path_value,
    validate_str,
)
from ._resource import Resource
from .admin_tasks import AdminTasksBehaviour
from .integrations import IntegrationVersionsBehaviour
from .tasks import TasksBehaviour
from .tenants import TenantsBehaviour

if TYPE_CHECKING:
    from ._client import KimonoClient


class RosteringOrgsResource(Resource):
    """Orgs (LEAs and schools), and the persons, courses, sections and terms of each."""

    def list(
        self,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Org]:
        """List all Orgs.

        List every Org (LEAs and schools) of the tenant, one page at a time.

        ``GET /rostering/orgs`` (listOrgs).
        """
        return self._list(
            OPERATIONS["listOrgs"],
            data_models.Org.from_dict,
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def get(
        self,
        org_id: str | UUID,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Org:
        """Find an Org by $sys.id.

        Find one Org (LEA or school) by its `$sys.id`.

        Args:
            org_id: $sys.id of the object

        ``GET /rostering/orgs/{id}`` (findOrg).
        """
        return self._one(
            OPERATIONS["findOrg"],
            enveloped(data_models.Org),
            path={"id": validate_id(org_id, "org_id")},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def list_students(
        self,
        org_id: str | UUID,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Person]:
        """List Students that are members of an Org.

        List the student-type Persons that are members of the Org.

        Args:
            org_id: $sys.id of the Org

        ``GET /rostering/orgs/{id}/students`` (listStudentsForOrg).
        """
        return self._list(
            OPERATIONS["listStudentsForOrg"],
            data_models.Person.from_dict,
            path={"id": validate_id(org_id, "org_id")},
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def list_teachers(
        self,
        org_id: str | UUID,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Person]:
        """List Teachers that are members of an Org.

        List the teacher-type Persons that are members of the Org.

        Args:
            org_id: $sys.id of the Org

        ``GET /rostering/orgs/{id}/teachers`` (listTeachersForOrg).
        """
        return self._list(
            OPERATIONS["listTeachersForOrg"],
            data_models.Person.from_dict,
            path={"id": validate_id(org_id, "org_id")},
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def list_courses(
        self,
        org_id: str | UUID,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Course]:
        """List Courses that belong to an Org.

        List the Courses offered by the Org.

        Args:
            org_id: $sys.id of the Org

        ``GET /rostering/orgs/{id}/courses`` (listCoursesForOrg).
        """
        return self._list(
            OPERATIONS["listCoursesForOrg"],
            data_models.Course.from_dict,
            path={"id": validate_id(org_id, "org_id")},
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def list_sections(
        self,
        org_id: str | UUID,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Section]:
        """List Sections that belong to an Org.

        List the Sections taught at the Org.

        Args:
            org_id: $sys.id of the Org

        ``GET /rostering/orgs/{id}/sections`` (listSectionsForOrg).
        """
        return self._list(
            OPERATIONS["listSectionsForOrg"],
            data_models.Section.from_dict,
            path={"id": validate_id(org_id, "org_id")},
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def list_terms(
        self,
        org_id: str | UUID,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Term]:
        """List Terms that belong to an Org.

        List the Terms (school years, semesters, marking periods) of the Org.

        Args:
            org_id: $sys.id of the Org

        ``GET /rostering/orgs/{id}/terms`` (listTermsForOrg).
        """
        return self._list(
            OPERATIONS["listTermsForOrg"],
            data_models.Term.from_dict,
            path={"id": validate_id(org_id, "org_id")},
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class RosteringLeasResource(Resource):
    """LEA-type Orgs (districts)."""

    def list(
        self,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Org]:
        """List all LEA-type Orgs.

        List the Orgs whose `$sys.org_type` is `lea` (districts).

        ``GET /rostering/leas`` (listLEAs).
        """
        return self._list(
            OPERATIONS["listLEAs"],
            data_models.Org.from_dict,
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def get(
        self,
        lea_id: str | UUID,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Org:
        """Find an LEA-type Org by $sys.id.

        Find one LEA-type Org by its `$sys.id`.

        Args:
            lea_id: $sys.id of the LEA

        ``GET /rostering/leas/{id}`` (findLEA).
        """
        return self._one(
            OPERATIONS["findLEA"],
            bare_or_enveloped(data_models.Org),
            path={"id": validate_id(lea_id, "lea_id")},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class RosteringSchoolsResource(Resource):
    """School-type Orgs."""

    def list(
        self,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Org]:
        """List all School-type Orgs.

        List the Orgs whose `$sys.org_type` is `school`.

        ``GET /rostering/schools`` (listSchools).
        """
        return self._list(
            OPERATIONS["listSchools"],
            data_models.Org.from_dict,
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class RosteringPersonsResource(Resource):
    """Persons (students and teachers)."""

    def list(
        self,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Person]:
        """Get all Persons.

        List every Person (students and teachers) of the tenant.

        ``GET /rostering/persons`` (listPersons).
        """
        return self._list(
            OPERATIONS["listPersons"],
            data_models.Person.from_dict,
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def get(
        self,
        person_id: str | UUID,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Person:
        """Find a Person by $sys.id.

        Find one Person by its `$sys.id`.

        Args:
            person_id: $sys.id of the Person to find

        ``GET /rostering/persons/{id}`` (findPerson).
        """
        return self._one(
            OPERATIONS["findPerson"],
            bare_or_enveloped(data_models.Person),
            path={"id": validate_id(person_id, "person_id")},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class RosteringStudentsResource(Resource):
    """Student-type Persons."""

    def list(
        self,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Person]:
        """List all Student-type Persons.

        List the Persons whose `$sys.person_type` is `student`.

        ``GET /rostering/students`` (listStudents).
        """
        return self._list(
            OPERATIONS["listStudents"],
            data_models.Person.from_dict,
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class RosteringTeachersResource(Resource):
    """Teacher-type Persons."""

    def list(
        self,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Person]:
        """List all Teacher-type Persons.

        List the Persons whose `$sys.person_type` is `teacher`.

        ``GET /rostering/teachers`` (listTeachers).
        """
        return self._list(
            OPERATIONS["listTeachers"],
            data_models.Person.from_dict,
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class RosteringCoursesResource(Resource):
    """Courses."""

    def list(
        self,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Course]:
        """List all Courses.

        List every Course of the tenant.

        ``GET /rostering/courses`` (listCourses).
        """
        return self._list(
            OPERATIONS["listCourses"],
            data_models.Course.from_dict,
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def get(
        self,
        course_id: str | UUID,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Course:
        """Find a Course by $sys.id.

        Find one Course by its `$sys.id`.

        Args:
            course_id: $sys.id of the Course to find

        ``GET /rostering/courses/{id}`` (findCourse).
        """
        return self._one(
            OPERATIONS["findCourse"],
            bare_or_enveloped(data_models.Course),
            path={"id": validate_id(course_id, "course_id")},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class RosteringSectionsResource(Resource):
    """Sections (classes) of courses."""

    def list(
        self,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Section]:
        """List all Sections.

        List every Section of the tenant.

        ``GET /rostering/sections`` (listSections).
        """
        return self._list(
            OPERATIONS["listSections"],
            data_models.Section.from_dict,
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def get(
        self,
        section_id: str | UUID,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Section:
        """Find a Section by $sys.id.

        Find one Section by its `$sys.id`.

        Args:
            section_id: $sys.id of the Section to find

        ``GET /rostering/sections/{id}`` (findSection).
        """
        return self._one(
            OPERATIONS["findSection"],
            bare_or_enveloped(data_models.Section),
            path={"id": validate_id(section_id, "section_id")},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class RosteringTermsResource(Resource):
    """Terms -- school years, semesters, trimesters, marking periods."""

    def list(
        self,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Term]:
        """List all Terms.

        List every Term of the tenant.

        ``GET /rostering/terms`` (listTerms).
        """
        return self._list(
            OPERATIONS["listTerms"],
            data_models.Term.from_dict,
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def get(
        self,
        term_id: str | UUID,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Term:
        """Find a Term by $sys.id.

        Find one Term by its `$sys.id`.

        Args:
            term_id: $sys.id of the Term to find

        ``GET /rostering/terms/{id}`` (findTerm).
        """
        return self._one(
            OPERATIONS["findTerm"],
            bare_or_enveloped(data_models.Term),
            path={"id": validate_id(term_id, "term_id")},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class GradesCategoriesResource(Resource):
    """Grading categories (assignment categories and their weights)."""

    def list(
        self,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[GradingCategory]:
        """List all Grading Categories.

        List every Grading Category of the tenant.

        ``GET /grades/gradingCategories`` (listGradingCategories).
        """
        return self._list(
            OPERATIONS["listGradingCategories"],
            data_models.GradingCategory.from_dict,
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class IntegrationsVersionsResource(IntegrationVersionsBehaviour):
    """Versions of an Integration, each described by an Integration Blueprint (an XML
    document); a version is named by its version string, e.g. ``"1.2.0"``.
    """

    def list(
        self,
        integration_id: str | UUID,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[IntegrationVersion]:
        """List Integration Versions.

        List the versions of an Integration. Each version is described by an Integration
        Blueprint.

        Args:
            integration_id: id of the Integration

        ``GET /integrations/{id}/versions`` (listIntegrationVersions).
        """
        return self._list(
            OPERATIONS["listIntegrationVersions"],
            interop_models.IntegrationVersion.from_dict,
            path={"id": validate_id(integration_id, "integration_id")},
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def update(
        self,
        integration_id: str | UUID,
        version: str,
        integration_version: IntegrationVersion | Mapping[str, Any],
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Update Integration Version.

        Update the properties of an Integration version (its title and release state).

        Args:
            integration_id: id of the Integration to update
            version: version to update
            integration_version: A IntegrationVersion or its dict.

        ``PATCH /integrations/{id}/versions/{version}`` (updateIntegrationVersion).
        """
        return self._none(
            OPERATIONS["updateIntegrationVersion"],
            path={
                "id": validate_id(integration_id, "integration_id"),
                "version": validate_path_value(version, "version"),
            },
            body=coerce(
                interop_models.IntegrationVersion, integration_version, "integration_version"
            ),
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def delete(
        self,
        integration_id: str | UUID,
        version: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Delete Integration Version.

        Delete a version of an Integration.

        Args:
            integration_id: id of the Integration to update
            version: version to delete

        ``DELETE /integrations/{id}/versions/{version}`` (deleteIntegrationVersion).
        """
        return self._none(
            OPERATIONS["deleteIntegrationVersion"],
            path={
                "id": validate_id(integration_id, "integration_id"),
                "version": validate_path_value(version, "version"),
            },
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class ScopingSchoolsResource(Resource):
    """The tenant's Scoping Schools."""

    def list(
        self,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[ScopingSchool]:
        """List Scoping Schools.

        Get the list of ScopingSchools that define how to scope this tenant's repository by
        school

        ``GET /tenant/scoping/schools`` (listScopingSchools).
        """
        return self._list(
            OPERATIONS["listScopingSchools"],
            interop_models.ScopingSchool.from_dict,
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def create(
        self,
        request: ScopingSchoolsBulkRequest | Mapping[str, Any],
        *,
        replace: bool = True,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> ScopingSchool:
        """Create Scoping Schools.

        Create Scoping Schools for this tenant, replacing or appending to the existing ones.

        Args:
            replace: true to replace existing Scoping Schools, false to append to existing
                Scoping Schools
            request: A ScopingSchoolsBulkRequest or its dict.

        ``POST /tenant/scoping/schools`` (createScopingSchools).
        """
        return self._one(
            OPERATIONS["createScopingSchools"],
            enveloped(interop_models.ScopingSchool),
            params={"replace": validate_bool(replace, "replace")},
            body=check_fields(
                coerce(interop_models.ScopingSchoolsBulkRequest, request, "request"),
                "request",
                (("data", "", None, None, True),),
            ),
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def delete_all(
        self,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Delete Scoping Schools.

        Delete every Scoping School of this tenant.

        ``DELETE /tenant/scoping/schools`` (deleteScopingSchools).
        """
        return self._none(
            OPERATIONS["deleteScopingSchools"],
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def get(
        self,
        school_id: str | UUID,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> ScopingSchool:
        """Find Scoping School.

        Find one Scoping School by id.

        Args:
            school_id: id of the ScopingSchool to find

        ``GET /tenant/scoping/schools/{id}`` (findScopingSchool).
        """
        return self._one(
            OPERATIONS["findScopingSchool"],
            enveloped(interop_models.ScopingSchool),
            path={"id": validate_id(school_id, "school_id")},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def update(
        self,
        school_id: str | UUID,
        school: ScopingSchool | Mapping[str, Any],
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> ScopingSchool:
        """Update Scoping School.

        Replace one Scoping School.

        Args:
            school_id: id of the Scoping School to update
            school: A ScopingSchool or its dict.

        ``PUT /tenant/scoping/schools/{id}`` (updateScopingSchool).
        """
        return self._one(
            OPERATIONS["updateScopingSchool"],
            enveloped(interop_models.ScopingSchool),
            path={"id": validate_id(school_id, "school_id")},
            body=check_fields(
                coerce(interop_models.ScopingSchool, school, "school"),
                "school",
                (("selected", "bool", None, None, False),),
            ),
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def delete(
        self,
        school_id: str | UUID,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Delete Scoping School.

        Delete one Scoping School.

        Args:
            school_id: id of the ScopingSchool

        ``DELETE /tenant/scoping/schools/{id}`` (deleteScopingSchool).
        """
        return self._none(
            OPERATIONS["deleteScopingSchool"],
            path={"id": validate_id(school_id, "school_id")},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class ScopingCoursesResource(Resource):
    """The tenant's Scoping Courses."""

    def list(
        self,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[ScopingCourse]:
        """List Scoping Courses.

        Get the list of Scoping Courses to apply to this tenant's repository

        ``GET /tenant/scoping/courses`` (listScopingCourses).
        """
        return self._list(
            OPERATIONS["listScopingCourses"],
            interop_models.ScopingCourse.from_dict,
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def create(
        self,
        request: ScopingCoursesBulkRequest | Mapping[str, Any],
        *,
        replace: bool = True,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> ScopingCourse:
        """Create Scoping Courses.

        Create Scoping Courses for this tenant, replacing or appending to the existing ones.

        Args:
            replace: true to replace existing Scoping Courses, false to append to existing
                Scoping Courses
            request: A ScopingCoursesBulkRequest or its dict.

        ``POST /tenant/scoping/courses`` (createScopingCourses).
        """
        return self._one(
            OPERATIONS["createScopingCourses"],
            enveloped(interop_models.ScopingCourse),
            params={"replace": validate_bool(replace, "replace")},
            body=check_fields(
                coerce(interop_models.ScopingCoursesBulkRequest, request, "request"),
                "request",
                (("data", "", None, None, True),),
            ),
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def delete_all(
        self,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Delete Scoping Courses.

        Delete every Scoping Course of this tenant.

        ``DELETE /tenant/scoping/courses`` (deleteScopingCourses).
        """
        return self._none(
            OPERATIONS["deleteScopingCourses"],
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def get(
        self,
        course_id: str | UUID,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> ScopingCourse:
        """Find Scoping Course.

        Find one Scoping Course by id.

        Args:
            course_id: id of the ScopingCourse to find

        ``GET /tenant/scoping/courses/{id}`` (findScopingCourse).
        """
        return self._one(
            OPERATIONS["findScopingCourse"],
            enveloped(interop_models.ScopingCourse),
            path={"id": validate_id(course_id, "course_id")},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def update(
        self,
        course_id: str | UUID,
        course: ScopingCourse | Mapping[str, Any],
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> ScopingCourse:
        """Update Scoping Course.

        Replace one Scoping Course.

        Args:
            course_id: id of the Scoping Course to update
            course: A ScopingCourse or its dict.

        ``PUT /tenant/scoping/courses/{id}`` (updateScopingCourse).
        """
        return self._one(
            OPERATIONS["updateScopingCourse"],
            enveloped(interop_models.ScopingCourse),
            path={"id": validate_id(course_id, "course_id")},
            body=check_fields(
                coerce(interop_models.ScopingCourse, course, "course"),
                "course",
                (("selected", "bool", None, None, False),),
            ),
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def delete(
        self,
        course_id: str | UUID,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Delete Scoping Course.

        Delete one Scoping Course.

        Args:
            course_id: id of the ScopingCourse

        ``DELETE /tenant/scoping/courses/{id}`` (deleteScopingCourse).
        """
        return self._none(
            OPERATIONS["deleteScopingCourse"],
            path={"id": validate_id(course_id, "course_id")},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class RosteringResource(Resource):
    """The roster of the tenant -- orgs, persons, courses, sections and terms."""

    @cached_property
    def courses(self) -> RosteringCoursesResource:
        """Courses."""
        return RosteringCoursesResource(self._client)

    @cached_property
    def leas(self) -> RosteringLeasResource:
        """LEA-type Orgs (districts)."""
        return RosteringLeasResource(self._client)

    @cached_property
    def orgs(self) -> RosteringOrgsResource:
        """Orgs (LEAs and schools), and the persons, courses, sections and terms of each."""
        return RosteringOrgsResource(self._client)

    @cached_property
    def persons(self) -> RosteringPersonsResource:
        """Persons (students and teachers)."""
        return RosteringPersonsResource(self._client)

    @cached_property
    def schools(self) -> RosteringSchoolsResource:
        """School-type Orgs."""
        return RosteringSchoolsResource(self._client)

    @cached_property
    def sections(self) -> RosteringSectionsResource:
        """Sections (classes) of courses."""
        return RosteringSectionsResource(self._client)

    @cached_property
    def students(self) -> RosteringStudentsResource:
        """Student-type Persons."""
        return RosteringStudentsResource(self._client)

    @cached_property
    def teachers(self) -> RosteringTeachersResource:
        """Teacher-type Persons."""
        return RosteringTeachersResource(self._client)

    @cached_property
    def terms(self) -> RosteringTermsResource:
        """Terms -- school years, semesters, trimesters, marking periods."""
        return RosteringTermsResource(self._client)


class GradesResource(Resource):
    """Grading data of the tenant."""

    @cached_property
    def categories(self) -> GradesCategoriesResource:
        """Grading categories (assignment categories and their weights)."""
        return GradesCategoriesResource(self._client)


class TasksResource(TasksBehaviour):
    """The driver's task queue: the changes Kimono pushes, to handle and acknowledge one by one
    (``run`` drains it through a handler).
    """


class AdminTasksResource(AdminTasksBehaviour):
    """The administrative view of the task queue -- list, find, delete and acknowledge any
    task.
    """

    def list(
        self,
        *,
        schema: str | None = None,
        driver: str | None = None,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Task]:
        """List Tasks (Admin).

        List Tasks for the authenticated actor through the Task Admin API. Pages hold up to
        2000 Tasks. Tasks that are not acknowledged are simply delivered again.

        Args:
            schema: Specify the Task Schema to use for this operation: the version of the
                Task payload format, e.g. `1.0` (`{schema, dataEvent}`), `2.0` (`{schema,
                data_event | sync_event | lifecycle_event}`) or `3.0` (flat `{schema, type,
                ...}`). The reference lists the parameter as an enum without publishing its
                values, so it is a string here.
            driver: Restrict Tasks to a specific Driver by name

        ``GET /tasks/admin`` (listAdminTasks).
        """
        return self._list(
            OPERATIONS["listAdminTasks"],
            data_models.Task.from_dict,
            params={
                "schema": None if schema is None else validate_str(schema, "schema"),
                "driver": None if driver is None else validate_str(driver, "driver"),
            },
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def get(
        self,
        task_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Task:
        """Find a Task.

        Find one Task of the queue by its id.

        Args:
            task_id: id of the Task (a UUID in every source; a string, like the Task's `id`)

        ``GET /tasks/admin/{id}`` (findAdminTask).
        """
        return self._one(
            OPERATIONS["findAdminTask"],
            enveloped(data_models.Task),
            path={"id": validate_path_value(task_id, "task_id")},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def delete(
        self,
        task_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Delete Task (Admin).

        Delete a Task from the Task Queue. This operation is only available via the Task
        Admin API.

        Args:
            task_id: id of the Task (a UUID in every source; a string, like the Task's `id`)

        ``DELETE /tasks/admin/{id}`` (deleteAdminTask).
        """
        return self._none(
            OPERATIONS["deleteAdminTask"],
            path={"id": validate_path_value(task_id, "task_id")},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class ActorsResource(Resource):
    """Actors (connectors, Integrations, repositories, applications) visible to you."""

    def list(
        self,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Actor]:
        """List Actors.

        Get a list of actors installed in Interop Clouds for accounts visible to you. This
        API is used to obtain coordinates and credentials essential for interacting with
        Integrations and other actors.

        ``GET /actors`` (listActors).
        """
        return self._list(
            OPERATIONS["listActors"],
            interop_models.Actor.from_dict,
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class CloudsResource(Resource):
    """Interop Clouds of the accounts visible to you, and the actors installed in each."""

    def list(
        self,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Cloud]:
        """List Interop Clouds.

        Get a list of Interop Clouds for accounts visible to you.

        ``GET /clouds`` (listClouds).
        """
        return self._list(
            OPERATIONS["listClouds"],
            interop_models.Cloud.from_dict,
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def create(
        self,
        cloud: Cloud | Mapping[str, Any],
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Cloud:
        """Create an Interop Cloud.

        Create an Interop Cloud in your account.

        Args:
            cloud: A Cloud or its dict.

        ``POST /clouds`` (createCloud).
        """
        return self._one(
            OPERATIONS["createCloud"],
            enveloped(interop_models.Cloud),
            body=check_fields(
                coerce(interop_models.Cloud, cloud, "cloud"),
                "cloud",
                (("generation", "int", None, None, False),),
            ),
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def search(
        self,
        *,
        generation: int | None = None,
        userdata: str | None = None,
        name: str | None = None,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Cloud]:
        """Search Interop Clouds.

        Get a list of Interop Clouds matching the search criteria.

        Args:
            generation: List all Clouds of a matching generation
            userdata: List all Clouds with matching userdata
            name: List all Clouds with a matching name

        ``GET /clouds/search`` (searchClouds).
        """
        return self._list(
            OPERATIONS["searchClouds"],
            interop_models.Cloud.from_dict,
            params={
                "generation": None
                if generation is None
                else validate_int(generation, "generation"),
                "userdata": None if userdata is None else validate_str(userdata, "userdata"),
                "name": None if name is None else validate_str(name, "name"),
            },
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def get(
        self,
        cloud_id: str | UUID,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Cloud:
        """Find an Interop Cloud.

        Find an Interop Cloud by identifier

        Args:
            cloud_id: id of the object

        ``GET /clouds/{id}`` (findCloud).
        """
        return self._one(
            OPERATIONS["findCloud"],
            enveloped(interop_models.Cloud),
            path={"id": validate_id(cloud_id, "cloud_id")},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def delete(
        self,
        cloud_id: str | UUID,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Delete an Interop Cloud.

        Args:
            cloud_id: id of the Cloud to delete

        ``DELETE /clouds/{id}`` (deleteCloud).
        """
        return self._none(
            OPERATIONS["deleteCloud"],
            path={"id": validate_id(cloud_id, "cloud_id")},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def list_actors(
        self,
        cloud_id: str | UUID,
        *,
        credentials: bool | None = None,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Actor]:
        """List all Actors in an Interop Cloud.

        List the actors installed in one Interop Cloud, optionally with their credentials.

        Args:
            cloud_id: id of the object
            credentials: Include actor credentials (`auth`) in the response. The reference
                names the parameter only by its description; `credentials` is the name this
                contract uses.

        ``GET /clouds/{id}/actors`` (listActorsByCloud).
        """
        return self._list(
            OPERATIONS["listActorsByCloud"],
            interop_models.Actor.from_dict,
            path={"id": validate_id(cloud_id, "cloud_id")},
            params={
                "credentials": None
                if credentials is None
                else validate_bool(credentials, "credentials")
            },
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class IntegrationsResource(Resource):
    """Integrations of your account."""

    @cached_property
    def versions(self) -> IntegrationsVersionsResource:
        """Versions of an Integration, each described by an Integration Blueprint (an XML
        document); a version is named by its version string, e.g. ``"1.2.0"``.
        """
        return IntegrationsVersionsResource(self._client)

    def list(
        self,
        *,
        name: str | None = None,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Integration]:
        """List Integrations.

        List all Integrations

        Args:
            name: Find an Integration by name

        ``GET /integrations`` (listIntegrations).
        """
        return self._list(
            OPERATIONS["listIntegrations"],
            interop_models.Integration.from_dict,
            params={"name": None if name is None else validate_str(name, "name")},
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def create(
        self,
        integration: Integration | Mapping[str, Any],
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Integration:
        """Create Integration.

        Create an Integration

        Args:
            integration: A Integration or its dict.

        ``POST /integrations`` (createIntegration).
        """
        return self._one(
            OPERATIONS["createIntegration"],
            enveloped(interop_models.Integration),
            body=coerce(interop_models.Integration, integration, "integration"),
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def get(
        self,
        integration_id: str | UUID,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Integration:
        """Find an Integration.

        Find an Integration by id.

        Args:
            integration_id: id of the Integration to find

        ``GET /integrations/{id}`` (findIntegration).
        """
        return self._one(
            OPERATIONS["findIntegration"],
            enveloped(interop_models.Integration),
            path={"id": validate_id(integration_id, "integration_id")},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def update(
        self,
        integration_id: str | UUID,
        integration: Integration | Mapping[str, Any],
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Update Integration.

        Update the properties of an Integration.

        Args:
            integration_id: id of the Integration to update
            integration: A Integration or its dict.

        ``PATCH /integrations/{id}`` (updateIntegration).
        """
        return self._none(
            OPERATIONS["updateIntegration"],
            path={"id": validate_id(integration_id, "integration_id")},
            body=coerce(interop_models.Integration, integration, "integration"),
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def delete(
        self,
        integration_id: str | UUID,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Delete an Integration.

        Args:
            integration_id: id of the Integration to delete

        ``DELETE /integrations/{id}`` (deleteIntegration).
        """
        return self._none(
            OPERATIONS["deleteIntegration"],
            path={"id": validate_id(integration_id, "integration_id")},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class TenantsResource(TenantsBehaviour):
    """The Integration tenants you are licensed and authorized to serve, and the tenant you
    are.
    """

    def get(
        self,
        tenant_id: str | UUID,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> TenantInfo:
        """Find an TenantInfo by ID.

        Find one of your Integration tenants by id.

        Args:
            tenant_id: id of the TenantInfo to find

        ``GET /tenants/{id}`` (findInteropTenant).
        """
        return self._one(
            OPERATIONS["findInteropTenant"],
            enveloped(interop_models.TenantInfo),
            path={"id": validate_id(tenant_id, "tenant_id")},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def current(
        self,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> TenantInfo:
        """Find the current tenant.

        Get the TenantInfo of the tenant identified by the caller's credentials.

        ``GET /tenant`` (findCurrentTenant).
        """
        return self._one(
            OPERATIONS["findCurrentTenant"],
            enveloped(interop_models.TenantInfo),
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class TenantStateResource(Resource):
    """Modes and flags of the tenant identified by the credentials."""

    def get(
        self,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> TenantState:
        """Find the tenant state.

        Get the modes and flags of the tenant identified by the caller's credentials.

        ``GET /tenant/state`` (findTenantState).
        """
        return self._one(
            OPERATIONS["findTenantState"],
            enveloped(interop_models.TenantState),
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class TenantApplicationResource(Resource):
    """Authentication parameters and options of the tenant's application."""

    def get(
        self,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> TenantApplication:
        """Find the tenant application.

        The endpoint returns tenant application's authentication parameters (defined in the
        integration blueprint), as well as configuration options. The tenant (identified by
        actor authentication credentials) must be an integration. The response should be
        cached by driver implementations in memory.

        ``GET /tenant/application`` (findTenantApplication).
        """
        return self._one(
            OPERATIONS["findTenantApplication"],
            enveloped(interop_models.TenantApplication),
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def update(
        self,
        update: TenantApplicationUpdate | Mapping[str, Any],
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Update the tenant application.

        Intended to be used during the authentication setup workflow (if there is
        authentication defined in the integration blueprint). The tenant (identified by
        actor authentication credentials) must be an integration. Can be updated and only
        when the pending auth status of the application is 'updating'. Only a subset of the
        Tenant Application configuration may be changed: auth message, pending auth state
        (can only be set to 'confirmed'/'error'), pending auth attributes.

        Args:
            update: A TenantApplicationUpdate or its dict.

        ``PATCH /tenant/application`` (updateTenantApplication).
        """
        return self._none(
            OPERATIONS["updateTenantApplication"],
            body=coerce(interop_models.TenantApplicationUpdate, update, "update"),
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class ScopingResource(Resource):
    """Which schools and courses of the tenant's repository the tenant sees."""

    @cached_property
    def courses(self) -> ScopingCoursesResource:
        """The tenant's Scoping Courses."""
        return ScopingCoursesResource(self._client)

    @cached_property
    def schools(self) -> ScopingSchoolsResource:
        """The tenant's Scoping Schools."""
        return ScopingSchoolsResource(self._client)


class RolloversResource(Resource):
    """The tenant's rollovers from one school year to the next."""

    def list(
        self,
        *,
        sort: str | None = None,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Rollover]:
        """List Rollovers.

        Get the list of rollovers for the tenant. The tenant is identified by actor
        authentication credentials.

        Args:
            sort: Sorting criteria. Prefix with - for descending order.

        ``GET /tenant/rollovers`` (listRollovers).
        """
        return self._list(
            OPERATIONS["listRollovers"],
            interop_models.Rollover.from_dict,
            params={"sort": None if sort is None else validate_str(sort, "sort")},
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def create(
        self,
        request: RolloverRequest | Mapping[str, Any],
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Rollover:
        """Create a Rollover.

        Create a rollover for the tenant identified by actor authentication credentials.

        Args:
            request: A RolloverRequest or its dict.

        ``POST /tenant/rollovers`` (createRollover).
        """
        return self._one(
            OPERATIONS["createRollover"],
            enveloped(interop_models.Rollover),
            body=coerce(interop_models.RolloverRequest, request, "request"),
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def count(
        self,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> int:
        """Count Rollovers.

        Get the count of rollovers for the tenant. The tenant is identified by actor
        authentication credentials.

        ``GET /tenant/rollovers/count`` (countRollovers).
        """
        return self._count(
            OPERATIONS["countRollovers"],
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def get(
        self,
        rollover_id: str | UUID,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Rollover:
        """Find a Rollover.

        Get a rollover for the tenant. The tenant is identified by actor authentication
        credentials.

        Args:
            rollover_id: id of the rollover to query

        ``GET /tenant/rollovers/{id}`` (findRollover).
        """
        return self._one(
            OPERATIONS["findRollover"],
            enveloped(interop_models.Rollover),
            path={"id": validate_id(rollover_id, "rollover_id")},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def update(
        self,
        rollover_id: str | UUID,
        request: RolloverRequest | Mapping[str, Any],
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Rollover:
        """Update a Rollover.

        Replace a rollover of the tenant.

        Args:
            rollover_id: id of the rollover to update
            request: A RolloverRequest or its dict.

        ``PUT /tenant/rollovers/{id}`` (updateRollover).
        """
        return self._one(
            OPERATIONS["updateRollover"],
            enveloped(interop_models.Rollover),
            path={"id": validate_id(rollover_id, "rollover_id")},
            body=coerce(interop_models.RolloverRequest, request, "request"),
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def delete(
        self,
        rollover_id: str | UUID,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Delete a Rollover.

        Delete a rollover of the tenant. An active rollover cannot be deleted.

        Args:
            rollover_id: id of the rollover to delete

        ``DELETE /tenant/rollovers/{id}`` (deleteRollover).
        """
        return self._none(
            OPERATIONS["deleteRollover"],
            path={"id": validate_id(rollover_id, "rollover_id")},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class SchedulesResource(Resource):
    """The tenant's collection schedules."""

    def list(
        self,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Schedule]:
        """List Schedules.

        Get the list of schedules for the tenant. The tenant is identified by actor
        authentication credentials.

        ``GET /tenant/schedules`` (listSchedules).
        """
        return self._list(
            OPERATIONS["listSchedules"],
            interop_models.Schedule.from_dict,
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def create(
        self,
        schedule: ScheduleCreate | Mapping[str, Any],
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Schedule:
        """Create a Schedule.

        Create a Schedule for the tenant identified by actor authentication credentials.
        Only the `hour` (understood in UTC) field is expected, only creating collection
        schedules is possible.

        Args:
            schedule: A ScheduleCreate or its dict.

        ``POST /tenant/schedules`` (createSchedule).
        """
        return self._one(
            OPERATIONS["createSchedule"],
            enveloped(interop_models.Schedule),
            body=check_fields(
                coerce(interop_models.ScheduleCreate, schedule, "schedule"),
                "schedule",
                (("hour", "int", 0, 23, True),),
            ),
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def count(
        self,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> int:
        """Count Schedules.

        Get the count of schedules for the tenant. The tenant is identified by actor
        authentication credentials.

        ``GET /tenant/schedules/count`` (countSchedules).
        """
        return self._count(
            OPERATIONS["countSchedules"],
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def get(
        self,
        schedule_id: str | UUID,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Schedule:
        """Find a Schedule.

        Find one schedule of the tenant by id.

        Args:
            schedule_id: id of the Schedule to find

        ``GET /tenant/schedules/{id}`` (findSchedule).
        """
        return self._one(
            OPERATIONS["findSchedule"],
            enveloped(interop_models.Schedule),
            path={"id": validate_id(schedule_id, "schedule_id")},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def update(
        self,
        schedule_id: str | UUID,
        update: ScheduleUpdate | Mapping[str, Any],
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Update a Schedule.

        Update a schedule. Only the enabled attribute may be updated.

        Args:
            schedule_id: id of the Schedule to update
            update: A ScheduleUpdate or its dict.

        ``PATCH /tenant/schedules/{id}`` (updateSchedule).
        """
        return self._none(
            OPERATIONS["updateSchedule"],
            path={"id": validate_id(schedule_id, "schedule_id")},
            body=check_fields(
                coerce(interop_models.ScheduleUpdate, update, "update"),
                "update",
                (("enabled", "bool", None, None, True),),
            ),
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def delete(
        self,
        schedule_id: str | UUID,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Delete a Schedule.

        Delete a schedule.

        Args:
            schedule_id: id of the Schedule to update

        ``DELETE /tenant/schedules/{id}`` (deleteSchedule).
        """
        return self._none(
            OPERATIONS["deleteSchedule"],
            path={"id": validate_id(schedule_id, "schedule_id")},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def run(
        self,
        schedule_id: str | UUID,
        request: ScheduleRunRequest | Mapping[str, Any] | None = None,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Run a Schedule now.

        Only permitted for unpaused collection schedules, and if there is no pending
        ingestion.

        Args:
            schedule_id: id of the Schedule to run
            request: A ScheduleRunRequest or its dict. Optional.

        ``POST /tenant/schedules/{id}/run`` (runSchedule).
        """
        return self._none(
            OPERATIONS["runSchedule"],
            path={"id": validate_id(schedule_id, "schedule_id")},
            body=None
            if request is None
            else coerce(interop_models.ScheduleRunRequest, request, "request"),
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class IngestionsResource(Resource):
    """The tenant's ingestions (data loads into its repository)."""

    def list(
        self,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Ingestion]:
        """List Ingestions.

        Get a list of Ingestions.

        ``GET /ingestions`` (listIngestions).
        """
        return self._list(
            OPERATIONS["listIngestions"],
            interop_models.Ingestion.from_dict,
            page_size=page_size,
            max_page_size=2000,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def count(
        self,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> int:
        """Count Ingestions.

        Get the total count of ingestions that would be returned by listIngestions

        ``GET /ingestions/count`` (countIngestions).
        """
        return self._count(
            OPERATIONS["countIngestions"],
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    def get(
        self,
        ingestion_id: str | UUID,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Ingestion:
        """Find an Ingestion.

        Find one Ingestion by id.

        Args:
            ingestion_id: id of the Ingestion to find

        ``GET /ingestions/{id}`` (findIngestion).
        """
        return self._one(
            OPERATIONS["findIngestion"],
            enveloped(interop_models.Ingestion),
            path={"id": validate_id(ingestion_id, "ingestion_id")},
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )


class RosteringOrgsWithRawResponse:
    """``rostering.orgs``, each call answering an :class:`APIResponse`."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client
        resource = RosteringOrgsResource(client, raw=True)
        self.get = raw_response(resource.get)


class RosteringLeasWithRawResponse:
    """``rostering.leas``, each call answering an :class:`APIResponse`."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client
        resource = RosteringLeasResource(client, raw=True)
        self.get = raw_response(resource.get)


class RosteringPersonsWithRawResponse:
    """``rostering.persons``, each call answering an :class:`APIResponse`."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client
        resource = RosteringPersonsResource(client, raw=True)
        self.get = raw_response(resource.get)


class RosteringCoursesWithRawResponse:
    """``rostering.courses``, each call answering an :class:`APIResponse`."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client
        resource = RosteringCoursesResource(client, raw=True)
        self.get = raw_response(resource.get)


class RosteringSectionsWithRawResponse:
    """``rostering.sections``, each call answering an :class:`APIResponse`."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client
        resource = RosteringSectionsResource(client, raw=True)
        self.get = raw_response(resource.get)


class RosteringTermsWithRawResponse:
    """``rostering.terms``, each call answering an :class:`APIResponse`."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client
        resource = RosteringTermsResource(client, raw=True)
        self.get = raw_response(resource.get)


class IntegrationsVersionsWithRawResponse:
    """``integrations.versions``, each call answering an :class:`APIResponse`."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client
        resource = IntegrationsVersionsResource(client, raw=True)
        self.create = raw_response(resource.create)
        self.update = raw_response(resource.update)
        self.delete = raw_response(resource.delete)
        self.update_blueprint = raw_response(resource.update_blueprint)


class ScopingSchoolsWithRawResponse:
    """``scoping.schools``, each call answering an :class:`APIResponse`."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client
        resource = ScopingSchoolsResource(client, raw=True)
        self.create = raw_response(resource.create)
        self.delete_all = raw_response(resource.delete_all)
        self.get = raw_response(resource.get)
        self.update = raw_response(resource.update)
        self.delete = raw_response(resource.delete)


class ScopingCoursesWithRawResponse:
    """``scoping.courses``, each call answering an :class:`APIResponse`."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client
        resource = ScopingCoursesResource(client, raw=True)
        self.create = raw_response(resource.create)
        self.delete_all = raw_response(resource.delete_all)
        self.get = raw_response(resource.get)
        self.update = raw_response(resource.update)
        self.delete = raw_response(resource.delete)


class RosteringWithRawResponse:
    """``rostering``, each call answering an :class:`APIResponse`."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client

    @cached_property
    def courses(self) -> RosteringCoursesWithRawResponse:
        """Courses."""
        return RosteringCoursesWithRawResponse(self._client)

    @cached_property
    def leas(self) -> RosteringLeasWithRawResponse:
        """LEA-type Orgs (districts)."""
        return RosteringLeasWithRawResponse(self._client)

    @cached_property
    def orgs(self) -> RosteringOrgsWithRawResponse:
        """Orgs (LEAs and schools), and the persons, courses, sections and terms of each."""
        return RosteringOrgsWithRawResponse(self._client)

    @cached_property
    def persons(self) -> RosteringPersonsWithRawResponse:
        """Persons (students and teachers)."""
        return RosteringPersonsWithRawResponse(self._client)

    @cached_property
    def sections(self) -> RosteringSectionsWithRawResponse:
        """Sections (classes) of courses."""
        return RosteringSectionsWithRawResponse(self._client)

    @cached_property
    def terms(self) -> RosteringTermsWithRawResponse:
        """Terms -- school years, semesters, trimesters, marking periods."""
        return RosteringTermsWithRawResponse(self._client)


class TasksWithRawResponse:
    """``tasks``, each call answering an :class:`APIResponse`."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client
        resource = TasksResource(client, raw=True)
        self.ack = raw_response(resource.ack)


class AdminTasksWithRawResponse:
    """``admin_tasks``, each call answering an :class:`APIResponse`."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client
        resource = AdminTasksResource(client, raw=True)
        self.get = raw_response(resource.get)
        self.delete = raw_response(resource.delete)
        self.ack = raw_response(resource.ack)


class CloudsWithRawResponse:
    """``clouds``, each call answering an :class:`APIResponse`."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client
        resource = CloudsResource(client, raw=True)
        self.create = raw_response(resource.create)
        self.get = raw_response(resource.get)
        self.delete = raw_response(resource.delete)


class IntegrationsWithRawResponse:
    """``integrations``, each call answering an :class:`APIResponse`."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client
        resource = IntegrationsResource(client, raw=True)
        self.create = raw_response(resource.create)
        self.get = raw_response(resource.get)
        self.update = raw_response(resource.update)
        self.delete = raw_response(resource.delete)

    @cached_property
    def versions(self) -> IntegrationsVersionsWithRawResponse:
        """Versions of an Integration, each described by an Integration Blueprint (an XML
        document); a version is named by its version string, e.g. ``"1.2.0"``.
        """
        return IntegrationsVersionsWithRawResponse(self._client)


class TenantsWithRawResponse:
    """``tenants``, each call answering an :class:`APIResponse`."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client
        resource = TenantsResource(client, raw=True)
        self.get = raw_response(resource.get)
        self.current = raw_response(resource.current)


class TenantStateWithRawResponse:
    """``tenant_state``, each call answering an :class:`APIResponse`."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client
        resource = TenantStateResource(client, raw=True)
        self.get = raw_response(resource.get)


class TenantApplicationWithRawResponse:
    """``tenant_application``, each call answering an :class:`APIResponse`."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client
        resource = TenantApplicationResource(client, raw=True)
        self.get = raw_response(resource.get)
        self.update = raw_response(resource.update)


class ScopingWithRawResponse:
    """``scoping``, each call answering an :class:`APIResponse`."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client

    @cached_property
    def courses(self) -> ScopingCoursesWithRawResponse:
        """The tenant's Scoping Courses."""
        return ScopingCoursesWithRawResponse(self._client)

    @cached_property
    def schools(self) -> ScopingSchoolsWithRawResponse:
        """The tenant's Scoping Schools."""
        return ScopingSchoolsWithRawResponse(self._client)


class RolloversWithRawResponse:
    """``rollovers``, each call answering an :class:`APIResponse`."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client
        resource = RolloversResource(client, raw=True)
        self.create = raw_response(resource.create)
        self.count = raw_response(resource.count)
        self.get = raw_response(resource.get)
        self.update = raw_response(resource.update)
        self.delete = raw_response(resource.delete)


class SchedulesWithRawResponse:
    """``schedules``, each call answering an :class:`APIResponse`."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client
        resource = SchedulesResource(client, raw=True)
        self.create = raw_response(resource.create)
        self.count = raw_response(resource.count)
        self.get = raw_response(resource.get)
        self.update = raw_response(resource.update)
        self.delete = raw_response(resource.delete)
        self.run = raw_response(resource.run)


class IngestionsWithRawResponse:
    """``ingestions``, each call answering an :class:`APIResponse`."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client
        resource = IngestionsResource(client, raw=True)
        self.count = raw_response(resource.count)
        self.get = raw_response(resource.get)


class ResourcesWithRawResponse:
    """The client's calls answering an :class:`APIResponse` (``with_raw_response``)."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client

    @cached_property
    def rostering(self) -> RosteringWithRawResponse:
        """The roster of the tenant -- orgs, persons, courses, sections and terms."""
        return RosteringWithRawResponse(self._client)

    @cached_property
    def tasks(self) -> TasksWithRawResponse:
        """The driver's task queue: the changes Kimono pushes, to handle and acknowledge one by
        one (``run`` drains it through a handler).
        """
        return TasksWithRawResponse(self._client)

    @cached_property
    def admin_tasks(self) -> AdminTasksWithRawResponse:
        """The administrative view of the task queue -- list, find, delete and acknowledge any
        task.
        """
        return AdminTasksWithRawResponse(self._client)

    @cached_property
    def clouds(self) -> CloudsWithRawResponse:
        """Interop Clouds of the accounts visible to you, and the actors installed in each."""
        return CloudsWithRawResponse(self._client)

    @cached_property
    def integrations(self) -> IntegrationsWithRawResponse:
        """Integrations of your account."""
        return IntegrationsWithRawResponse(self._client)

    @cached_property
    def tenants(self) -> TenantsWithRawResponse:
        """The Integration tenants you are licensed and authorized to serve, and the tenant you
        are.
        """
        return TenantsWithRawResponse(self._client)

    @cached_property
    def tenant_state(self) -> TenantStateWithRawResponse:
        """Modes and flags of the tenant identified by the credentials."""
        return TenantStateWithRawResponse(self._client)

    @cached_property
    def tenant_application(self) -> TenantApplicationWithRawResponse:
        """Authentication parameters and options of the tenant's application."""
        return TenantApplicationWithRawResponse(self._client)

    @cached_property
    def scoping(self) -> ScopingWithRawResponse:
        """Which schools and courses of the tenant's repository the tenant sees."""
        return ScopingWithRawResponse(self._client)

    @cached_property
    def rollovers(self) -> RolloversWithRawResponse:
        """The tenant's rollovers from one school year to the next."""
        return RolloversWithRawResponse(self._client)

    @cached_property
    def schedules(self) -> SchedulesWithRawResponse:
        """The tenant's collection schedules."""
        return SchedulesWithRawResponse(self._client)

    @cached_property
    def ingestions(self) -> IngestionsWithRawResponse:
        """The tenant's ingestions (data loads into its repository)."""
        return IngestionsWithRawResponse(self._client)


class Resources:
    """The client's top-level resources (mixed into KimonoClient)."""

    @cached_property
    def with_raw_response(self) -> ResourcesWithRawResponse:
        """The calls of one object, a count or nothing, each answering an APIResponse.

        ``kimono.with_raw_response.rostering.persons.get(person_id)`` sends what
        ``kimono.rostering.persons.get(person_id)`` sends and answers the HTTP response
        (``status_code``, ``headers``, ``request_id``, ``http_response``), with
        ``parse()`` for the Person. Lists are not here: ``pager.pages()`` gives each
        page's response.
        """
        return ResourcesWithRawResponse(cast("KimonoClient", self))

    @cached_property
    def rostering(self) -> RosteringResource:
        """The roster of the tenant -- orgs, persons, courses, sections and terms."""
        return RosteringResource(cast("KimonoClient", self))

    @cached_property
    def grades(self) -> GradesResource:
        """Grading data of the tenant."""
        return GradesResource(cast("KimonoClient", self))

    @cached_property
    def tasks(self) -> TasksResource:
        """The driver's task queue: the changes Kimono pushes, to handle and acknowledge one by
        one (``run`` drains it through a handler).
        """
        return TasksResource(cast("KimonoClient", self))

    @cached_property
    def admin_tasks(self) -> AdminTasksResource:
        """The administrative view of the task queue -- list, find, delete and acknowledge any
        task.
        """
        return AdminTasksResource(cast("KimonoClient", self))

    @cached_property
    def actors(self) -> ActorsResource:
        """Actors (connectors, Integrations, repositories, applications) visible to you."""
        return ActorsResource(cast("KimonoClient", self))

    @cached_property
    def clouds(self) -> CloudsResource:
        """Interop Clouds of the accounts visible to you, and the actors installed in each."""
        return CloudsResource(cast("KimonoClient", self))

    @cached_property
    def integrations(self) -> IntegrationsResource:
        """Integrations of your account."""
        return IntegrationsResource(cast("KimonoClient", self))

    @cached_property
    def tenants(self) -> TenantsResource:
        """The Integration tenants you are licensed and authorized to serve, and the tenant you
        are.
        """
        return TenantsResource(cast("KimonoClient", self))

    @cached_property
    def tenant_state(self) -> TenantStateResource:
        """Modes and flags of the tenant identified by the credentials."""
        return TenantStateResource(cast("KimonoClient", self))

    @cached_property
    def tenant_application(self) -> TenantApplicationResource:
        """Authentication parameters and options of the tenant's application."""
        return TenantApplicationResource(cast("KimonoClient", self))

    @cached_property
    def scoping(self) -> ScopingResource:
        """Which schools and courses of the tenant's repository the tenant sees."""
        return ScopingResource(cast("KimonoClient", self))

    @cached_property
    def rollovers(self) -> RolloversResource:
        """The tenant's rollovers from one school year to the next."""
        return RolloversResource(cast("KimonoClient", self))

    @cached_property
    def schedules(self) -> SchedulesResource:
        """The tenant's collection schedules."""
        return SchedulesResource(cast("KimonoClient", self))

    @cached_property
    def ingestions(self) -> IngestionsResource:
        """The tenant's ingestions (data loads into its repository)."""
        return IngestionsResource(cast("KimonoClient", self))
