"""TaskView: one view of a task, whatever its schema version."""

from __future__ import annotations

import pytest

from kimono_interop import TaskKind, TaskView
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
