from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.grades_query_scope import GradesQueryScope
from ..models.grades_query_scope_by import GradesQueryScopeBy
from ..models.grades_summary_type import GradesSummaryType
from ..types import (
    LAZY,
    UNSET,
    Unset,
    lazy_fields,
    parse_enum,
    secrets_hidden,
)

T = TypeVar("T", bound="GradesQueryCondition")


@_attrs_define
class GradesQueryCondition:
    """One condition of a grades query (kimono-api-java grades ExchangeQueryConditions)."""

    scope: GradesQueryScope | Unset = UNSET
    """ What the condition's id names. """
    scope_by: GradesQueryScopeBy | Unset = UNSET
    """ Whether the condition names one object (`id`, see `scope_id`) or every one (`all`). """
    scope_id: GradesRef | Unset = UNSET
    """ A reference to the course or section a grades query is about. """
    graded_after: datetime.datetime | Unset = UNSET
    """ Only grades given after this time. """
    summary_type: GradesSummaryType | Unset = UNSET
    """ Which summary grade is asked for. """
    assignment_ids: list[str] | Unset = UNSET
    """ Only these assignments (the vendor's current Grades reference,
    developerdocs.instructure.com services/datasync/grades-oas).
     """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        scope: str | Unset = UNSET
        if not isinstance(self.scope, Unset):
            scope = self.scope.value

        scope_by: str | Unset = UNSET
        if not isinstance(self.scope_by, Unset):
            scope_by = self.scope_by.value

        scope_id: dict[str, Any] | Unset = UNSET
        if not isinstance(self.scope_id, Unset):
            scope_id = self.scope_id.to_dict()

        graded_after: str | Unset = UNSET
        if not isinstance(self.graded_after, Unset):
            graded_after = self.graded_after.isoformat()

        summary_type: str | Unset = UNSET
        if not isinstance(self.summary_type, Unset):
            summary_type = self.summary_type.value

        assignment_ids: list[str] | Unset = UNSET
        if not isinstance(self.assignment_ids, Unset):
            assignment_ids = self.assignment_ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if scope is not UNSET:
            field_dict["scope"] = scope
        if scope_by is not UNSET:
            field_dict["scope_by"] = scope_by
        if scope_id is not UNSET:
            field_dict["scope_id"] = scope_id
        if graded_after is not UNSET:
            field_dict["graded_after"] = graded_after
        if summary_type is not UNSET:
            field_dict["summary_type"] = summary_type
        if assignment_ids is not UNSET:
            field_dict["assignment_ids"] = assignment_ids

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _scope = d.pop("scope", UNSET)
        scope: GradesQueryScope | Unset
        if _scope is UNSET:
            scope = UNSET
        else:
            scope = parse_enum(GradesQueryScope, _scope)

        _scope_by = d.pop("scope_by", UNSET)
        scope_by: GradesQueryScopeBy | Unset
        if _scope_by is UNSET:
            scope_by = UNSET
        else:
            scope_by = parse_enum(GradesQueryScopeBy, _scope_by)

        _scope_id = d.pop("scope_id", UNSET)
        scope_id: Any
        if _scope_id is UNSET:
            scope_id = UNSET
        else:
            scope_id = (LAZY, _scope_id)

        _graded_after = d.pop("graded_after", UNSET)
        graded_after: datetime.datetime | Unset
        if _graded_after is UNSET:
            graded_after = UNSET
        else:
            graded_after = datetime.datetime.fromisoformat(
                _graded_after.replace("Z", "+00:00")
            )

        _summary_type = d.pop("summary_type", UNSET)
        summary_type: GradesSummaryType | Unset
        if _summary_type is UNSET:
            summary_type = UNSET
        else:
            summary_type = parse_enum(GradesSummaryType, _summary_type)

        assignment_ids = cast(list[str], d.pop("assignment_ids", UNSET))

        grades_query_condition = cls(
            scope,
            scope_by,
            scope_id,
            graded_after,
            summary_type,
            assignment_ids,
        )

        grades_query_condition.additional_properties = d
        return grades_query_condition

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


from ..models.grades_ref import GradesRef  # noqa: E402

lazy_fields(GradesQueryCondition, scope_id=GradesRef.from_dict)
