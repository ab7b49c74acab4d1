from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.task_ack_status import TaskAckStatus
from ..types import (
    LAZY,
    UNSET,
    Unset,
    lazy_fields,
    parse_enum,
    secrets_hidden,
)

T = TypeVar("T", bound="TaskAck")


@_attrs_define
class TaskAck:
    """The acknowledgement of one Task."""

    task_id: str | Unset = UNSET
    """ Task ID to acknowledge (Required if multiple TaskAcks are in a single request). A UUID
    in every source; a string here, like the Task's `id`.
     """
    status: TaskAckStatus | Unset = UNSET
    """ Outcome of handling a Task: `success`; `error` (failed, do not deliver again; give a
    message); `retry` (failed, deliver again later; give a message); `reauthenticate` (the
    Integration's credentials for the target system need renewing).
     """
    message: str | Unset = UNSET
    """ Optional message to record and display in Kimono. Give one with `error` and `retry`. """
    error: ErrorType | Unset = UNSET
    """ An error reported by Kimono. """
    params: TaskAckParams | Unset = UNSET
    """ Optional key/value pairs to record in Kimono. Some Task types prescribe parameters be
    returned when a Task is acknowledged.
     """
    app_id: str | Unset = UNSET
    """ The same as `$sys.app_id`, where the vendor's driver framework puts it
    (client-kit-java AdminTasksApiNonOAS.java sends `{"status", "message", "app_id"}`).
    The SDK sends both this and `$sys.app_id`, the field of the current reference: which
    one the live service reads, no public source says.
     """
    sys: TaskAckSys | Unset = UNSET
    """ System metadata of an acknowledgement. """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        task_id = self.task_id

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        message = self.message

        error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error, Unset):
            error = self.error.to_dict()

        params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.params, Unset):
            params = self.params.to_dict()

        app_id = self.app_id

        sys: dict[str, Any] | Unset = UNSET
        if not isinstance(self.sys, Unset):
            sys = self.sys.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if task_id is not UNSET:
            field_dict["task_id"] = task_id
        if status is not UNSET:
            field_dict["status"] = status
        if message is not UNSET:
            field_dict["message"] = message
        if error is not UNSET:
            field_dict["error"] = error
        if params is not UNSET:
            field_dict["params"] = params
        if app_id is not UNSET:
            field_dict["app_id"] = app_id
        if sys is not UNSET:
            field_dict["$sys"] = sys

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        task_id = d.pop("task_id", UNSET)

        _status = d.pop("status", UNSET)
        status: TaskAckStatus | Unset
        if _status is UNSET:
            status = UNSET
        else:
            status = parse_enum(TaskAckStatus, _status)

        message = d.pop("message", UNSET)

        _error = d.pop("error", UNSET)
        error: Any
        if _error is UNSET:
            error = UNSET
        else:
            error = (LAZY, _error)

        _params = d.pop("params", UNSET)
        params: Any
        if _params is UNSET:
            params = UNSET
        else:
            params = (LAZY, _params)

        app_id = d.pop("app_id", UNSET)

        _sys = d.pop("$sys", UNSET)
        sys: Any
        if _sys is UNSET:
            sys = UNSET
        else:
            sys = (LAZY, _sys)

        task_ack = cls(
            task_id,
            status,
            message,
            error,
            params,
            app_id,
            sys,
        )

        task_ack.additional_properties = d
        return task_ack

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


from ..models.error_type import ErrorType  # noqa: E402
from ..models.task_ack_params import TaskAckParams  # noqa: E402
from ..models.task_ack_sys import TaskAckSys  # noqa: E402

lazy_fields(
    TaskAck,
    error=ErrorType.from_dict,
    params=TaskAckParams.from_dict,
    sys=TaskAckSys.from_dict,
)
