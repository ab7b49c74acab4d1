from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    LAZY,
    lazy_fields,
    secrets_hidden,
)

T = TypeVar("T", bound="TenantInfoResponse")


@_attrs_define
class TenantInfoResponse:
    """One TenantInfo."""

    data: TenantInfo
    """ An Integration tenant you are licensed and authorized to serve, with its credentials. """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        data: Any = (LAZY, d.pop("data"))

        tenant_info_response = cls(
            data,
        )

        tenant_info_response.additional_properties = d
        return tenant_info_response

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


from ..models.tenant_info import TenantInfo  # noqa: E402

lazy_fields(TenantInfoResponse, data=TenantInfo.from_dict)
