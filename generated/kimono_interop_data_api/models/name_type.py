from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, secrets_hidden

T = TypeVar("T", bound="NameType")


@_attrs_define
class NameType:
    """A person's name."""

    last: str | Unset = UNSET
    """ Family name. """
    first: str | Unset = UNSET
    """ Given name. """
    middle: str | Unset = UNSET
    """ Middle name or initial. """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        last = self.last

        first = self.first

        middle = self.middle

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if last is not UNSET:
            field_dict["last"] = last
        if first is not UNSET:
            field_dict["first"] = first
        if middle is not UNSET:
            field_dict["middle"] = middle

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        last = d.pop("last", UNSET)

        first = d.pop("first", UNSET)

        middle = d.pop("middle", UNSET)

        name_type = cls(
            last,
            first,
            middle,
        )

        name_type.additional_properties = d
        return name_type

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
