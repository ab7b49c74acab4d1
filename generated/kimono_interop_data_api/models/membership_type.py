from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.membership_status import MembershipStatus
from ..types import UNSET, Unset, parse_enum, parse_uuid

T = TypeVar("T", bound="MembershipType")


@_attrs_define
class MembershipType:
    """The membership that links two objects (a person and an org or a section)."""

    id: UUID | Unset = UNSET
    """ $sys.id of the referenced object. """
    type_: str | Unset = UNSET
    """ Object type (collection name) of the referenced object. """
    label: str | Unset = UNSET
    """ Human-readable label of the referenced object. """
    status: MembershipStatus | Unset = UNSET
    """ State of a membership relative to today. """
    grade: str | Unset = UNSET
    """ Grade level of the person within the org. """
    primary: bool | Unset = UNSET
    """ Whether this is the person's primary org (or the section's primary teacher). """
    start_date: datetime.date | Unset = UNSET
    """ First day of the membership. """
    end_date: datetime.date | Unset = UNSET
    """ Last day of the membership. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        type_ = self.type_

        label = self.label

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        grade = self.grade

        primary = self.primary

        start_date: str | Unset = UNSET
        if not isinstance(self.start_date, Unset):
            start_date = self.start_date.isoformat()

        end_date: str | Unset = UNSET
        if not isinstance(self.end_date, Unset):
            end_date = self.end_date.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if type_ is not UNSET:
            field_dict["type"] = type_
        if label is not UNSET:
            field_dict["label"] = label
        if status is not UNSET:
            field_dict["status"] = status
        if grade is not UNSET:
            field_dict["grade"] = grade
        if primary is not UNSET:
            field_dict["primary"] = primary
        if start_date is not UNSET:
            field_dict["start_date"] = start_date
        if end_date is not UNSET:
            field_dict["end_date"] = end_date

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _id = d.pop("id", UNSET)
        id: UUID | Unset
        if _id is UNSET:
            id = UNSET
        else:
            id = parse_uuid(_id)

        type_ = d.pop("type", UNSET)

        label = d.pop("label", UNSET)

        _status = d.pop("status", UNSET)
        status: MembershipStatus | Unset
        if _status is UNSET:
            status = UNSET
        else:
            status = parse_enum(MembershipStatus, _status)

        grade = d.pop("grade", UNSET)

        primary = d.pop("primary", UNSET)

        _start_date = d.pop("start_date", UNSET)
        start_date: datetime.date | Unset
        if _start_date is UNSET:
            start_date = UNSET
        else:
            start_date = datetime.date.fromisoformat(_start_date)

        _end_date = d.pop("end_date", UNSET)
        end_date: datetime.date | Unset
        if _end_date is UNSET:
            end_date = UNSET
        else:
            end_date = datetime.date.fromisoformat(_end_date)

        membership_type = cls(
            id,
            type_,
            label,
            status,
            grade,
            primary,
            start_date,
            end_date,
        )

        membership_type.additional_properties = d
        return membership_type

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
