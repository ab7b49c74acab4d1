from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sync_origin import SyncOrigin
from ..models.task_action import TaskAction
from ..types import (
    LAZY,
    UNSET,
    Unset,
    lazy_fields,
    parse_enum,
    parse_id,
    secrets_hidden,
)

T = TypeVar("T", bound="TaskEventV1")


@_attrs_define
class TaskEventV1:
    """The fields of a schema 1.x task event, in camelCase. A Task without `schema` is 1.x. The
    vendor's parser (client-kit-java tasks/Task.java) camel-cases every member name it reads in
    1.x (`objectType`, `groupId`; `id`, `action`, `sequence`, `data`, `changes` are one word);
    `objectId`, `tenantId`, `createdAt` and `appId` follow the same rule but no public payload
    shows them. Keys inside `data` stay as they are (api-examples GradesExample.java reads
    `exchange_id` in every schema). The SDK also reads the snake_case names in 1.x.

    """

    id: str | Unset = UNSET
    """ Id of the Task; acknowledge the Task with this id. """
    tenant_id: str | Unset = UNSET
    """ Tenant the event belongs to. """
    schema: str | Unset = UNSET
    """ Version of the Task payload format, when given inside the event member. """
    sequence: int | Unset = UNSET
    """ Position of the event in the tenant's stream. """
    created_at: datetime.datetime | Unset = UNSET
    """ When the event was created. """
    action: TaskAction | Unset = UNSET
    """ What happened. Lifecycle events: TENANT_INSTALLED, TENANT_ACTIVATED, TENANT_UNINSTALLED.
    Sync events: SYNC_START, SYNC_END. Data events: ADD, UPDATE, CHANGE, DELETE, SET, UNSET.
    NOT_APPLICABLE: events that are not about an object change (kimonocloud/client-kit-java
    KCTaskAction.java, added with the grades query in commit 02d11ed). Open set: the live service
    sent CHANGE before any published spec listed it (Wayside-Publishing/kimono-php commit
    b3b2542). The vendor's parser upper-cases the action before matching (client-kit-java
    tasks/Task.java), so a lower-case action is the same action; the SDK's TaskView does the same.
     """
    object_type: str | Unset = UNSET
    """ Type of the object the event is about. """
    object_id: str | Unset = UNSET
    """ Id of the object the event is about (not necessarily a UUID). """
    group_id: str | Unset = UNSET
    """ Groups the events that belong together. """
    app_id: str | Unset = UNSET
    """ Identifier of the object in the Integration's own id-space, when known. """
    label: str | Unset = UNSET
    """ Human-readable label of the object. """
    origin: SyncOrigin | Unset = UNSET
    """ Why a synchronization runs -- the first sync of a tenant, a resend, or an ingestion. The
    vendor's parser upper-cases it before matching (client-kit-java KCTaskOrigin: INITIAL,
    RESEND, INGESTION).
     """
    data: TaskEventV1Data | Unset = UNSET
    """ The object as it is now (data events), or the event's details (grades query). """
    changes: TaskEventV1Changes | Unset = UNSET
    """ The attributes that changed, with their previous values. """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        tenant_id: str | Unset = UNSET
        if not isinstance(self.tenant_id, Unset):
            tenant_id = str(self.tenant_id)

        schema = self.schema

        sequence = self.sequence

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        action: str | Unset = UNSET
        if not isinstance(self.action, Unset):
            action = self.action.value

        object_type = self.object_type

        object_id = self.object_id

        group_id = self.group_id

        app_id = self.app_id

        label = self.label

        origin: str | Unset = UNSET
        if not isinstance(self.origin, Unset):
            origin = self.origin.value

        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        changes: dict[str, Any] | Unset = UNSET
        if not isinstance(self.changes, Unset):
            changes = self.changes.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if tenant_id is not UNSET:
            field_dict["tenantId"] = tenant_id
        if schema is not UNSET:
            field_dict["schema"] = schema
        if sequence is not UNSET:
            field_dict["sequence"] = sequence
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at
        if action is not UNSET:
            field_dict["action"] = action
        if object_type is not UNSET:
            field_dict["objectType"] = object_type
        if object_id is not UNSET:
            field_dict["objectId"] = object_id
        if group_id is not UNSET:
            field_dict["groupId"] = group_id
        if app_id is not UNSET:
            field_dict["appId"] = app_id
        if label is not UNSET:
            field_dict["label"] = label
        if origin is not UNSET:
            field_dict["origin"] = origin
        if data is not UNSET:
            field_dict["data"] = data
        if changes is not UNSET:
            field_dict["changes"] = changes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        _tenant_id = d.pop("tenantId", UNSET)
        tenant_id: str | Unset
        if _tenant_id is UNSET:
            tenant_id = UNSET
        else:
            tenant_id = parse_id(_tenant_id)

        schema = d.pop("schema", UNSET)

        sequence = d.pop("sequence", UNSET)

        _created_at = d.pop("createdAt", UNSET)
        created_at: datetime.datetime | Unset
        if _created_at is UNSET:
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(
                _created_at.replace("Z", "+00:00")
            )

        _action = d.pop("action", UNSET)
        action: TaskAction | Unset
        if _action is UNSET:
            action = UNSET
        else:
            action = parse_enum(TaskAction, _action)

        object_type = d.pop("objectType", UNSET)

        object_id = d.pop("objectId", UNSET)

        group_id = d.pop("groupId", UNSET)

        app_id = d.pop("appId", UNSET)

        label = d.pop("label", UNSET)

        _origin = d.pop("origin", UNSET)
        origin: SyncOrigin | Unset
        if _origin is UNSET:
            origin = UNSET
        else:
            origin = parse_enum(SyncOrigin, _origin)

        _data = d.pop("data", UNSET)
        data: Any
        if _data is UNSET:
            data = UNSET
        else:
            data = (LAZY, _data)

        _changes = d.pop("changes", UNSET)
        changes: Any
        if _changes is UNSET:
            changes = UNSET
        else:
            changes = (LAZY, _changes)

        task_event_v1 = cls(
            id,
            tenant_id,
            schema,
            sequence,
            created_at,
            action,
            object_type,
            object_id,
            group_id,
            app_id,
            label,
            origin,
            data,
            changes,
        )

        task_event_v1.additional_properties = d
        return task_event_v1

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


from ..models.task_event_v1_changes import TaskEventV1Changes  # noqa: E402
from ..models.task_event_v1_data import TaskEventV1Data  # noqa: E402

lazy_fields(
    TaskEventV1, data=TaskEventV1Data.from_dict, changes=TaskEventV1Changes.from_dict
)
