from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.membership_status import MembershipStatus
from ..types import (
    LAZY,
    UNSET,
    Unset,
    lazy_fields,
    parse_enum,
    parse_id,
    secrets_hidden,
)

T = TypeVar("T", bound="MembershipType")


@_attrs_define
class MembershipType:
    """The membership that links two objects (a person and an org or a section). kimono-api-java
    2.0.3 gives it only `id`, `type` and `label`; the status, grade, primary flag and dates are
    published on the stand-alone PersonOrgMembership and PersonSectionMembership objects
    (Wayside-Publishing/kimono-php, 2022-11) and are read here too when present.

    """

    id: str | Unset = UNSET
    """ $sys.id of the referenced object. """
    type_: str | Unset = UNSET
    """ Type of the referenced object: a collection name (`orgs`, `sections`) or a class name
    (`Org`, `Person`, `PersonOrgMembership` in kimonocloud/api-examples java/load/data).
     """
    label: str | Unset = UNSET
    """ Human-readable label of the referenced object. """
    source_id: IdMap | Unset = UNSET
    """ Identifiers of the object in other id-spaces, keyed by id-space (an SIS, an application). """
    app_id: IdMap | Unset = UNSET
    """ Identifiers of the object in other id-spaces, keyed by id-space (an SIS, an application). """
    created_at: datetime.datetime | Unset = UNSET
    """ When Kimono first saw the referenced object (grades references carry it). """
    updated_at: datetime.datetime | Unset = UNSET
    """ When Kimono last saw the referenced object change. """
    status: MembershipStatus | Unset = UNSET
    """ State of a membership relative to today (Wayside-Publishing/kimono-php commits 6c32221 and
    f372903, corrected against live traffic in 2022-11).
     """
    grade: str | Unset = UNSET
    """ Grade level of the person within the org. """
    primary: bool | Unset = UNSET
    """ Whether this is the person's primary org (or the section's primary teacher). """
    start_date: datetime.date | Unset = UNSET
    """ First day of the membership. """
    end_date: datetime.date | Unset = UNSET
    """ Last day of the membership. """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        type_ = self.type_

        label = self.label

        source_id: dict[str, Any] | Unset = UNSET
        if not isinstance(self.source_id, Unset):
            source_id = self.source_id.to_dict()

        app_id: dict[str, Any] | Unset = UNSET
        if not isinstance(self.app_id, Unset):
            app_id = self.app_id.to_dict()

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

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
        if source_id is not UNSET:
            field_dict["source_id"] = source_id
        if app_id is not UNSET:
            field_dict["app_id"] = app_id
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at
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
        id: str | Unset
        if _id is UNSET:
            id = UNSET
        else:
            id = parse_id(_id)

        type_ = d.pop("type", UNSET)

        label = d.pop("label", UNSET)

        _source_id = d.pop("source_id", UNSET)
        source_id: Any
        if _source_id is UNSET:
            source_id = UNSET
        else:
            source_id = (LAZY, _source_id)

        _app_id = d.pop("app_id", UNSET)
        app_id: Any
        if _app_id is UNSET:
            app_id = UNSET
        else:
            app_id = (LAZY, _app_id)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if _created_at is UNSET:
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(
                _created_at.replace("Z", "+00:00")
            )

        _updated_at = d.pop("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if _updated_at is UNSET:
            updated_at = UNSET
        else:
            updated_at = datetime.datetime.fromisoformat(
                _updated_at.replace("Z", "+00:00")
            )

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
            source_id,
            app_id,
            created_at,
            updated_at,
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


from ..models.id_map import IdMap  # noqa: E402

lazy_fields(MembershipType, source_id=IdMap.from_dict, app_id=IdMap.from_dict)
