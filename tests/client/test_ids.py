"""The SDK's one id type: every id it hands out is a ``str``, a UUID in canonical spelling.

A driver joins tasks to roster objects and tenants by id: ``task.object_id ==
person.sys.id`` and ``task.tenant_id == tenant.id`` must hold, and the ids must work as
the same dict key, however the service spelled them.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable

import pytest

from kimono_interop import UNSET, TaskView, Unset, ref_id
from kimono_interop_api.models import TenantInfo
from kimono_interop_data_api.models import Org, Person

PERSON = "2a4a2e06-7755-43bb-9766-4f398079ef8c"
TENANT = "9d1e5a6b-4b7f-4ea0-9c2d-5e6f708192a3"
SECTION = "4f0e1c1a-5b2d-4b1e-9a3c-1e2f3a4b5c6d"


def _task(object_id: str, tenant_id: str) -> TaskView:
    return TaskView.from_raw(
        {
            "schema": "3.0",
            "type": "data_event",
            "id": "0c7d3f52-6a1e-4b8f-9e2d-5a4c3b2a1f00",
            "tenant_id": tenant_id,
            "action": "UPDATE",
            "object_type": "persons",
            "object_id": object_id,
            "created_at": "2025-08-01T12:00:00.000Z",
        }
    )


@pytest.mark.parametrize(
    "spell",
    [str.lower, str.upper, lambda s: "{" + s + "}", lambda s: s.replace("-", "")],
    ids=["lower", "upper", "braces", "no hyphens"],
)
def test_ids_from_models_tasks_and_references_compare_equal(spell: Callable[[str], str]) -> None:
    """An id spelled any way UUID() accepts is handed out in one spelling, as a str, by
    the models, the task view and ref_id: == holds and they are the same dict key."""
    person = Person.from_dict(
        {"$sys": {"id": spell(PERSON)}, "$sections": [{"id": spell(SECTION)}]}
    )
    tenant = TenantInfo.from_dict({"id": spell(TENANT)})
    task = _task(spell(PERSON), spell(TENANT))
    assert type(person.sys.id) is str and type(tenant.id) is str
    assert task.object_id == person.sys.id == PERSON
    assert task.tenant_id == tenant.id == TENANT
    assert {person.sys.id: "p"}[task.object_id] == "p"
    assert person.sections  # narrows away Unset
    assert ref_id(person.sections[0]) == SECTION
    assert ref_id({"$sys": {"id": spell(SECTION)}}) == SECTION


def test_an_id_that_is_not_a_uuid_is_kept_where_the_service_may_send_one() -> None:
    """A task's object_id is not always a UUID on the wire: kept as sent. Where the
    contract says uuid, a model refuses it (when the nested `$sys` is first read)."""
    assert _task("course-17", TENANT).object_id == "course-17"
    org = Org.from_dict({"$sys": {"id": "course-17"}})
    with pytest.raises(ValueError):
        assert org.sys


def test_a_task_s_time_is_a_datetime() -> None:
    """created_at is a timezone-aware datetime, as in the models; text that is no
    timestamp gives None (the text stays in raw)."""
    assert _task(PERSON, TENANT).created_at == datetime.datetime(
        2025, 8, 1, 12, 0, tzinfo=datetime.timezone.utc
    )
    odd = TaskView.from_raw({"schema": "3.0", "id": "t", "created_at": "yesterday"})
    assert odd.created_at is None and odd.raw["created_at"] == "yesterday"


def test_one_unset_for_both_apis() -> None:
    """kimono_interop.Unset is the class of every unset field of either API's models, and
    an unset field narrows away by truthiness."""
    tenant = TenantInfo.from_dict({"id": TENANT})
    person = Person.from_dict({"$sys": {"id": PERSON}})
    assert tenant.name is UNSET and person.name is UNSET
    assert isinstance(tenant.name, Unset) and isinstance(person.name, Unset)
    assert not person.name
    assert uuid.UUID(person.sys.id) == uuid.UUID(PERSON)  # still a valid UUID string
