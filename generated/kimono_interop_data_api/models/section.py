from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    LAZY,
    UNSET,
    Unset,
    lazy_fields,
    parse_each,
    secrets_hidden,
)

T = TypeVar("T", bound="Section")


@_attrs_define
class Section:
    """A section (class) of a course, taught at an org during one or more terms. `$sys` is
    optional (kimono-api-java 2.0.0 and 2.0.3 interop-data/docs/Section.md).

    """

    sys: SysType | Unset = UNSET
    """ System metadata (`$sys`) Kimono keeps for every rostering object. """
    ext: ExtensionData | Unset = UNSET
    """ Extension attributes (`$ext`) a repository attached to an object, by name. """
    local_id: str | Unset = UNSET
    """ Identifier of the Section in the source system. """
    title: str | Unset = UNSET
    """ Title of the Section. """
    description: str | Unset = UNSET
    """ Description of the Section. """
    terms: list[TermRefType] | Unset = UNSET
    """ Terms during which the Section meets. """
    course: RefType | Unset = UNSET
    """ A reference to another object: `{"$sys": {id, type, label}}` (nested, since 2020), or the
    same fields flat (the 2019 form). See RefSys. A reference may also carry attributes of the
    referenced object beside `$sys` (Wayside-Publishing/kimono-php commits fa75801 and 294f631
    made Section `$course`, `$org` and `$terms` full objects after live traffic); they are kept.
     """
    org: OrgRefType | Unset = UNSET
    """ A reference to an Org, nested (`$sys`) or flat. See RefType. """
    teachers: list[PersonMembershipRefType] | Unset = UNSET
    """ Teachers of the Section, with the membership. """
    students: list[PersonMembershipRefType] | Unset = UNSET
    """ Students enrolled in the Section, with the membership. """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        sys: dict[str, Any] | Unset = UNSET
        if not isinstance(self.sys, Unset):
            sys = self.sys.to_dict()

        ext: dict[str, Any] | Unset = UNSET
        if not isinstance(self.ext, Unset):
            ext = self.ext.to_dict()

        local_id = self.local_id

        title = self.title

        description = self.description

        terms: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.terms, Unset):
            terms = []
            for terms_item_data in self.terms:
                terms_item = terms_item_data.to_dict()
                terms.append(terms_item)

        course: dict[str, Any] | Unset = UNSET
        if not isinstance(self.course, Unset):
            course = self.course.to_dict()

        org: dict[str, Any] | Unset = UNSET
        if not isinstance(self.org, Unset):
            org = self.org.to_dict()

        teachers: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.teachers, Unset):
            teachers = []
            for teachers_item_data in self.teachers:
                teachers_item = teachers_item_data.to_dict()
                teachers.append(teachers_item)

        students: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.students, Unset):
            students = []
            for students_item_data in self.students:
                students_item = students_item_data.to_dict()
                students.append(students_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if sys is not UNSET:
            field_dict["$sys"] = sys
        if ext is not UNSET:
            field_dict["$ext"] = ext
        if local_id is not UNSET:
            field_dict["local_id"] = local_id
        if title is not UNSET:
            field_dict["title"] = title
        if description is not UNSET:
            field_dict["description"] = description
        if terms is not UNSET:
            field_dict["$terms"] = terms
        if course is not UNSET:
            field_dict["$course"] = course
        if org is not UNSET:
            field_dict["$org"] = org
        if teachers is not UNSET:
            field_dict["$teachers"] = teachers
        if students is not UNSET:
            field_dict["$students"] = students

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _sys = d.pop("$sys", UNSET)
        sys: Any
        if _sys is UNSET:
            sys = UNSET
        else:
            sys = (LAZY, _sys)

        _ext = d.pop("$ext", UNSET)
        ext: Any
        if _ext is UNSET:
            ext = UNSET
        else:
            ext = (LAZY, _ext)

        local_id = d.pop("local_id", UNSET)

        title = d.pop("title", UNSET)

        description = d.pop("description", UNSET)

        _terms = d.pop("$terms", UNSET)
        terms: Any = UNSET
        if _terms is not UNSET:
            terms = (LAZY, _terms)

        _course = d.pop("$course", UNSET)
        course: Any
        if _course is UNSET:
            course = UNSET
        else:
            course = (LAZY, _course)

        _org = d.pop("$org", UNSET)
        org: Any
        if _org is UNSET:
            org = UNSET
        else:
            org = (LAZY, _org)

        _teachers = d.pop("$teachers", UNSET)
        teachers: Any = UNSET
        if _teachers is not UNSET:
            teachers = (LAZY, _teachers)

        _students = d.pop("$students", UNSET)
        students: Any = UNSET
        if _students is not UNSET:
            students = (LAZY, _students)

        section = cls(
            sys,
            ext,
            local_id,
            title,
            description,
            terms,
            course,
            org,
            teachers,
            students,
        )

        section.additional_properties = d
        return section

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


from ..models.extension_data import ExtensionData  # noqa: E402
from ..models.org_ref_type import OrgRefType  # noqa: E402
from ..models.person_membership_ref_type import PersonMembershipRefType  # noqa: E402
from ..models.ref_type import RefType  # noqa: E402
from ..models.sys_type import SysType  # noqa: E402
from ..models.term_ref_type import TermRefType  # noqa: E402

lazy_fields(
    Section,
    sys=SysType.from_dict,
    ext=ExtensionData.from_dict,
    terms=parse_each(TermRefType.from_dict),
    course=RefType.from_dict,
    org=OrgRefType.from_dict,
    teachers=parse_each(PersonMembershipRefType.from_dict),
    students=parse_each(PersonMembershipRefType.from_dict),
)
