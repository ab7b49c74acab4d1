from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    LAZY,
    UNSET,
    Unset,
    lazy_fields,
    parse_id,
    secrets_hidden,
)

T = TypeVar("T", bound="MembershipRefSys")


@_attrs_define
class MembershipRefSys:
    """The fields that name a referenced object and the membership that links it (kimono-api-java
    2.0.3 puts `$membership` inside the `$sys` of OrgMembershipSys and PersonMembershipSys).

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
    membership: MembershipType | Unset = UNSET
    """ The membership that links two objects (a person and an org or a section). kimono-api-java
    2.0.3 gives it only `id`, `type` and `label`; the status, grade, primary flag and dates are
    published on the stand-alone PersonOrgMembership and PersonSectionMembership objects
    (Wayside-Publishing/kimono-php, 2022-11) and are read here too when present.
     """
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

        membership: dict[str, Any] | Unset = UNSET
        if not isinstance(self.membership, Unset):
            membership = self.membership.to_dict()

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
        if membership is not UNSET:
            field_dict["$membership"] = membership

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

        _membership = d.pop("$membership", UNSET)
        membership: Any
        if _membership is UNSET:
            membership = UNSET
        else:
            membership = (LAZY, _membership)

        membership_ref_sys = cls(
            id,
            type_,
            label,
            source_id,
            app_id,
            created_at,
            updated_at,
            membership,
        )

        membership_ref_sys.additional_properties = d
        return membership_ref_sys

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
from ..models.membership_type import MembershipType  # noqa: E402

lazy_fields(
    MembershipRefSys,
    source_id=IdMap.from_dict,
    app_id=IdMap.from_dict,
    membership=MembershipType.from_dict,
)
