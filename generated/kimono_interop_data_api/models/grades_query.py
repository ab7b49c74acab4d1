from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.grades_query_type import GradesQueryType
from ..types import (
    LAZY,
    UNSET,
    Unset,
    lazy_fields,
    parse_each,
    parse_enum,
    secrets_hidden,
)

T = TypeVar("T", bound="GradesQuery")


@_attrs_define
class GradesQuery:
    """The grades asked for, and the conditions they must meet."""

    type_: GradesQueryType | Unset = UNSET
    """ What kind of grades are asked for (kimono-api-java grades ExchangeQuery.TypeEnum). """
    conditions: list[GradesQueryCondition] | Unset = UNSET
    """ Conditions the grades must meet (all of them). """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value

        conditions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.conditions, Unset):
            conditions = []
            for conditions_item_data in self.conditions:
                conditions_item = conditions_item_data.to_dict()
                conditions.append(conditions_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if type_ is not UNSET:
            field_dict["type"] = type_
        if conditions is not UNSET:
            field_dict["conditions"] = conditions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _type_ = d.pop("type", UNSET)
        type_: GradesQueryType | Unset
        if _type_ is UNSET:
            type_ = UNSET
        else:
            type_ = parse_enum(GradesQueryType, _type_)

        _conditions = d.pop("conditions", UNSET)
        conditions: Any = UNSET
        if _conditions is not UNSET:
            conditions = (LAZY, _conditions)

        grades_query = cls(
            type_,
            conditions,
        )

        grades_query.additional_properties = d
        return grades_query

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


from ..models.grades_query_condition import GradesQueryCondition  # noqa: E402

lazy_fields(GradesQuery, conditions=parse_each(GradesQueryCondition.from_dict))
