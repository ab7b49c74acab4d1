from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.org_type import OrgType
from ..types import (
    LAZY,
    UNSET,
    Unset,
    lazy_fields,
    parse_enum,
    parse_id,
    secrets_hidden,
)

T = TypeVar("T", bound="OrgSysType")


@_attrs_define
class OrgSysType:
    """System metadata of an Org."""

    id: str
    """ Kimono's identifier of the object; use it with the find operations. """
    type_: str | Unset = UNSET
    """ Object type. Two vocabularies are published: collection names (`orgs`, `persons`,
    `courses`, `sections`, `terms`: the 2019 reference) and class names (`Org`, `Person`,
    `PersonOrgMembership`: kimonocloud/api-examples java/load/data/*.json). Compare without
    regard to case and plural, or better, rely on the collection you read from.
     """
    label: str | Unset = UNSET
    """ Human-readable label of the object. """
    school_year: int | Unset = UNSET
    """ School year the object belongs to (the calendar year in which it ends). """
    created_at: datetime.datetime | Unset = UNSET
    """ When Kimono first saw the object. """
    updated_at: datetime.datetime | Unset = UNSET
    """ When Kimono last saw the object change. """
    source_id: IdMap | Unset = UNSET
    """ Identifiers of the object in other id-spaces, keyed by id-space (an SIS, an application). """
    app_id: IdMap | Unset = UNSET
    """ Identifiers of the object in other id-spaces, keyed by id-space (an SIS, an application). """
    org_type: OrgType | Unset = UNSET
    """ Kind of Org. Open set, in two casings: `lea` and `school` (the 2019 reference, the vendor's
    example code kimonocloud/api-examples java/show KimonoRostering.java), `LEA` and `School`
    (kimonocloud/api-examples java/load/data/LEA.json and SCHOOL.json, data/simple/in.xml).
    Compare with `str(value).lower()`.
     """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        type_ = self.type_

        label = self.label

        school_year = self.school_year

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        source_id: dict[str, Any] | Unset = UNSET
        if not isinstance(self.source_id, Unset):
            source_id = self.source_id.to_dict()

        app_id: dict[str, Any] | Unset = UNSET
        if not isinstance(self.app_id, Unset):
            app_id = self.app_id.to_dict()

        org_type: str | Unset = UNSET
        if not isinstance(self.org_type, Unset):
            org_type = self.org_type.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if type_ is not UNSET:
            field_dict["type"] = type_
        if label is not UNSET:
            field_dict["label"] = label
        if school_year is not UNSET:
            field_dict["school_year"] = school_year
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at
        if source_id is not UNSET:
            field_dict["source_id"] = source_id
        if app_id is not UNSET:
            field_dict["app_id"] = app_id
        if org_type is not UNSET:
            field_dict["org_type"] = org_type

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = parse_id(d.pop("id"))

        type_ = d.pop("type", UNSET)

        label = d.pop("label", UNSET)

        school_year = d.pop("school_year", UNSET)

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

        _org_type = d.pop("org_type", UNSET)
        org_type: OrgType | Unset
        if _org_type is UNSET:
            org_type = UNSET
        else:
            org_type = parse_enum(OrgType, _org_type)

        org_sys_type = cls(
            id,
            type_,
            label,
            school_year,
            created_at,
            updated_at,
            source_id,
            app_id,
            org_type,
        )

        org_sys_type.additional_properties = d
        return org_sys_type

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

lazy_fields(OrgSysType, source_id=IdMap.from_dict, app_id=IdMap.from_dict)
