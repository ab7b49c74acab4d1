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
    secrets_hidden,
)

T = TypeVar("T", bound="GradesRef")


@_attrs_define
class GradesRef:
    """A reference to the course or section a grades query is about."""

    name: str | Unset = UNSET
    """ Name of the referenced object (the current Grades reference). """
    sys: RefSys | Unset = UNSET
    """ The fields that name a referenced object: its id, type and label, and its ids in other
    id-spaces. Since 2020 they are nested under `$sys` inside each relationship
    (`{"$sys": {"id": ..., "type": ..., "label": ...}}`): kimonocloud/kimono-api-java commit
    3295c39 (released as 2.0.3, 2020-03) turned every relationship of interop-data/docs
    (OrgSys, PersonMembershipSys, OrgMembershipSys, TermSys, SectionSys, RefSys) into that
    wrapper. The flat form of the 2019 documents (the same fields directly in the relationship)
    is still read, until a live recording settles which one the service sends today;
    kimono-api-java 2.0.3 itself keeps `Person.$sections` flat. Open: a reference may carry
    attributes of the object it names (`local_id`, `title`, `name`, dates), which
    Wayside-Publishing/kimono-php added after live traffic (commits fa75801, 294f631, 5d21921:
    Section `$course`, `$org`, `$terms` and membership `$org`, `$person`, `$section` as full
    objects).
     """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        sys: dict[str, Any] | Unset = UNSET
        if not isinstance(self.sys, Unset):
            sys = self.sys.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if sys is not UNSET:
            field_dict["$sys"] = sys

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        _sys = d.pop("$sys", UNSET)
        sys: Any
        if _sys is UNSET:
            sys = UNSET
        else:
            sys = (LAZY, _sys)

        grades_ref = cls(
            name,
            sys,
        )

        grades_ref.additional_properties = d
        return grades_ref

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


from ..models.ref_sys import RefSys  # noqa: E402

lazy_fields(GradesRef, sys=RefSys.from_dict)
