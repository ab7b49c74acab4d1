# Written by scripts/unasync.py from tests/resources/_async/test_rollovers.py: edit that file,
# then run `make generate`.
"""client.rollovers: the tenant's rollovers (/tenant/rollovers)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest

from kimono_interop import (
    ConflictError,
    KimonoClient,
    NotFoundError,
)
from kimono_interop_api.models import (
    Rollover,
    RolloverFailureReason,
    RolloverRequest,
    RolloverStatus,
    RolloverType,
)
from tests.support.mock_service import API, MockService, check, example, paged, sent_json

REF_ID = "123e4567-e89b-12d3-a456-426614174000"  # the id in every vendor example
ROLLOVER_ID = "0c7d3f52-6a1e-4b8f-9e2d-5a4c3b2a1f00"
WHEN = datetime.datetime(2025, 11, 16, 12, 17, 4, 959000, tzinfo=datetime.timezone.utc)


def assert_reference_rollover(rollover: Rollover) -> None:
    """The rollover of the vendor's RolloverSingle example, parsed."""
    assert isinstance(rollover, Rollover)
    assert rollover.name == "text"
    assert rollover.type_ == RolloverType.NEW_YEAR
    assert rollover.status == RolloverStatus.UPCOMING
    assert rollover.start_date == WHEN
    assert rollover.end_date == WHEN
    assert rollover.status_change_failure_count == 1
    assert rollover.failure_reason == RolloverFailureReason.ALREADYINROLLOVERMODE


def test_list_rollovers_walks_two_pages_and_keeps_sort() -> None:
    """The sort order is on both pages, although the service's next link drops it."""
    first = example("RolloversPage")
    first["data"][0]["name"] = "2025-2026"
    first["paging"] = {"next": f"{API}/tenant/rollovers?page=1&page_size=1"}
    second = example("RolloversPage")
    second["data"][0]["name"] = "2024-2025"
    second["paging"] = {"next": None}
    service = MockService(paged(first, second))
    with service.client(KimonoClient) as client:
        rollovers = [r for r in client.rollovers.list(sort="-name", page_size=1)]

    assert [r.name for r in rollovers] == ["2025-2026", "2024-2025"]
    assert rollovers[0].type_ == RolloverType.NEW_YEAR
    assert rollovers[0].start_date == WHEN
    page_0 = {"sort": "-name", "page": "0", "page_size": "1"}
    check(service.requests[0], "GET", "/tenant/rollovers", page_0)
    check(service.requests[1], "GET", "/tenant/rollovers", {**page_0, "page": "1"})
    assert len(service.requests) == 2


def test_list_rollovers_without_sort() -> None:
    """Without sort or page size only the page is sent; the example's rollover parses."""
    page = example("RolloversPage")
    page["paging"] = {"next": None}
    service = MockService(body=page)
    with service.client(KimonoClient) as client:
        rollovers = [rollover for rollover in client.rollovers.list()]
    check(service.only, "GET", "/tenant/rollovers", {"page": "0"})
    assert len(rollovers) == 1
    assert_reference_rollover(rollovers[0])


def test_create_rollover_with_model() -> None:
    """POST /tenant/rollovers with the model as the example it came from."""
    service = MockService(body=example("RolloverSingle"))
    request = RolloverRequest.from_dict(example("RolloverBody"))
    with service.client(KimonoClient) as client:
        rollover = client.rollovers.create(request)
    check(service.only, "POST", "/tenant/rollovers", {})
    assert sent_json(service.only) == example("RolloverBody")
    assert_reference_rollover(rollover)


def test_create_rollover_from_dict() -> None:
    """A dict body is validated and sent with its dates as ISO 8601 instants."""
    service = MockService(body=example("RolloverSingle"))
    body = {
        "name": "2025-2026",
        "type": "new_year",
        "start_date": "2025-07-01T00:00:00Z",
        "end_date": "2025-08-15T00:00:00Z",
        "cloud_id": REF_ID,
    }
    with service.client(KimonoClient) as client:
        rollover = client.rollovers.create(body)
    check(service.only, "POST", "/tenant/rollovers", {})
    sent = sent_json(service.only)
    assert sent["name"] == "2025-2026"
    assert sent["type"] == "new_year"
    assert sent["cloud_id"] == REF_ID
    parse = datetime.datetime.fromisoformat
    assert parse(sent["start_date"]) == datetime.datetime(2025, 7, 1, tzinfo=datetime.timezone.utc)
    assert parse(sent["end_date"]) == datetime.datetime(2025, 8, 15, tzinfo=datetime.timezone.utc)
    assert_reference_rollover(rollover)


@pytest.mark.parametrize(
    ("bad", "error", "words"),
    [
        ({"cloud_id": "cloud-1"}, ValueError, "request is not a valid RolloverRequest"),
        ({"start_date": "next monday"}, ValueError, "request is not a valid RolloverRequest"),
        ("new_year", TypeError, "request must be a RolloverRequest or a dict"),
    ],
)
def test_create_rollover_rejects_a_bad_body_before_sending(
    bad: Any, error: type[Exception], words: str
) -> None:
    """A body with a bad id or date, or not a dict or model, is refused before any request."""
    service = MockService(body=example("RolloverSingle"))
    with service.client(KimonoClient) as client:
        with pytest.raises(error, match=words):
            client.rollovers.create(bad)
    assert service.calls == []


