# Written by scripts/unasync.py from kimono_interop/_async/rostering.py: edit that file,
# then run `make generate`.
"""Rostering: orgs (LEAs and schools), persons (students and teachers), courses, sections, terms.

``list_*`` methods return a lazy pager over every item of every page (``for``);
``get_*`` methods return one object. Ids are checked before any request is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from kimono_interop_data_api.api.rostering import (
    find_course,
    find_lea,
    find_org,
    find_person,
    find_section,
    find_term,
    list_courses,
    list_courses_for_org,
    list_le_as,
    list_orgs,
    list_persons,
    list_schools,
    list_sections,
    list_sections_for_org,
    list_students,
    list_students_for_org,
    list_teachers,
    list_teachers_for_org,
    list_terms,
    list_terms_for_org,
)
from kimono_interop_data_api.models import (
    Course,
    Org,
    Person,
    Section,
    Term,
)

from .._base_client import NOT_GIVEN, Timeout, bare_or_enveloped
from .._pagination import SyncPager
from .._validation import validate_id
from ._resource import Resource

T = TypeVar("T")


class Rostering(Resource):
    """The roster of the tenant (Interop Data API, ``/rostering``)."""

    def _paged(
        self, operation: Any, parse: Callable[[Any], T], *ids: str, **kw: Any
    ) -> SyncPager[T]:
        return self._list(self._data, operation, parse, *ids, **kw)

    def _one(
        self, operation: Any, unwrap: Callable[[Any], T], id_: object, name: str, **kw: Any
    ) -> T:
        return self._request(self._data, operation, unwrap, validate_id(id_, name), **kw)

    # Orgs
    def list_orgs(
        self, *, page_size: int | None = None, timeout: Timeout = NOT_GIVEN
    ) -> SyncPager[Org]:
        """Every Org (LEAs and schools)."""
        return self._paged(list_orgs, Org.from_dict, page_size=page_size, timeout=timeout)

    def list_leas(
        self, *, page_size: int | None = None, timeout: Timeout = NOT_GIVEN
    ) -> SyncPager[Org]:
        """Every LEA-type Org (district)."""
        return self._paged(list_le_as, Org.from_dict, page_size=page_size, timeout=timeout)

    def list_schools(
        self, *, page_size: int | None = None, timeout: Timeout = NOT_GIVEN
    ) -> SyncPager[Org]:
        """Every School-type Org."""
        return self._paged(list_schools, Org.from_dict, page_size=page_size, timeout=timeout)

    def get_org(self, org_id: object, *, timeout: Timeout = NOT_GIVEN) -> Org:
        """One Org by its ``$sys.id``."""
        return self._one(
            find_org,
            bare_or_enveloped(Org),
            org_id,
            "org_id",
            timeout=timeout,
        )

    def get_lea(self, lea_id: object, *, timeout: Timeout = NOT_GIVEN) -> Org:
        """One LEA-type Org by its ``$sys.id``."""
        return self._one(
            find_lea,
            bare_or_enveloped(Org),
            lea_id,
            "lea_id",
            timeout=timeout,
        )

    def list_students_for_org(
        self, org_id: object, *, page_size: int | None = None, timeout: Timeout = NOT_GIVEN
    ) -> SyncPager[Person]:
        """Students who are members of the Org."""
        org = validate_id(org_id, "org_id")
        return self._paged(
            list_students_for_org, Person.from_dict, org, page_size=page_size, timeout=timeout
        )

    def list_teachers_for_org(
        self, org_id: object, *, page_size: int | None = None, timeout: Timeout = NOT_GIVEN
    ) -> SyncPager[Person]:
        """Teachers who are members of the Org."""
        org = validate_id(org_id, "org_id")
        return self._paged(
            list_teachers_for_org, Person.from_dict, org, page_size=page_size, timeout=timeout
        )

    def list_courses_for_org(
        self, org_id: object, *, page_size: int | None = None, timeout: Timeout = NOT_GIVEN
    ) -> SyncPager[Course]:
        """Courses the Org offers."""
        org = validate_id(org_id, "org_id")
        return self._paged(
            list_courses_for_org, Course.from_dict, org, page_size=page_size, timeout=timeout
        )

    def list_sections_for_org(
        self, org_id: object, *, page_size: int | None = None, timeout: Timeout = NOT_GIVEN
    ) -> SyncPager[Section]:
        """Sections taught at the Org."""
        org = validate_id(org_id, "org_id")
        return self._paged(
            list_sections_for_org, Section.from_dict, org, page_size=page_size, timeout=timeout
        )

    def list_terms_for_org(
        self, org_id: object, *, page_size: int | None = None, timeout: Timeout = NOT_GIVEN
    ) -> SyncPager[Term]:
        """Terms of the Org."""
        org = validate_id(org_id, "org_id")
        return self._paged(
            list_terms_for_org, Term.from_dict, org, page_size=page_size, timeout=timeout
        )

    # Persons
    def list_persons(
        self, *, page_size: int | None = None, timeout: Timeout = NOT_GIVEN
    ) -> SyncPager[Person]:
        """Every Person (students and teachers)."""
        return self._paged(list_persons, Person.from_dict, page_size=page_size, timeout=timeout)

    def list_students(
        self, *, page_size: int | None = None, timeout: Timeout = NOT_GIVEN
    ) -> SyncPager[Person]:
        """Every student-type Person."""
        return self._paged(list_students, Person.from_dict, page_size=page_size, timeout=timeout)

    def list_teachers(
        self, *, page_size: int | None = None, timeout: Timeout = NOT_GIVEN
    ) -> SyncPager[Person]:
        """Every teacher-type Person."""
        return self._paged(list_teachers, Person.from_dict, page_size=page_size, timeout=timeout)

    def get_person(self, person_id: object, *, timeout: Timeout = NOT_GIVEN) -> Person:
        """One Person by its ``$sys.id``."""
        return self._one(
            find_person,
            bare_or_enveloped(Person),
            person_id,
            "person_id",
            timeout=timeout,
        )

    # Courses, sections, terms
    def list_courses(
        self, *, page_size: int | None = None, timeout: Timeout = NOT_GIVEN
    ) -> SyncPager[Course]:
        """Every Course."""
        return self._paged(list_courses, Course.from_dict, page_size=page_size, timeout=timeout)

    def get_course(self, course_id: object, *, timeout: Timeout = NOT_GIVEN) -> Course:
        """One Course by its ``$sys.id``."""
        return self._one(
            find_course,
            bare_or_enveloped(Course),
            course_id,
            "course_id",
            timeout=timeout,
        )

    def list_sections(
        self, *, page_size: int | None = None, timeout: Timeout = NOT_GIVEN
    ) -> SyncPager[Section]:
        """Every Section."""
        return self._paged(list_sections, Section.from_dict, page_size=page_size, timeout=timeout)

    def get_section(self, section_id: object, *, timeout: Timeout = NOT_GIVEN) -> Section:
        """One Section by its ``$sys.id``."""
        return self._one(
            find_section,
            bare_or_enveloped(Section),
            section_id,
            "section_id",
            timeout=timeout,
        )

    def list_terms(
        self, *, page_size: int | None = None, timeout: Timeout = NOT_GIVEN
    ) -> SyncPager[Term]:
        """Every Term."""
        return self._paged(list_terms, Term.from_dict, page_size=page_size, timeout=timeout)

    def get_term(self, term_id: object, *, timeout: Timeout = NOT_GIVEN) -> Term:
        """One Term by its ``$sys.id``."""
        return self._one(
            find_term,
            bare_or_enveloped(Term),
            term_id,
            "term_id",
            timeout=timeout,
        )
