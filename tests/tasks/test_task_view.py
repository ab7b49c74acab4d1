"""TaskView: one view of a task, whatever its schema version."""

from __future__ import annotations

import dataclasses
import datetime
import pickle
from typing import Any

import pytest

from kimono_interop import TaskKind, TaskStatus, TaskView
from kimono_interop._task_view import Outcome
from kimono_interop_data_api.models import SyncOrigin, TaskAction
from tests.support.fake_queue import make_task, task_id_of


@pytest.mark.parametrize("schema", ["1.0", "2.0", "3.0"])
def test_task_view_reads_every_schema_the_same_way(schema: str) -> None:
    """A data event of schema 1.x, 2.x or 3.x reads the same: kind, id, action, object type,
    sequence, data, schema, and a model of its own schema."""
    view = TaskView.from_raw(make_task(5, schema=schema))
    assert view.kind is TaskKind.DATA
    assert view.id == task_id_of(make_task(5))
    assert (view.action, view.object_type, view.sequence, view.data) == (
        "ADD",
        "persons",
        5,
        {"n": 5},
    )
    assert view.schema == schema
    assert view.model().schema == schema


#: Tasks of every shape the view reads (and some it reads as best it can).
SHAPES: dict[str, Any] = {
    "1.0": make_task(1, schema="1.0"),
    "2.0": make_task(2, schema="2.0"),
    "3.0": make_task(3, schema="3.0"),
    "1.x camelCase, every field": {
        "schema": "1.1",
        "syncEvent": {
            "id": "4F0E1C1A-5B2D-4B1E-9A3C-1E2F3A4B5C6D",
            "action": "sync_start",
            "objectType": "persons",
            "objectId": 77,
            "tenantId": "{1c9e6f6a-2b7d-4c1e-8f3a-5d4c3b2a1f0e}",
            "groupId": "g-1",
            "appId": "lms-9",
            "sequence": 12,
            "origin": "RESEND",
            "createdAt": "2024-05-06T07:08:09Z",
            "data": {"k": "v"},
            "changes": {"name": "new"},
            "label": "Sync",
        },
    },
    "3.x bad values": {
        "schema": 3,
        "type": "grades_query_event",
        "id": "t-1",
        "sequence": True,
        "created_at": "not a time",
        "data": ["not", "a", "mapping"],
        "tenant_id": "  ",
    },
    "unknown event member": {"schema": "2.0", "mystery": {"id": "m-1", "action": "poke"}},
    "no id": {"schema": "3.0", "type": "data_event"},
    "not an object": ["a", "list"],
}


@pytest.mark.parametrize("name", SHAPES)
def test_a_view_read_lazily_is_the_view_its_fields_make(name: str) -> None:
    """from_raw reads most fields on first use; the view is still the frozen dataclass it
    was: equal to the view built from its fields, the same repr, replace(), pickle, and
    assignment refused."""
    view = TaskView.from_raw(SHAPES[name])
    values = {f.name: getattr(view, f.name) for f in dataclasses.fields(TaskView)}
    built = TaskView(**values)
    assert view == built
    assert repr(TaskView.from_raw(SHAPES[name])) == repr(built)  # repr reads every field
    assert dataclasses.replace(view) == view
    assert pickle.loads(pickle.dumps(TaskView.from_raw(SHAPES[name]))) == built
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.action = None  # type: ignore[misc]


def test_every_field_of_a_1x_task_is_read_from_its_camel_case_member() -> None:
    """What the lazy fields read: ids made canonical (the task's own kept as sent), enums,
    the time, the mappings."""
    view = TaskView.from_raw(SHAPES["1.x camelCase, every field"])
    assert view.kind is TaskKind.SYNC
    assert (view.id, view.tenant_id, view.object_id, view.group_id, view.app_id) == (
        "4F0E1C1A-5B2D-4B1E-9A3C-1E2F3A4B5C6D",
        "1c9e6f6a-2b7d-4c1e-8f3a-5d4c3b2a1f0e",
        "77",
        "g-1",
        "lms-9",
    )
    assert (view.action, view.origin, view.sequence, view.schema, view.label) == (
        TaskAction.SYNC_START,
        SyncOrigin.RESEND,
        12,
        "1.1",
        "Sync",
    )
    assert view.created_at == datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc)
    assert (view.data, view.changes, view.object_type) == ({"k": "v"}, {"name": "new"}, "persons")


def test_a_field_is_read_once_and_only_when_asked_for() -> None:
    """A consumer that only acknowledges never reads created_at; once read, it is kept."""
    view = TaskView.from_raw(SHAPES["1.x camelCase, every field"])
    assert "created_at" not in vars(view)
    first = view.created_at
    assert vars(view)["created_at"] is first is view.created_at


@pytest.mark.parametrize("status", list(TaskStatus))
@pytest.mark.parametrize("message", [None, "went wrong: é"])
@pytest.mark.parametrize("app_id", [None, "lms-42"])
def test_an_outcome_is_sent_as_its_task_ack_model_would_be(
    status: TaskStatus, message: str | None, app_id: str | None
) -> None:
    """The ack JSON made straight from an outcome is the TaskAck model's to_dict()."""
    outcome = Outcome("2a4a2e06-7755-43bb-9766-4f398079ef8c", status, message, app_id)
    assert outcome.as_json() == outcome.as_ack().to_dict()
    assert list(outcome.as_json()) == list(outcome.as_ack().to_dict())
    assert all(type(value) in (str, dict) for value in outcome.as_json().values())


@pytest.mark.parametrize(
    ("event_id", "top_id", "expected"),
    [
        ("306926d0-1089-4f26-8d38-000000000000", None, "306926d0-1089-4f26-8d38-000000000000"),
        ("306926D0-1089-4F26-8D38-00000000000A", None, "306926D0-1089-4F26-8D38-00000000000A"),
        ("{306926d0-1089-4f26-8d38-000000000000}", None, "{306926d0-1089-4f26-8d38-000000000000}"),
        ("not-a-uuid-but-thirty-six-characters", None, "not-a-uuid-but-thirty-six-characters"),
        (42, None, "42"),
        ("   ", "306926d0-1089-4f26-8d38-000000000001", "306926d0-1089-4f26-8d38-000000000001"),
        (None, 7, "7"),
        (True, None, None),
    ],
)
def test_the_id_of_a_view_whatever_its_spelling(event_id: Any, top_id: Any, expected: Any) -> None:
    """The id as sent (a UUID in any spelling too: the ack must name the task so), a
    number as a string, the task's own id when the event has none; the same in 2.x and
    3.x."""
    flat: dict[str, Any] = {"schema": "3.0", "type": "data_event", "action": "ADD"}
    nested: dict[str, Any] = {"schema": "2.0", "data_event": {"action": "ADD"}}
    if event_id is not None:
        flat["id"] = event_id
        nested["data_event"]["id"] = event_id
    if top_id is not None:
        nested["id"] = top_id
        if event_id is None:
            flat["id"] = top_id
    assert TaskView.from_raw(nested).id == expected
    if event_id != "   ":
        assert TaskView.from_raw(flat).id == expected
