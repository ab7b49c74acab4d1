from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.auth_kind import AuthKind
from ..types import UNSET, Unset, parse_enum

T = TypeVar("T", bound="AuthType")


@_attrs_define
class AuthType:
    """Credentials to call the Kimono APIs as an actor or tenant. Secret; never log it."""

    type_: AuthKind | Unset = UNSET
    """ How a tenant or actor authenticates to the Kimono APIs. The vendor's driver framework
    matches it without regard to case (client-kit-java impl/Credentials.java forTenant
    upper-cases it), and so does the SDK.
     """
    client_id: str | Unset = UNSET
    """ OAuth2 client id (or Basic user name). """
    client_secret: str | Unset = _attrs_field(repr=False, default=UNSET)
    """ OAuth2 client secret (or Basic password). Secret. """
    updated_at: datetime.datetime | Unset = UNSET
    """ When the credentials were last changed. """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=False
    )

    def to_dict(self) -> dict[str, Any]:
        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value

        client_id = self.client_id

        client_secret = self.client_secret

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if type_ is not UNSET:
            field_dict["type"] = type_
        if client_id is not UNSET:
            field_dict["client_id"] = client_id
        if client_secret is not UNSET:
            field_dict["client_secret"] = client_secret
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _type_ = d.pop("type", UNSET)
        type_: AuthKind | Unset
        if _type_ is UNSET:
            type_ = UNSET
        else:
            type_ = parse_enum(AuthKind, _type_)

        client_id = d.pop("client_id", UNSET)

        client_secret = d.pop("client_secret", UNSET)

        _updated_at = d.pop("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if _updated_at is UNSET:
            updated_at = UNSET
        else:
            updated_at = datetime.datetime.fromisoformat(
                _updated_at.replace("Z", "+00:00")
            )

        auth_type = cls(
            type_,
            client_id,
            client_secret,
            updated_at,
        )

        auth_type.additional_properties = d
        return auth_type

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
