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
    parse_id,
    secrets_hidden,
)

T = TypeVar("T", bound="Org")


@_attrs_define
class Org:
    """An organization -- an LEA (district) or a school. `$sys` is optional: kimono-api-java
    2.0.0 and 2.0.3 (interop-data/docs/Org.md) mark it optional, and the vendor's current
    reference (developerdocs.instructure.com services/datasync/interop-data-oas, Orgs response
    example) shows an Org with a top-level `id` and no `$sys` at all.

    """

    sys: OrgSysType | Unset = UNSET
    """ System metadata of an Org. """
    id: str | Unset = UNSET
    """ Id of the Org when it is given outside `$sys`, as in the vendor's current Orgs response
    example. Read `$sys.id` first.
     """
    ext: ExtensionData | Unset = UNSET
    """ Extension attributes (`$ext`) a repository attached to an object, by name. """
    local_id: str | Unset = UNSET
    """ Identifier of the Org in the source system. """
    name: str | Unset = UNSET
    """ Name of the Org. """
    parent: OrgRefType | Unset = UNSET
    """ A reference to an Org, nested (`$sys`) or flat. See RefType. """
    children: list[OrgRefType] | Unset = UNSET
    """ Orgs below this one (the schools of an LEA). """
    students: list[PersonMembershipRefType] | Unset = UNSET
    """ Students who are members of the Org. """
    teachers: list[PersonMembershipRefType] | Unset = UNSET
    """ Teachers who are members of the Org. """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        sys: dict[str, Any] | Unset = UNSET
        if not isinstance(self.sys, Unset):
            sys = self.sys.to_dict()

        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        ext: dict[str, Any] | Unset = UNSET
        if not isinstance(self.ext, Unset):
            ext = self.ext.to_dict()

        local_id = self.local_id

        name = self.name

        parent: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parent, Unset):
            parent = self.parent.to_dict()

        children: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.children, Unset):
            children = []
            for children_item_data in self.children:
                children_item = children_item_data.to_dict()
                children.append(children_item)

        students: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.students, Unset):
            students = []
            for students_item_data in self.students:
                students_item = students_item_data.to_dict()
                students.append(students_item)

        teachers: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.teachers, Unset):
            teachers = []
            for teachers_item_data in self.teachers:
                teachers_item = teachers_item_data.to_dict()
                teachers.append(teachers_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if sys is not UNSET:
            field_dict["$sys"] = sys
        if id is not UNSET:
            field_dict["id"] = id
        if ext is not UNSET:
            field_dict["$ext"] = ext
        if local_id is not UNSET:
            field_dict["local_id"] = local_id
        if name is not UNSET:
            field_dict["name"] = name
        if parent is not UNSET:
            field_dict["$parent"] = parent
        if children is not UNSET:
            field_dict["$children"] = children
        if students is not UNSET:
            field_dict["$students"] = students
        if teachers is not UNSET:
            field_dict["$teachers"] = teachers

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

        _id = d.pop("id", UNSET)
        id: str | Unset
        if _id is UNSET:
            id = UNSET
        else:
            id = parse_id(_id)

        _ext = d.pop("$ext", UNSET)
        ext: Any
        if _ext is UNSET:
            ext = UNSET
        else:
            ext = (LAZY, _ext)

        local_id = d.pop("local_id", UNSET)

        name = d.pop("name", UNSET)

        _parent = d.pop("$parent", UNSET)
        parent: Any
        if _parent is UNSET:
            parent = UNSET
        else:
            parent = (LAZY, _parent)

        _children = d.pop("$children", UNSET)
        children: Any = UNSET
        if _children is not UNSET:
            children = (LAZY, _children)

        _students = d.pop("$students", UNSET)
        students: Any = UNSET
        if _students is not UNSET:
            students = (LAZY, _students)

        _teachers = d.pop("$teachers", UNSET)
        teachers: Any = UNSET
        if _teachers is not UNSET:
            teachers = (LAZY, _teachers)

        org = cls(
            sys,
            id,
            ext,
            local_id,
            name,
            parent,
            children,
            students,
            teachers,
        )

        org.additional_properties = d
        return org

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
from ..models.org_sys_type import OrgSysType  # noqa: E402
from ..models.person_membership_ref_type import PersonMembershipRefType  # noqa: E402

lazy_fields(
    Org,
    sys=OrgSysType.from_dict,
    ext=ExtensionData.from_dict,
    parent=OrgRefType.from_dict,
    children=parse_each(OrgRefType.from_dict),
    students=parse_each(PersonMembershipRefType.from_dict),
    teachers=parse_each(PersonMembershipRefType.from_dict),
)
