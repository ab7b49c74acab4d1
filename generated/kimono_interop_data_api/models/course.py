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

T = TypeVar("T", bound="Course")


@_attrs_define
class Course:
    """A course offered by one or more orgs. `$sys` is optional (kimono-api-java 2.0.0 and 2.0.3
    interop-data/docs/Course.md).

    """

    sys: SysType | Unset = UNSET
    """ System metadata (`$sys`) Kimono keeps for every rostering object. """
    ext: ExtensionData | Unset = UNSET
    """ Extension attributes (`$ext`) a repository attached to an object, by name. """
    local_id: str | Unset = UNSET
    """ Identifier of the Course in the source system (course code). """
    title: str | Unset = UNSET
    """ Title of the Course. """
    description: str | Unset = UNSET
    """ Description of the Course. """
    orgs: list[OrgRefType] | Unset = UNSET
    """ Orgs that offer the Course. """
    sections: list[RefType] | Unset = UNSET
    """ Sections of the Course. """
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

        orgs: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.orgs, Unset):
            orgs = []
            for orgs_item_data in self.orgs:
                orgs_item = orgs_item_data.to_dict()
                orgs.append(orgs_item)

        sections: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.sections, Unset):
            sections = []
            for sections_item_data in self.sections:
                sections_item = sections_item_data.to_dict()
                sections.append(sections_item)

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
        if orgs is not UNSET:
            field_dict["$orgs"] = orgs
        if sections is not UNSET:
            field_dict["$sections"] = sections

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

        _orgs = d.pop("$orgs", UNSET)
        orgs: Any = UNSET
        if _orgs is not UNSET:
            orgs = (LAZY, _orgs)

        _sections = d.pop("$sections", UNSET)
        sections: Any = UNSET
        if _sections is not UNSET:
            sections = (LAZY, _sections)

        course = cls(
            sys,
            ext,
            local_id,
            title,
            description,
            orgs,
            sections,
        )

        course.additional_properties = d
        return course

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
from ..models.ref_type import RefType  # noqa: E402
from ..models.sys_type import SysType  # noqa: E402

lazy_fields(
    Course,
    sys=SysType.from_dict,
    ext=ExtensionData.from_dict,
    orgs=parse_each(OrgRefType.from_dict),
    sections=parse_each(RefType.from_dict),
)
