from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    LAZY,
    UNSET,
    Unset,
    lazy_fields,
    parse_each,
    secrets_hidden,
)

T = TypeVar("T", bound="IngestionsResponse")


@_attrs_define
class IngestionsResponse:
    """One page of Ingestions."""

    data: list[Ingestion]
    """ The Ingestions of this page. """
    paging: Paging | Unset = UNSET
    """ Where the next page is. """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        paging: dict[str, Any] | Unset = UNSET
        if not isinstance(self.paging, Unset):
            paging = self.paging.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
            }
        )
        if paging is not UNSET:
            field_dict["paging"] = paging

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        data: Any = (LAZY, d.pop("data"))

        _paging = d.pop("paging", UNSET)
        paging: Any
        if _paging is UNSET:
            paging = UNSET
        else:
            paging = (LAZY, _paging)

        ingestions_response = cls(
            data,
            paging,
        )

        ingestions_response.additional_properties = d
        return ingestions_response

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


from ..models.ingestion import Ingestion  # noqa: E402
from ..models.paging import Paging  # noqa: E402

lazy_fields(
    IngestionsResponse, data=parse_each(Ingestion.from_dict), paging=Paging.from_dict
)
