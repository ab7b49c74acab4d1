from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

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

T = TypeVar("T", bound="AuthenticateEvent")


@_attrs_define
class AuthenticateEvent:
    """A request that the Integration authenticate (again) to its target system. The vendor's
    current reference (interop-data-oas, Tasks response example) lists the member
    `authenticate` with `id` and `tenant_id`; no public source shows its data, so `data` is
    free-form. The vendor's own parser does not know this kind (client-kit-java KCTaskType),
    which leaves such a task unacknowledged and the tenant's queue stalled: the SDK hands it to
    the handler like any other task.

    """

    id: str | Unset = UNSET
    """ Id of the Task; acknowledge the Task with this id. A UUID in every source, but read as
    a string: a task whose id the SDK cannot use is never acknowledged, and the managed
    queue then withholds every later task of its tenant.
     """
    tenant_id: str | Unset = UNSET
    """ Tenant the event belongs to. """
    account_id: str | Unset = UNSET
    """ Account the tenant belongs to. """
    schema: str | Unset = UNSET
    """ Version of the Task payload format (`1.0`, `2.0`, `3.0`; absent means 1.x). At the top
    of the Task, or inside the event member, as production tasks carried it for a time
    (client-kit-java tasks/Task.java, commit 28aad22, reads it there when the Task has
    that member only).
     """
    sequence: int | Unset = UNSET
    """ Position of the event in the tenant's stream; increases with every event. """
    created_at: datetime.datetime | Unset = UNSET
    """ When the event was created. """
    updated_at: datetime.datetime | Unset = UNSET
    """ When the event was last changed. """
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
    """ Type of the object the event is about: a collection name (`persons`) or a blueprint
    topic (`Student`, `RDM:Student`, `CourseSection` in kimonocloud/api-examples).
     """
    object_id: str | Unset = UNSET
    """ Id of the object the event is about. Not necessarily a UUID: the vendor's current
    reference (interop-data-oas, Tasks response example) shows `"text"` here where every
    UUID field shows a UUID, and the 2019 `format: uuid` was dropped so that one such task
    never fails a batch.
     """
    group_id: str | Unset = UNSET
    """ Groups the events that belong together (e.g. one synchronization). """
    app_id: str | Unset = UNSET
    """ Identifier of the object in the Integration's own id-space, when known. """
    label: str | Unset = UNSET
    """ Human-readable label of the object. """
    data: AuthenticateEventData | Unset = UNSET
    """ Details of the request, as sent. """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        tenant_id: str | Unset = UNSET
        if not isinstance(self.tenant_id, Unset):
            tenant_id = str(self.tenant_id)

        account_id: str | Unset = UNSET
        if not isinstance(self.account_id, Unset):
            account_id = str(self.account_id)

        schema = self.schema

        sequence = self.sequence

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        action: str | Unset = UNSET
        if not isinstance(self.action, Unset):
            action = self.action.value

        object_type = self.object_type

        object_id = self.object_id

        group_id = self.group_id

        app_id = self.app_id

        label = self.label

        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if tenant_id is not UNSET:
            field_dict["tenant_id"] = tenant_id
        if account_id is not UNSET:
            field_dict["account_id"] = account_id
        if schema is not UNSET:
            field_dict["schema"] = schema
        if sequence is not UNSET:
            field_dict["sequence"] = sequence
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at
        if action is not UNSET:
            field_dict["action"] = action
        if object_type is not UNSET:
            field_dict["object_type"] = object_type
        if object_id is not UNSET:
            field_dict["object_id"] = object_id
        if group_id is not UNSET:
            field_dict["group_id"] = group_id
        if app_id is not UNSET:
            field_dict["app_id"] = app_id
        if label is not UNSET:
            field_dict["label"] = label
        if data is not UNSET:
            field_dict["data"] = data

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        _tenant_id = d.pop("tenant_id", UNSET)
        tenant_id: str | Unset
        if _tenant_id is UNSET:
            tenant_id = UNSET
        else:
            tenant_id = parse_id(_tenant_id)

        _account_id = d.pop("account_id", UNSET)
        account_id: str | Unset
        if _account_id is UNSET:
            account_id = UNSET
        else:
            account_id = parse_id(_account_id)

        schema = d.pop("schema", UNSET)

        sequence = d.pop("sequence", UNSET)

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

        _action = d.pop("action", UNSET)
        action: TaskAction | Unset
        if _action is UNSET:
            action = UNSET
        else:
            action = parse_enum(TaskAction, _action)

        object_type = d.pop("object_type", UNSET)

        object_id = d.pop("object_id", UNSET)

        group_id = d.pop("group_id", UNSET)

        app_id = d.pop("app_id", UNSET)

        label = d.pop("label", UNSET)

        _data = d.pop("data", UNSET)
        data: Any
        if _data is UNSET:
            data = UNSET
        else:
            data = (LAZY, _data)

        authenticate_event = cls(
            id,
            tenant_id,
            account_id,
            schema,
            sequence,
            created_at,
            updated_at,
            action,
            object_type,
            object_id,
            group_id,
            app_id,
            label,
            data,
        )

        authenticate_event.additional_properties = d
        return authenticate_event

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


from ..models.authenticate_event_data import AuthenticateEventData  # noqa: E402

lazy_fields(AuthenticateEvent, data=AuthenticateEventData.from_dict)
