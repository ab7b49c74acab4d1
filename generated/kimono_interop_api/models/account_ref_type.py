from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, parse_id, secrets_hidden

T = TypeVar("T", bound="AccountRefType")


@_attrs_define
class AccountRefType:
    """A reference to an account."""

    id: str | Unset = UNSET
    """ Identifier of the account. """
    name: str | Unset = UNSET
    """ Name of the account (the district). """
    public_id: str | Unset = UNSET
    """ Public identifier of the account. """
    timezone: str | Unset = UNSET
    """ Time zone of the account (IANA name). """
    userdata: str | Unset = UNSET
    """ Free-form data the account owner attached. """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        name = self.name

        public_id = self.public_id

        timezone = self.timezone

        userdata = self.userdata

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if public_id is not UNSET:
            field_dict["public_id"] = public_id
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
        if userdata is not UNSET:
            field_dict["userdata"] = userdata

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

        name = d.pop("name", UNSET)

        public_id = d.pop("public_id", UNSET)

        timezone = d.pop("timezone", UNSET)

        userdata = d.pop("userdata", UNSET)

        account_ref_type = cls(
            id,
            name,
            public_id,
            timezone,
            userdata,
        )

        account_ref_type.additional_properties = d
        return account_ref_type

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
