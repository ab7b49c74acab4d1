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

T = TypeVar("T", bound="TaskResponse")


@_attrs_define
class TaskResponse:
    """One Task."""

    data: Task
    """ One Task of the queue. Its shape depends on `schema` (absent: 1.x):
    1.x `{schema, dataEvent | syncEvent | lifecycleEvent | gradesQuery}` with camelCase fields;
    2.x `{schema, data_event | sync_event | lifecycle_event | grades_query | authenticate}`;
    3.x flat `{schema, type, id, action, ...}`. The id to acknowledge is the event's `id`:
    inside the event member in 1.x and 2.x, at the top in 3.x. Member names come from the
    vendor's parser (client-kit-java tasks/Task.java: 1.x camel-cased, 2.x lower-cased
    KCTaskType names) and the vendor's current reference (`authenticate`). The reference's
    example draws every member in one Task; a real Task carries one.
     """
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

        task_response = cls(
            data,
        )

        task_response.additional_properties = d
        return task_response

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


from ..models.task import Task  # noqa: E402

lazy_fields(TaskResponse, data=Task.from_dict)
