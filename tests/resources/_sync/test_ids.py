# Written by scripts/unasync.py from tests/resources/_async/test_ids.py: edit that file,
# then run `make generate`.
"""Every id a resource call takes is checked before anything is sent.

One table for all the resources: each call that takes an object's id, and the
parameter its error names. An id that is not a UUID (empty, a word, a number, a UUID
cut short, one that smuggles a path) raises ValueError; one that is neither a str nor a
UUID raises TypeError; either way the mock service sees no request, not even for a token.
"""

from __future__ import annotations

from typing import Any

import pytest

from kimono_interop import KimonoClient
from tests.support.calls import settle
from tests.support.mock_service import MockService, never

ID = "5f7a1c2e-0d3b-4a6c-9e8f-1a2b3c4d5e6f"
BLUEPRINT = "<integration/>"

#: (the call, given the client and the bad id; the parameter its error names)
CALLS: dict[str, tuple[Any, str]] = {
    "clouds.get": (lambda k, bad: k.clouds.get(bad), "cloud_id"),
    "clouds.delete": (lambda k, bad: k.clouds.delete(bad), "cloud_id"),
    "clouds.list_actors": (lambda k, bad: k.clouds.list_actors(bad), "cloud_id"),
    "integrations.get": (lambda k, bad: k.integrations.get(bad), "integration_id"),
    "integrations.delete": (lambda k, bad: k.integrations.delete(bad), "integration_id"),
    "integrations.update": (
        lambda k, bad: k.integrations.update(bad, {"title": "x"}),
        "integration_id",
    ),
    "versions.list": (lambda k, bad: k.integrations.versions.list(bad), "integration_id"),
    "versions.create": (
        lambda k, bad: k.integrations.versions.create(bad, BLUEPRINT),
        "integration_id",
    ),
    "versions.update": (
        lambda k, bad: k.integrations.versions.update(bad, "1.0", {"title": "x"}),
        "integration_id",
    ),
    "versions.delete": (
        lambda k, bad: k.integrations.versions.delete(bad, "1.0"),
        "integration_id",
    ),
    "versions.update_blueprint": (
        lambda k, bad: k.integrations.versions.update_blueprint(bad, "1.0", BLUEPRINT),
        "integration_id",
    ),
    "tenants.get": (lambda k, bad: k.tenants.get(bad), "tenant_id"),
    "schools.get": (lambda k, bad: k.scoping.schools.get(bad), "school_id"),
    "schools.update": (
        lambda k, bad: k.scoping.schools.update(bad, {"selected": True}),
        "school_id",
    ),
    "schools.delete": (lambda k, bad: k.scoping.schools.delete(bad), "school_id"),
    "courses.get": (lambda k, bad: k.scoping.courses.get(bad), "course_id"),
    "courses.update": (
        lambda k, bad: k.scoping.courses.update(bad, {"selected": True}),
        "course_id",
    ),
    "courses.delete": (lambda k, bad: k.scoping.courses.delete(bad), "course_id"),
    "rollovers.get": (lambda k, bad: k.rollovers.get(bad), "rollover_id"),
    "rollovers.update": (lambda k, bad: k.rollovers.update(bad, {"name": "x"}), "rollover_id"),
    "rollovers.delete": (lambda k, bad: k.rollovers.delete(bad), "rollover_id"),
    "schedules.get": (lambda k, bad: k.schedules.get(bad), "schedule_id"),
    "schedules.update": (
        lambda k, bad: k.schedules.update(bad, {"enabled": True}),
        "schedule_id",
    ),
    "schedules.delete": (lambda k, bad: k.schedules.delete(bad), "schedule_id"),
    "schedules.run": (lambda k, bad: k.schedules.run(bad), "schedule_id"),
    "ingestions.get": (lambda k, bad: k.ingestions.get(bad), "ingestion_id"),
}

#: Ids that are not UUIDs, each of a kind a caller could pass by mistake.
NOT_UUIDS = [
    "",
    "42",
    "12345",
    "count",
    "latest",
    "not-a-uuid",
    "tenant-1",
    ID[:8],
    "../schools",
    f"{ID}/run",
    f"{ID}/../x",
]


@pytest.mark.parametrize("bad", NOT_UUIDS)
@pytest.mark.parametrize("name", list(CALLS))
def test_an_id_that_is_not_a_uuid_raises_before_any_request(name: str, bad: str) -> None:
    """ValueError naming the parameter, and the service sees nothing."""
    call, parameter = CALLS[name]
    service = MockService(never)
    with service.client(KimonoClient) as kimono:
        with pytest.raises(ValueError, match=parameter):
            settle(call(kimono, bad))
    assert service.calls == []


@pytest.mark.parametrize("name", list(CALLS))
def test_an_id_that_is_not_a_str_raises_type_error(name: str) -> None:
    """An int where an id goes is a TypeError naming the parameter, and nothing is sent."""
    call, parameter = CALLS[name]
    service = MockService(never)
    with service.client(KimonoClient) as kimono:
        with pytest.raises(TypeError, match=parameter):
            settle(call(kimono, 12345))
    assert service.calls == []
