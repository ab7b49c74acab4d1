from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.rollover_status import RolloverStatus
from ..models.rollover_type import RolloverType
from ..types import UNSET, Unset, parse_enum, parse_id, secrets_hidden

T = TypeVar("T", bound="RolloverRequest")


@_attrs_define
class RolloverRequest:
    """A rollover to create, or the new state of one."""

    name: str | Unset = UNSET
    """ Name of the rollover. """
    type_: RolloverType | Unset = UNSET
    """ Kind of rollover. """
    status: RolloverStatus | Unset = UNSET
    """ Where the rollover is in its life. """
    start_date: datetime.datetime | Unset = UNSET
    """ When the rollover starts. """
    end_date: datetime.datetime | Unset = UNSET
    """ When the rollover ends. """
    cloud_id: str | Unset = UNSET
    """ Interop Cloud of the rollover. """
    actor_id: str | Unset = UNSET
    """ Actor of the rollover. """
    metadata: AuditMetadata | None | Unset = UNSET
    """ Audit record of the resource; may be null. """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        start_date: str | Unset = UNSET
        if not isinstance(self.start_date, Unset):
            start_date = self.start_date.isoformat()

        end_date: str | Unset = UNSET
        if not isinstance(self.end_date, Unset):
            end_date = self.end_date.isoformat()

        cloud_id: str | Unset = UNSET
        if not isinstance(self.cloud_id, Unset):
            cloud_id = str(self.cloud_id)

        actor_id: str | Unset = UNSET
        if not isinstance(self.actor_id, Unset):
            actor_id = str(self.actor_id)

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
        if name is not UNSET:
            field_dict["name"] = name
        if type_ is not UNSET:
            field_dict["type"] = type_
        if status is not UNSET:
            field_dict["status"] = status
        if start_date is not UNSET:
            field_dict["start_date"] = start_date
        if end_date is not UNSET:
            field_dict["end_date"] = end_date
        if cloud_id is not UNSET:
            field_dict["cloud_id"] = cloud_id
        if actor_id is not UNSET:
            field_dict["actor_id"] = actor_id
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        _type_ = d.pop("type", UNSET)
        type_: RolloverType | Unset
        if _type_ is UNSET:
            type_ = UNSET
        else:
            type_ = parse_enum(RolloverType, _type_)

        _status = d.pop("status", UNSET)
        status: RolloverStatus | Unset
        if _status is UNSET:
            status = UNSET
        else:
            status = parse_enum(RolloverStatus, _status)

        _start_date = d.pop("start_date", UNSET)
        start_date: datetime.datetime | Unset
        if _start_date is UNSET:
            start_date = UNSET
        else:
            start_date = datetime.datetime.fromisoformat(
                _start_date.replace("Z", "+00:00")
            )

        _end_date = d.pop("end_date", UNSET)
        end_date: datetime.datetime | Unset
        if _end_date is UNSET:
            end_date = UNSET
        else:
            end_date = datetime.datetime.fromisoformat(_end_date.replace("Z", "+00:00"))

        _cloud_id = d.pop("cloud_id", UNSET)
        cloud_id: str | Unset
        if _cloud_id is UNSET:
            cloud_id = UNSET
        else:
            cloud_id = parse_id(_cloud_id)

        _actor_id = d.pop("actor_id", UNSET)
        actor_id: str | Unset
        if _actor_id is UNSET:
            actor_id = UNSET
        else:
            actor_id = parse_id(_actor_id)

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

        rollover_request = cls(
            name,
            type_,
            status,
            start_date,
            end_date,
            cloud_id,
            actor_id,
            metadata,
        )

        rollover_request.additional_properties = d
        return rollover_request

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