def test_create_rollover_409_raises_conflict() -> None:
    """A 409 (the rollover overlaps another) is ConflictError."""
    service = MockService(status=409, body={"message": "Rollover overlaps another rollover"})
    with service.client(KimonoClient) as client:
        with pytest.raises(ConflictError) as caught:
            client.rollovers.create({"type": "new_year"})
    assert caught.value.status_code == 409
    check(service.only, "POST", "/tenant/rollovers", {})


@pytest.mark.parametrize(
    "rollover_id", [ROLLOVER_ID.upper(), uuid.UUID(ROLLOVER_ID)], ids=["str", "UUID"]
)
def test_get_rollover(rollover_id: str | uuid.UUID) -> None:
    """GET /tenant/rollovers/{id} with the id normalised; the example's rollover parses."""
    service = MockService(body=example("RolloverSingle"))
    with service.client(KimonoClient) as client:
        rollover = client.rollovers.get(rollover_id)
    check(service.only, "GET", f"/tenant/rollovers/{ROLLOVER_ID}", {})
    assert_reference_rollover(rollover)


def test_update_rollover_puts_the_body() -> None:
    """PUT /tenant/rollovers/{id} with the dict; the answer is the updated rollover."""
    answer = example("RolloverSingle")
    answer["data"]["name"] = "Renamed"
    service = MockService(body=answer)
    body = {**example("RolloverBody"), "name": "Renamed"}
    with service.client(KimonoClient) as client:
        rollover = client.rollovers.update(ROLLOVER_ID, body)
    check(service.only, "PUT", f"/tenant/rollovers/{ROLLOVER_ID}", {})
    assert sent_json(service.only) == body
    assert rollover.name == "Renamed"
    assert rollover.type_ == RolloverType.NEW_YEAR


def test_update_rollover_with_model() -> None:
    """A RolloverRequest model is sent with only the fields it sets."""
    service = MockService(body=example("RolloverSingle"))
    with service.client(KimonoClient) as client:
        client.rollovers.update(ROLLOVER_ID, RolloverRequest(name="2026-2027"))
    assert sent_json(service.only) == {"name": "2026-2027"}


def test_update_rollover_rejects_a_bad_body_before_sending() -> None:
    """A dict that is not a valid RolloverRequest is refused before any request."""
    service = MockService(body=example("RolloverSingle"))
    with service.client(KimonoClient) as client:
        with pytest.raises(ValueError, match="RolloverRequest"):
            client.rollovers.update(ROLLOVER_ID, {"actor_id": "me"})
    assert service.calls == []


def test_delete_rollover() -> None:
    """DELETE /tenant/rollovers/{id}; the 204 gives None."""
    service = MockService(status=204)
    with service.client(KimonoClient) as client:
        assert client.rollovers.delete(ROLLOVER_ID) is None
    check(service.only, "DELETE", f"/tenant/rollovers/{ROLLOVER_ID}", {})


@pytest.mark.parametrize(
    ("call", "method", "status", "error"),
    [
        (lambda c: c.rollovers.get(ROLLOVER_ID), "GET", 404, NotFoundError),
        (lambda c: c.rollovers.update(ROLLOVER_ID, {"name": "x"}), "PUT", 404, NotFoundError),
        (lambda c: c.rollovers.update(ROLLOVER_ID, {"name": "x"}), "PUT", 409, ConflictError),
        (lambda c: c.rollovers.delete(ROLLOVER_ID), "DELETE", 404, NotFoundError),
        (lambda c: c.rollovers.delete(ROLLOVER_ID), "DELETE", 409, ConflictError),
    ],
    ids=["get-404", "update-404", "update-409", "delete-404", "delete-409"],
)
def test_rollover_errors(call: Any, method: str, status: int, error: type[Exception]) -> None:
    """Each documented error status of a call on one rollover is its own exception."""
    service = MockService(status=status, body={"message": "Cannot change this rollover"})
    with service.client(KimonoClient) as client:
        with pytest.raises(error):
            call(client)
    check(service.only, method, f"/tenant/rollovers/{ROLLOVER_ID}", {})


@pytest.mark.parametrize(
    "call",
    [
        lambda c, bad: c.rollovers.get(bad),
        lambda c, bad: c.rollovers.update(bad, {"name": "x"}),
        lambda c, bad: c.rollovers.delete(bad),
    ],
    ids=["get", "update", "delete"],
)
@pytest.mark.parametrize("bad", ["", "count", "12345", f"{ROLLOVER_ID}/run"])
def test_malformed_id_raises_before_any_request(call: Any, bad: str) -> None:
    """A rollover id that is not a UUID (or smuggles a path) raises ValueError, unsent."""
    service = MockService(status=204)
    with service.client(KimonoClient) as client:
        with pytest.raises(ValueError, match="rollover_id"):
            call(client, bad)
    assert service.calls == []
