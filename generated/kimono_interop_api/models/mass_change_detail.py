from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, secrets_hidden

T = TypeVar("T", bound="MassChangeDetail")


@_attrs_define
class MassChangeDetail:
    """How many objects of one type an ingestion adds, updates and deletes."""

    object_type: int | Unset = UNSET
    """ Object type, as Kimono numbers them. """
    object_subtype: int | Unset = UNSET
    """ Object subtype, as Kimono numbers them. """
    object_count: int | Unset = UNSET
    """ Objects of this type before the ingestion. """
    adds: int | Unset = UNSET
    """ Objects added. """
    updates: int | Unset = UNSET
    """ Objects updated. """
    deletes: int | Unset = UNSET
    """ Objects deleted. """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        object_type = self.object_type

        object_subtype = self.object_subtype

        object_count = self.object_count

        adds = self.adds

        updates = self.updates

        deletes = self.deletes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if object_type is not UNSET:
            field_dict["objectType"] = object_type
        if object_subtype is not UNSET:
            field_dict["objectSubtype"] = object_subtype
        if object_count is not UNSET:
            field_dict["objectCount"] = object_count
        if adds is not UNSET:
            field_dict["adds"] = adds
        if updates is not UNSET:
            field_dict["updates"] = updates
        if deletes is not UNSET:
            field_dict["deletes"] = deletes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_type = d.pop("objectType", UNSET)

        object_subtype = d.pop("objectSubtype", UNSET)

        object_count = d.pop("objectCount", UNSET)

        adds = d.pop("adds", UNSET)

        updates = d.pop("updates", UNSET)

        deletes = d.pop("deletes", UNSET)

        mass_change_detail = cls(
            object_type,
            object_subtype,
            object_count,
            adds,
            updates,
            deletes,
        )

        mass_change_detail.additional_properties = d
        return mass_change_detail

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
