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
    parse_id,
    secrets_hidden,
)

T = TypeVar("T", bound="GradesQueryData")


@_attrs_define
class GradesQueryData:
    """What a grades query asks for (kimonocloud/api-examples java/grades GradesExample.java reads
    `exchange_id`, `max_data_content_length` and `query`; kimono-api-java grades ExchangeQuery
    and ExchangeQueryConditions give the query's shape).

    """

    exchange_id: str | Unset = UNSET
    """ The Grades exchange to post the answer to. """
    max_data_content_length: int | Unset = UNSET
    """ Most bytes one answer request may carry; split larger answers. """
    query: GradesQuery | Unset = UNSET
    """ The grades asked for, and the conditions they must meet. """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        exchange_id: str | Unset = UNSET
        if not isinstance(self.exchange_id, Unset):
            exchange_id = str(self.exchange_id)

        max_data_content_length = self.max_data_content_length

        query: dict[str, Any] | Unset = UNSET
        if not isinstance(self.query, Unset):
            query = self.query.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if exchange_id is not UNSET:
            field_dict["exchange_id"] = exchange_id
        if max_data_content_length is not UNSET:
            field_dict["max_data_content_length"] = max_data_content_length
        if query is not UNSET:
            field_dict["query"] = query

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _exchange_id = d.pop("exchange_id", UNSET)
        exchange_id: str | Unset
        if _exchange_id is UNSET:
            exchange_id = UNSET
        else:
            exchange_id = parse_id(_exchange_id)

        max_data_content_length = d.pop("max_data_content_length", UNSET)

        _query = d.pop("query", UNSET)
        query: Any
        if _query is UNSET:
            query = UNSET
        else:
            query = (LAZY, _query)

        grades_query_data = cls(
            exchange_id,
            max_data_content_length,
            query,
        )

        grades_query_data.additional_properties = d
        return grades_query_data

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


from ..models.grades_query import GradesQuery  # noqa: E402

lazy_fields(GradesQueryData, query=GradesQuery.from_dict)
