from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sync_origin import SyncOrigin
from ..models.task_action import TaskAction
from ..models.task_event_type import TaskEventType
from ..types import (
    LAZY,
    UNSET,
    Unset,
    lazy_fields,
    parse_enum,
    parse_id,
    secrets_hidden,
)

T = TypeVar("T", bound="Task")


@_attrs_define
class Task:
    """One Task of the queue. Its shape depends on `schema` (absent: 1.x):
    1.x `{schema, dataEvent | syncEvent | lifecycleEvent | gradesQuery}` with camelCase fields;
    2.x `{schema, data_event | sync_event | lifecycle_event | grades_query | authenticate}`;
    3.x flat `{schema, type, id, action, ...}`. The id to acknowledge is the event's `id`:
    inside the event member in 1.x and 2.x, at the top in 3.x. Member names come from the
    vendor's parser (client-kit-java tasks/Task.java: 1.x camel-cased, 2.x lower-cased
    KCTaskType names) and the vendor's current reference (`authenticate`). The reference's
    example draws every member in one Task; a real Task carries one.

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
    type_: TaskEventType | Unset = UNSET
    """ Kind of event of a schema 3.x Task (the `type` member), named like the 2.x event members:
    `data_event`, `sync_event`, `lifecycle_event`, `grades_query` (client-kit-java
    KCTaskType.java, matched after upper-casing) and `authenticate` (the 2.x member of the same
    name in the vendor's current reference, developerdocs.instructure.com
    services/datasync/interop-data-oas, Tasks response; no source shows it as a 3.x `type`, it
    is listed by analogy). Earlier versions of this contract named the grades kind
    `grades_query_event`; no source uses that name, so it was dropped (the SDK still reads it).
     """
    data: TaskData | Unset = UNSET
    """ Schema 3.x -- the object as it is now (data events), or the event's details. """
    changes: TaskChanges | Unset = UNSET
    """ Schema 3.x -- the attributes that changed, with their previous values. """
    origin: SyncOrigin | Unset = UNSET
    """ Why a synchronization runs -- the first sync of a tenant, a resend, or an ingestion. The
    vendor's parser upper-cases it before matching (client-kit-java KCTaskOrigin: INITIAL,
    RESEND, INGESTION).
     """
    dataEvent: TaskEventV1 | Unset = UNSET
    """ The fields of a schema 1.x task event, in camelCase. A Task without `schema` is 1.x. The
    vendor's parser (client-kit-java tasks/Task.java) camel-cases every member name it reads in
    1.x (`objectType`, `groupId`; `id`, `action`, `sequence`, `data`, `changes` are one word);
    `objectId`, `tenantId`, `createdAt` and `appId` follow the same rule but no public payload
    shows them. Keys inside `data` stay as they are (api-examples GradesExample.java reads
    `exchange_id` in every schema). The SDK also reads the snake_case names in 1.x.
     """
    syncEvent: TaskEventV1 | Unset = UNSET
    """ The fields of a schema 1.x task event, in camelCase. A Task without `schema` is 1.x. The
    vendor's parser (client-kit-java tasks/Task.java) camel-cases every member name it reads in
    1.x (`objectType`, `groupId`; `id`, `action`, `sequence`, `data`, `changes` are one word);
    `objectId`, `tenantId`, `createdAt` and `appId` follow the same rule but no public payload
    shows them. Keys inside `data` stay as they are (api-examples GradesExample.java reads
    `exchange_id` in every schema). The SDK also reads the snake_case names in 1.x.
     """
    lifecycleEvent: TaskEventV1 | Unset = UNSET
    """ The fields of a schema 1.x task event, in camelCase. A Task without `schema` is 1.x. The
    vendor's parser (client-kit-java tasks/Task.java) camel-cases every member name it reads in
    1.x (`objectType`, `groupId`; `id`, `action`, `sequence`, `data`, `changes` are one word);
    `objectId`, `tenantId`, `createdAt` and `appId` follow the same rule but no public payload
    shows them. Keys inside `data` stay as they are (api-examples GradesExample.java reads
    `exchange_id` in every schema). The SDK also reads the snake_case names in 1.x.
     """
    gradesQuery: TaskEventV1 | Unset = UNSET
    """ The fields of a schema 1.x task event, in camelCase. A Task without `schema` is 1.x. The
    vendor's parser (client-kit-java tasks/Task.java) camel-cases every member name it reads in
    1.x (`objectType`, `groupId`; `id`, `action`, `sequence`, `data`, `changes` are one word);
    `objectId`, `tenantId`, `createdAt` and `appId` follow the same rule but no public payload
    shows them. Keys inside `data` stay as they are (api-examples GradesExample.java reads
    `exchange_id` in every schema). The SDK also reads the snake_case names in 1.x.
     """
    data_event: DataEvent | Unset = UNSET
    """ A change to a rostering object (ADD, UPDATE, CHANGE, DELETE, SET, UNSET). """
    sync_event: SyncEvent | Unset = UNSET
    """ The start or the end of a synchronization (SYNC_START, SYNC_END). """
    lifecycle_event: LifecycleEvent | Unset = UNSET
    """ A change in the life of the tenant (TENANT_INSTALLED, TENANT_ACTIVATED, TENANT_UNINSTALLED). """
    grades_query: GradesQueryEvent | Unset = UNSET
    """ A request from Kimono for grades the Integration holds (client-kit-java KCTaskType
    GRADES_QUERY; the action is not shown by any source, NOT_APPLICABLE entered the vendor's
    parser in the same commit). The driver acknowledges the task and answers through the Grades
    API (`POST /v2/grades/exchanges/{exchange_id}/data`, or `/errors` when it cannot:
    kimonocloud/api-examples java/grades GradesExample.java), which this contract does not cover.
     """
    authenticate: AuthenticateEvent | Unset = UNSET
    """ A request that the Integration authenticate (again) to its target system. The vendor's
    current reference (interop-data-oas, Tasks response example) lists the member
    `authenticate` with `id` and `tenant_id`; no public source shows its data, so `data` is
    free-form. The vendor's own parser does not know this kind (client-kit-java KCTaskType),
    which leaves such a task unacknowledged and the tenant's queue stalled: the SDK hands it to
    the handler like any other task.
     """
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

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value

        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        changes: dict[str, Any] | Unset = UNSET
        if not isinstance(self.changes, Unset):
            changes = self.changes.to_dict()

        origin: str | Unset = UNSET
        if not isinstance(self.origin, Unset):
            origin = self.origin.value

        dataEvent: dict[str, Any] | Unset = UNSET
        if not isinstance(self.dataEvent, Unset):
            dataEvent = self.dataEvent.to_dict()

        syncEvent: dict[str, Any] | Unset = UNSET
        if not isinstance(self.syncEvent, Unset):
            syncEvent = self.syncEvent.to_dict()

        lifecycleEvent: dict[str, Any] | Unset = UNSET
        if not isinstance(self.lifecycleEvent, Unset):
            lifecycleEvent = self.lifecycleEvent.to_dict()

        gradesQuery: dict[str, Any] | Unset = UNSET
        if not isinstance(self.gradesQuery, Unset):
            gradesQuery = self.gradesQuery.to_dict()

        data_event: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data_event, Unset):
            data_event = self.data_event.to_dict()

        sync_event: dict[str, Any] | Unset = UNSET
        if not isinstance(self.sync_event, Unset):
            sync_event = self.sync_event.to_dict()

        lifecycle_event: dict[str, Any] | Unset = UNSET
        if not isinstance(self.lifecycle_event, Unset):
            lifecycle_event = self.lifecycle_event.to_dict()

        grades_query: dict[str, Any] | Unset = UNSET
        if not isinstance(self.grades_query, Unset):
            grades_query = self.grades_query.to_dict()

        authenticate: dict[str, Any] | Unset = UNSET
        if not isinstance(self.authenticate, Unset):
            authenticate = self.authenticate.to_dict()

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
        if type_ is not UNSET:
            field_dict["type"] = type_
        if data is not UNSET:
            field_dict["data"] = data
        if changes is not UNSET:
            field_dict["changes"] = changes
        if origin is not UNSET:
            field_dict["origin"] = origin
        if dataEvent is not UNSET:
            field_dict["dataEvent"] = dataEvent
        if syncEvent is not UNSET:
            field_dict["syncEvent"] = syncEvent
        if lifecycleEvent is not UNSET:
            field_dict["lifecycleEvent"] = lifecycleEvent
        if gradesQuery is not UNSET:
            field_dict["gradesQuery"] = gradesQuery
        if data_event is not UNSET:
            field_dict["data_event"] = data_event
        if sync_event is not UNSET:
            field_dict["sync_event"] = sync_event
        if lifecycle_event is not UNSET:
            field_dict["lifecycle_event"] = lifecycle_event
        if grades_query is not UNSET:
            field_dict["grades_query"] = grades_query
        if authenticate is not UNSET:
            field_dict["authenticate"] = authenticate

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

        _type_ = d.pop("type", UNSET)
        type_: TaskEventType | Unset
        if _type_ is UNSET:
            type_ = UNSET
        else:
            type_ = parse_enum(TaskEventType, _type_)

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

        _origin = d.pop("origin", UNSET)
        origin: SyncOrigin | Unset
        if _origin is UNSET:
            origin = UNSET
        else:
            origin = parse_enum(SyncOrigin, _origin)

        _dataEvent = d.pop("dataEvent", UNSET)
        dataEvent: Any
        if _dataEvent is UNSET:
            dataEvent = UNSET
        else:
            dataEvent = (LAZY, _dataEvent)

        _syncEvent = d.pop("syncEvent", UNSET)
        syncEvent: Any
        if _syncEvent is UNSET:
            syncEvent = UNSET
        else:
            syncEvent = (LAZY, _syncEvent)

        _lifecycleEvent = d.pop("lifecycleEvent", UNSET)
        lifecycleEvent: Any
        if _lifecycleEvent is UNSET:
            lifecycleEvent = UNSET
        else:
            lifecycleEvent = (LAZY, _lifecycleEvent)

        _gradesQuery = d.pop("gradesQuery", UNSET)
        gradesQuery: Any
        if _gradesQuery is UNSET:
            gradesQuery = UNSET
        else:
            gradesQuery = (LAZY, _gradesQuery)

        _data_event = d.pop("data_event", UNSET)
        data_event: Any
        if _data_event is UNSET:
            data_event = UNSET
        else:
            data_event = (LAZY, _data_event)

        _sync_event = d.pop("sync_event", UNSET)
        sync_event: Any
        if _sync_event is UNSET:
            sync_event = UNSET
        else:
            sync_event = (LAZY, _sync_event)

        _lifecycle_event = d.pop("lifecycle_event", UNSET)
        lifecycle_event: Any
        if _lifecycle_event is UNSET:
            lifecycle_event = UNSET
        else:
            lifecycle_event = (LAZY, _lifecycle_event)

        _grades_query = d.pop("grades_query", UNSET)
        grades_query: Any
        if _grades_query is UNSET:
            grades_query = UNSET
        else:
            grades_query = (LAZY, _grades_query)

        _authenticate = d.pop("authenticate", UNSET)
        authenticate: Any
        if _authenticate is UNSET:
            authenticate = UNSET
        else:
            authenticate = (LAZY, _authenticate)

        task = cls(
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
            type_,
            data,
            changes,
            origin,
            dataEvent,
            syncEvent,
            lifecycleEvent,
            gradesQuery,
            data_event,
            sync_event,
            lifecycle_event,
            grades_query,
            authenticate,
        )

        task.additional_properties = d
        return task

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


from ..models.authenticate_event import AuthenticateEvent  # noqa: E402
from ..models.data_event import DataEvent  # noqa: E402
from ..models.grades_query_event import GradesQueryEvent  # noqa: E402
from ..models.lifecycle_event import LifecycleEvent  # noqa: E402
from ..models.sync_event import SyncEvent  # noqa: E402
from ..models.task_changes import TaskChanges  # noqa: E402
from ..models.task_data import TaskData  # noqa: E402
from ..models.task_event_v1 import TaskEventV1  # noqa: E402

lazy_fields(
    Task,
    data=TaskData.from_dict,
    changes=TaskChanges.from_dict,
    dataEvent=TaskEventV1.from_dict,
    syncEvent=TaskEventV1.from_dict,
    lifecycleEvent=TaskEventV1.from_dict,
    gradesQuery=TaskEventV1.from_dict,
    data_event=DataEvent.from_dict,
    sync_event=SyncEvent.from_dict,
    lifecycle_event=LifecycleEvent.from_dict,
    grades_query=GradesQueryEvent.from_dict,
    authenticate=AuthenticateEvent.from_dict,
)
