from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, secrets_hidden

T = TypeVar("T", bound="TenantLicense")


@_attrs_define
class TenantLicense:
    """The license under which the tenant runs the Integration."""

    status: str | Unset = UNSET
    """ Status of the license. """
    valid_from: datetime.datetime | Unset = UNSET
    """ Start of the license. """
    valid_to: datetime.datetime | Unset = UNSET
    """ End of the license. """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        valid_from: str | Unset = UNSET
        if not isinstance(self.valid_from, Unset):
            valid_from = self.valid_from.isoformat()

        valid_to: str | Unset = UNSET
        if not isinstance(self.valid_to, Unset):
            valid_to = self.valid_to.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if status is not UNSET:
            field_dict["status"] = status
        if valid_from is not UNSET:
            field_dict["valid_from"] = valid_from
        if valid_to is not UNSET:
            field_dict["valid_to"] = valid_to

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        status = d.pop("status", UNSET)

        _valid_from = d.pop("valid_from", UNSET)
        valid_from: datetime.datetime | Unset
        if _valid_from is UNSET:
            valid_from = UNSET
        else:
            valid_from = datetime.datetime.fromisoformat(
                _valid_from.replace("Z", "+00:00")
            )

        _valid_to = d.pop("valid_to", UNSET)
        valid_to: datetime.datetime | Unset
        if _valid_to is UNSET:
            valid_to = UNSET
        else:
            valid_to = datetime.datetime.fromisoformat(_valid_to.replace("Z", "+00:00"))

        tenant_license = cls(
            status,
            valid_from,
            valid_to,
        )

        tenant_license.additional_properties = d
        return tenant_license

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
