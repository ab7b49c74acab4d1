from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.schedule_type import ScheduleType
from ..types import UNSET, Unset, parse_enum, parse_id, secrets_hidden

T = TypeVar("T", bound="Schedule")


@_attrs_define
class Schedule:
    """A schedule of the tenant."""

    id: str | Unset = UNSET
    """ Identifier of the resource. """
    created_at: datetime.datetime | Unset = UNSET
    """ When the resource was created. """
    updated_at: datetime.datetime | Unset = UNSET
    """ When the resource was last changed. """
    account_id: str | Unset = UNSET
    """ Account that owns the resource. """
    tenant_id: str | Unset = UNSET
    """ Tenant the resource belongs to. """
    type_: ScheduleType | Unset = UNSET
    """ Kind of schedule; only `collection` schedules can be created or run on demand. """
    last_executed_at: datetime.datetime | None | Unset = UNSET
    """ When the schedule last ran. """
    enabled: bool | Unset = UNSET
    """ The schedule runs (it is not paused). """
    hour: int | Unset = UNSET
    """ Hour of the day (UTC) at which the schedule runs. """
    days: str | Unset = UNSET
    """ Days on which the schedule runs. """
    metadata: AuditMetadata | None | Unset = UNSET
    """ Audit record of the resource; may be null. """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        account_id: str | Unset = UNSET
        if not isinstance(self.account_id, Unset):
            account_id = str(self.account_id)

        tenant_id: str | Unset = UNSET
        if not isinstance(self.tenant_id, Unset):
            tenant_id = str(self.tenant_id)

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value

        last_executed_at: None | str | Unset
        if isinstance(self.last_executed_at, Unset):
            last_executed_at = UNSET
        elif isinstance(self.last_executed_at, datetime.datetime):
            last_executed_at = self.last_executed_at.isoformat()
        else:
            last_executed_at = self.last_executed_at

        enabled = self.enabled

        hour = self.hour

        days = self.days

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, AuditMetadata):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at
        if account_id is not UNSET:
            field_dict["account_id"] = account_id
        if tenant_id is not UNSET:
            field_dict["tenant_id"] = tenant_id
        if type_ is not UNSET:
            field_dict["type"] = type_
        if last_executed_at is not UNSET:
            field_dict["last_executed_at"] = last_executed_at
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if hour is not UNSET:
            field_dict["hour"] = hour
        if days is not UNSET:
            field_dict["days"] = days
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _id = d.pop("id", UNSET)
        id: str | Unset
        if _id is UNSET:
            id = UNSET
        else:
            id = parse_id(_id)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if _created_at is UNSET:
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(
                _created_at.replace("Z", "+00:00")
            )

        _updated_at = d.pop("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if _updated_at is UNSET:
            updated_at = UNSET
        else:
            updated_at = datetime.datetime.fromisoformat(
                _updated_at.replace("Z", "+00:00")
            )

        _account_id = d.pop("account_id", UNSET)
        account_id: str | Unset
        if _account_id is UNSET:
            account_id = UNSET
        else:
            account_id = parse_id(_account_id)

        _tenant_id = d.pop("tenant_id", UNSET)
        tenant_id: str | Unset
        if _tenant_id is UNSET:
            tenant_id = UNSET
        else:
            tenant_id = parse_id(_tenant_id)

        _type_ = d.pop("type", UNSET)
        type_: ScheduleType | Unset
        if _type_ is UNSET:
            type_ = UNSET
        else:
            type_ = parse_enum(ScheduleType, _type_)

        def _parse_last_executed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_executed_at_type_0 = datetime.datetime.fromisoformat(
                    data.replace("Z", "+00:00")
                )

                return last_executed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        last_executed_at = _parse_last_executed_at(d.pop("last_executed_at", UNSET))

        enabled = d.pop("enabled", UNSET)

        hour = d.pop("hour", UNSET)

        days = d.pop("days", UNSET)

        def _parse_metadata(data: object) -> AuditMetadata | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = AuditMetadata.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AuditMetadata | None | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        schedule = cls(
            id,
            created_at,
            updated_at,
            account_id,
            tenant_id,
            type_,
            last_executed_at,
            enabled,
            hour,
            days,
            metadata,
        )

        schedule.additional_properties = d
        return schedule

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


from ..models.audit_metadata import AuditMetadata  # noqa: E402
