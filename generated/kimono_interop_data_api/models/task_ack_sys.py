from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, secrets_hidden

T = TypeVar("T", bound="TaskAckSys")


@_attrs_define
class TaskAckSys:
    """System metadata of an acknowledgement."""

    app_id: str | Unset = UNSET
    """ Identifier the Integration gave the object in its own id-space; Kimono records it as the
    object's `$sys.app_id` ("Interactive Sync": the ack of an ADD may carry it,
    client-kit-java tasks/KCTaskHandler.java). The vendor's current reference lists this
    field as `$sys.app_id`; the SDK sends it here.
     """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        app_id = self.app_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if app_id is not UNSET:
            field_dict["app_id"] = app_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        app_id = d.pop("app_id", UNSET)

        task_ack_sys = cls(
            app_id,
        )

        task_ack_sys.additional_properties = d
        return task_ack_sys

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
