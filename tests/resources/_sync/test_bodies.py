# Written by scripts/unasync.py from tests/resources/_async/test_bodies.py: edit that file,
# then run `make generate`.
"""Every body a resource call sends is checked first: a bad one is refused, and nothing is sent.

One table for all the resources: the call, the bad body, the exception and the words
its message must hold. A dict that is not a valid model is a ValueError naming the
model (or the field and its rule); a body of another type is a TypeError saying what
is accepted. The mock service sees no request, not even for a token.
"""

from __future__ import annotations

from typing import Any

import pytest

from kimono_interop import KimonoClient
from kimono_interop_api.models import ScheduleCreate
from tests.support.mock_service import EXAMPLE_ID, MockService, never

ID = "5f7a1c2e-0d3b-4a6c-9e8f-1a2b3c4d5e6f"

#: The calls that send a body, given the client and the body.
CALLS: dict[str, Any] = {
    "clouds.create": lambda k, b: k.clouds.create(b),
    "integrations.create": lambda k, b: k.integrations.create(b),
    "integrations.update": lambda k, b: k.integrations.update(ID, b),
    "versions.create": lambda k, b: k.integrations.versions.create(ID, b),
    "versions.update": lambda k, b: k.integrations.versions.update(ID, "1.0", b),
    "versions.update_blueprint": lambda k, b: k.integrations.versions.update_blueprint(
        ID, "1.0", b
    ),
    "tenant_application.update": lambda k, b: k.tenant_application.update(b),
    "rollovers.create": lambda k, b: k.rollovers.create(b),
    "rollovers.update": lambda k, b: k.rollovers.update(ID, b),
    "schedules.create": lambda k, b: k.schedules.create(b),
    "schedules.update": lambda k, b: k.schedules.update(ID, b),
    "schedules.run": lambda k, b: k.schedules.run(ID, b),
    "schools.create": lambda k, b: k.scoping.schools.create(b),
    "schools.update": lambda k, b: k.scoping.schools.update(ID, b),
    "courses.create": lambda k, b: k.scoping.courses.create(b),
    "courses.update": lambda k, b: k.scoping.courses.update(ID, b),
}

#: (the call, a bad body, the error, words of its message)
BODIES: list[tuple[str, Any, type[Exception], str]] = [
    ("clouds.create", {"account_id": "not-a-uuid"}, ValueError, "cloud is not a valid Cloud"),
    ("clouds.create", ["name", "x"], TypeError, "cloud must be a Cloud or a dict"),
    ("integrations.create", {"id": "nope"}, ValueError, "integration is not a valid Integration"),
    ("integrations.create", "gradebook", TypeError, "integration must be a Integration or a"),
    ("integrations.update", {"created_at": "yesterday"}, ValueError, "integration is not a valid"),
    ("versions.create", "  \n", ValueError, "blueprint must not be empty"),
    ("versions.create", {"xml": "x"}, TypeError, "blueprint must be bytes or str"),
    ("versions.update", {"release_state": 3}, ValueError, "integration_version is not a valid"),
    ("versions.update", "beta", TypeError, "integration_version must be"),
    ("versions.update_blueprint", b"", ValueError, "blueprint must not be empty"),
    ("tenant_application.update", {"auth_props_pending": 5}, ValueError, "update is not a valid"),
    ("tenant_application.update", "confirmed", TypeError, "update must be a TenantApplication"),
    ("rollovers.create", {"cloud_id": "cloud-1"}, ValueError, "request is not a valid Rollover"),
    ("rollovers.create", {"start_date": "next monday"}, ValueError, "request is not a valid"),
    ("rollovers.create", "new_year", TypeError, "request must be a RolloverRequest or a dict"),
    ("rollovers.update", {"actor_id": "me"}, ValueError, "RolloverRequest"),
    ("schedules.create", {}, ValueError, "schedule is not a valid ScheduleCreate"),
    ("schedules.create", {"hour": 24}, ValueError, "schedule.hour must be between 0 and 23"),
    ("schedules.create", {"hour": -1}, ValueError, "schedule.hour must be between 0 and 23"),
    ("schedules.create", ScheduleCreate(hour=99), ValueError, "schedule.hour must be between 0"),
    ("schedules.create", {"hour": "1"}, TypeError, "schedule.hour must be an int"),
    ("schedules.create", {"hour": True}, TypeError, "schedule.hour must be an int"),
    ("schedules.create", 1, TypeError, "schedule must be a ScheduleCreate or a dict"),
    ("schedules.update", {}, ValueError, "update is not a valid ScheduleUpdate"),
    ("schedules.update", {"enabled": "false"}, TypeError, "update.enabled must be a bool"),
    ("schedules.update", False, TypeError, "update must be a ScheduleUpdate or a dict"),
    ("schedules.run", "now", TypeError, "request must be"),
    ("schools.create", {}, ValueError, "request is not a valid ScopingSchoolsBulkRequest"),
    ("schools.create", {"data": [{"school_id": "x"}]}, ValueError, "ScopingSchoolsBulkRequest"),
    ("schools.create", [{"school_id": EXAMPLE_ID}], TypeError, "request must be a ScopingSchools"),
    ("schools.update", {"school_id": "nope"}, ValueError, "school is not a valid ScopingSchool"),
    ("schools.update", "Lincoln High", TypeError, "school must be a ScopingSchool or a dict"),
    ("courses.create", {"courses": []}, ValueError, "request is not a valid ScopingCoursesBulk"),
    ("courses.create", None, TypeError, "request must be a ScopingCoursesBulkRequest"),
    ("courses.update", {"course_id": 42}, ValueError, "course is not a valid"),
]


@pytest.mark.parametrize(
    ("name", "body", "error", "words"),
    [pytest.param(*row, id=f"{row[0]}-{n}") for n, row in enumerate(BODIES)],
)
def test_a_bad_body_is_refused_before_any_request(
    name: str, body: Any, error: type[Exception], words: str
) -> None:
    """The call raises its error with its words, and the service sees nothing."""
    service = MockService(never)
    with service.client(KimonoClient) as kimono:
        with pytest.raises(error, match=words):
            CALLS[name](kimono, body)
    assert service.calls == []
