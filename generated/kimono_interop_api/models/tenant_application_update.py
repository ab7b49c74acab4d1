from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.tenant_application_auth_state import TenantApplicationAuthState
from ..types import (
    LAZY,
    UNSET,
    Unset,
    lazy_fields,
    parse_enum,
    secrets_hidden,
)

T = TypeVar("T", bound="TenantApplicationUpdate")


@_attrs_define
class TenantApplicationUpdate:
    """The subset of the Tenant Application a driver may change during authentication setup."""

    auth_message: str | Unset = UNSET
    """ Message about the authentication, shown in Kimono. """
    auth_props_pending: StringMap | Unset = UNSET
    """ Named string values. """
    auth_state_pending: TenantApplicationAuthState | Unset = UNSET
    """ State of the application's authentication setup. The pending state is `updating` while a
    setup runs and can be set to `confirmed` or `error` by the driver.
     """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        auth_message = self.auth_message

        auth_props_pending: dict[str, Any] | Unset = UNSET
        if not isinstance(self.auth_props_pending, Unset):
            auth_props_pending = self.auth_props_pending.to_dict()

        auth_state_pending: str | Unset = UNSET
        if not isinstance(self.auth_state_pending, Unset):
            auth_state_pending = self.auth_state_pending.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if auth_message is not UNSET:
            field_dict["auth_message"] = auth_message
        if auth_props_pending is not UNSET:
            field_dict["auth_props_pending"] = auth_props_pending
        if auth_state_pending is not UNSET:
            field_dict["auth_state_pending"] = auth_state_pending

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        auth_message = d.pop("auth_message", UNSET)

        _auth_props_pending = d.pop("auth_props_pending", UNSET)
        auth_props_pending: Any
        if _auth_props_pending is UNSET:
            auth_props_pending = UNSET
        else:
            auth_props_pending = (LAZY, _auth_props_pending)

        _auth_state_pending = d.pop("auth_state_pending", UNSET)
        auth_state_pending: TenantApplicationAuthState | Unset
        if _auth_state_pending is UNSET:
            auth_state_pending = UNSET
        else:
            auth_state_pending = parse_enum(
                TenantApplicationAuthState, _auth_state_pending
            )

        tenant_application_update = cls(
            auth_message,
            auth_props_pending,
            auth_state_pending,
        )

        tenant_application_update.additional_properties = d
        return tenant_application_update

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


from ..models.string_map import StringMap  # noqa: E402

lazy_fields(TenantApplicationUpdate, auth_props_pending=StringMap.from_dict)
