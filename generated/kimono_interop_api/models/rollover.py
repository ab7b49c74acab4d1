from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.rollover_failure_reason import RolloverFailureReason
from ..models.rollover_status import RolloverStatus
from ..models.rollover_type import RolloverType
from ..types import UNSET, Unset, parse_enum, parse_id, secrets_hidden

T = TypeVar("T", bound="Rollover")


@_attrs_define
class Rollover:
    """A school-year rollover of the tenant."""

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
    name: str | Unset = UNSET
    """ Name of the rollover. """
    type_: RolloverType | Unset = UNSET
    """ Kind of rollover. """
    start_date: datetime.datetime | Unset = UNSET
    """ When the rollover starts. """
    end_date: datetime.datetime | Unset = UNSET
    """ When the rollover ends. """
    metadata: AuditMetadata | None | Unset = UNSET
    """ Audit record of the resource; may be null. """
    status: RolloverStatus | Unset = UNSET
    """ Where the rollover is in its life. """
    status_change_failure_count: int | Unset = UNSET
    """ How many status changes failed in a row. """
    failure_reason: RolloverFailureReason | Unset = UNSET
    """ Why the last status change of the rollover failed. """
    cloud_id: str | Unset = UNSET
    """ Interop Cloud of the rollover. """
    actor_id: str | Unset = UNSET
    """ Actor of the rollover. """
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

        name = self.name

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value

        start_date: str | Unset = UNSET
        if not isinstance(self.start_date, Unset):
            start_date = self.start_date.isoformat()

        end_date: str | Unset = UNSET
        if not isinstance(self.end_date, Unset):
            end_date = self.end_date.isoformat()

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, AuditMetadata):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        status_change_failure_count = self.status_change_failure_count

        failure_reason: str | Unset = UNSET
        if not isinstance(self.failure_reason, Unset):
            failure_reason = self.failure_reason.value

        cloud_id: str | Unset = UNSET
        if not isinstance(self.cloud_id, Unset):
            cloud_id = str(self.cloud_id)

        actor_id: str | Unset = UNSET
        if not isinstance(self.actor_id, Unset):
            actor_id = str(self.actor_id)

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
        if name is not UNSET:
            field_dict["name"] = name
        if type_ is not UNSET:
            field_dict["type"] = type_
        if start_date is not UNSET:
            field_dict["start_date"] = start_date
        if end_date is not UNSET:
            field_dict["end_date"] = end_date
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if status is not UNSET:
            field_dict["status"] = status
        if status_change_failure_count is not UNSET:
            field_dict["status_change_failure_count"] = status_change_failure_count
        if failure_reason is not UNSET:
            field_dict["failure_reason"] = failure_reason
        if cloud_id is not UNSET:
            field_dict["cloud_id"] = cloud_id
        if actor_id is not UNSET:
            field_dict["actor_id"] = actor_id

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

        name = d.pop("name", UNSET)

        _type_ = d.pop("type", UNSET)
        type_: RolloverType | Unset
        if _type_ is UNSET:
            type_ = UNSET
        else:
            type_ = parse_enum(RolloverType, _type_)

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

        _status = d.pop("status", UNSET)
        status: RolloverStatus | Unset
        if _status is UNSET:
            status = UNSET
        else:
            status = parse_enum(RolloverStatus, _status)

        status_change_failure_count = d.pop("status_change_failure_count", UNSET)

        _failure_reason = d.pop("failure_reason", UNSET)
        failure_reason: RolloverFailureReason | Unset
        if _failure_reason is UNSET:
            failure_reason = UNSET
        else:
            failure_reason = parse_enum(RolloverFailureReason, _failure_reason)

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

        rollover = cls(
            id,
            created_at,
            updated_at,
            account_id,
            tenant_id,
            name,
            type_,
            start_date,
            end_date,
            metadata,
            status,
            status_change_failure_count,
            failure_reason,
            cloud_id,
            actor_id,
        )

        rollover.additional_properties = d
        return rollover

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
