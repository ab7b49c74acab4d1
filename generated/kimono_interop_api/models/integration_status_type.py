from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, secrets_hidden

T = TypeVar("T", bound="IntegrationStatusType")


@_attrs_define
class IntegrationStatusType:
    """Operational and setup state of an Integration (or SIS) in a tenant."""

    op_state: str | Unset = UNSET
    """ Operational state. """
    setup_state: str | Unset = UNSET
    """ Setup state. """
    last_sync_at: datetime.datetime | Unset = UNSET
    """ When the last synchronization ran. """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        op_state = self.op_state

        setup_state = self.setup_state

        last_sync_at: str | Unset = UNSET
        if not isinstance(self.last_sync_at, Unset):
            last_sync_at = self.last_sync_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if op_state is not UNSET:
            field_dict["op_state"] = op_state
        if setup_state is not UNSET:
            field_dict["setup_state"] = setup_state
        if last_sync_at is not UNSET:
            field_dict["last_sync_at"] = last_sync_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        op_state = d.pop("op_state", UNSET)

        setup_state = d.pop("setup_state", UNSET)

        _last_sync_at = d.pop("last_sync_at", UNSET)
        last_sync_at: datetime.datetime | Unset
        if _last_sync_at is UNSET:
            last_sync_at = UNSET
        else:
            last_sync_at = datetime.datetime.fromisoformat(
                _last_sync_at.replace("Z", "+00:00")
            )

        integration_status_type = cls(
            op_state,
            setup_state,
            last_sync_at,
        )

        integration_status_type.additional_properties = d
        return integration_status_type

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
