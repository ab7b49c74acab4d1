from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.ingestion_state import IngestionState
from ..models.ingestion_type import IngestionType
from ..types import (
    LAZY,
    UNSET,
    Unset,
    lazy_fields,
    parse_each,
    parse_enum,
    parse_id,
    secrets_hidden,
)

T = TypeVar("T", bound="Ingestion")


@_attrs_define
class Ingestion:
    """An ingestion into the tenant's repository."""

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
    type_: IngestionType | Unset = UNSET
    """ Kind of ingestion. """
    state: IngestionState | Unset = UNSET
    """ Where the ingestion is in its life. """
    started_at: datetime.datetime | None | Unset = UNSET
    """ When the ingestion started. """
    external_import_ids: list[str] | Unset = UNSET
    """ Identifiers of the imports in the source system. """
    has_pending_task: bool | Unset = UNSET
    """ A Task of the ingestion is still waiting to be acknowledged. """
    mass_change_details: list[MassChangeDetail] | Unset = UNSET
    """ Counts of the changes, by object type, when the ingestion is a mass change. """
    metadata: IngestionMetadata | None | Unset = UNSET
    """ Scheduling information of the ingestion; may be null. """
    session_token: str | Unset = _attrs_field(repr=False, default=UNSET)
    """ Session token of the ingestion. Secret. """
    topics: list[str] | Unset = UNSET
    """ Topics the ingestion publishes to. """
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

        state: str | Unset = UNSET
        if not isinstance(self.state, Unset):
            state = self.state.value

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        external_import_ids: list[str] | Unset = UNSET
        if not isinstance(self.external_import_ids, Unset):
            external_import_ids = self.external_import_ids

        has_pending_task = self.has_pending_task

        mass_change_details: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.mass_change_details, Unset):
            mass_change_details = []
            for mass_change_details_item_data in self.mass_change_details:
                mass_change_details_item = mass_change_details_item_data.to_dict()
                mass_change_details.append(mass_change_details_item)

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, IngestionMetadata):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        session_token = self.session_token

        topics: list[str] | Unset = UNSET
        if not isinstance(self.topics, Unset):
            topics = self.topics

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
        if state is not UNSET:
            field_dict["state"] = state
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if external_import_ids is not UNSET:
            field_dict["external_import_ids"] = external_import_ids
        if has_pending_task is not UNSET:
            field_dict["has_pending_task"] = has_pending_task
        if mass_change_details is not UNSET:
            field_dict["mass_change_details"] = mass_change_details
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if session_token is not UNSET:
            field_dict["session_token"] = session_token
        if topics is not UNSET:
            field_dict["topics"] = topics

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
        type_: IngestionType | Unset
        if _type_ is UNSET:
            type_ = UNSET
        else:
            type_ = parse_enum(IngestionType, _type_)

        _state = d.pop("state", UNSET)
        state: IngestionState | Unset
        if _state is UNSET:
            state = UNSET
        else:
            state = parse_enum(IngestionState, _state)

        def _parse_started_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(
                    data.replace("Z", "+00:00")
                )

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        started_at = _parse_started_at(d.pop("started_at", UNSET))

        external_import_ids = cast(list[str], d.pop("external_import_ids", UNSET))

        has_pending_task = d.pop("has_pending_task", UNSET)

        _mass_change_details = d.pop("mass_change_details", UNSET)
        mass_change_details: Any = UNSET
        if _mass_change_details is not UNSET:
            mass_change_details = (LAZY, _mass_change_details)

        def _parse_metadata(data: object) -> IngestionMetadata | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = IngestionMetadata.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(IngestionMetadata | None | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        session_token = d.pop("session_token", UNSET)

        topics = cast(list[str], d.pop("topics", UNSET))

        ingestion = cls(
            id,
            created_at,
            updated_at,
            account_id,
            tenant_id,
            type_,
            state,
            started_at,
            external_import_ids,
            has_pending_task,
            mass_change_details,
            metadata,
            session_token,
            topics,
        )

        ingestion.additional_properties = d
        return ingestion

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


from ..models.ingestion_metadata import IngestionMetadata  # noqa: E402
from ..models.mass_change_detail import MassChangeDetail  # noqa: E402

lazy_fields(Ingestion, mass_change_details=parse_each(MassChangeDetail.from_dict))
