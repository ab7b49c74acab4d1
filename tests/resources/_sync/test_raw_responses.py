# Written by scripts/unasync.py from tests/resources/_async/test_raw_responses.py: edit that file,
# then run `make generate`.
"""``client.with_raw_response``: the same calls, answering the HTTP response with the result.

Every call that sends one request and answers one object, a count or nothing has a
raw twin (``Operation.raw`` in the operation table); lists do not (``pager.pages()``
gives each page's response). A raw call sends what the plain one sends, raises what
it raises for an error status, and parses nothing until ``parse()`` is called.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from kimono_interop import (
    APIResponse,
    KimonoClient,
    NotFoundError,
    ResponseValidationError,
)
from kimono_interop._operations import OPERATIONS
from kimono_interop_data_api.models import Person
from tests.support.mock_service import MockService, example
from tests.support.specs import load_spec, resolve, sdk_method

ID = "5f7a1c2e-0d3b-4a6c-9e8f-1a2b3c4d5e6f"
TASK = "11111111-1111-4111-8111-111111111111"
BLUEPRINT = "<integration/>"
PERSON = {"$sys": {"id": ID, "person_type": "student"}, "name": {"first": "Ada", "last": "L"}}
REQUEST_ID = {"x-request-id": "req-7"}


def answer(request: httpx.Request) -> httpx.Response:
    """A person, a version, a count or nothing, as the path asks; each with a request id."""
    path = request.url.path
    if path.endswith(("/versions", "/blueprint")):
        return httpx.Response(200, json=example("IntegrationVersionSingle"), headers=REQUEST_ID)
    if path.endswith("/count"):
        return httpx.Response(200, json=3, headers=REQUEST_ID)
    if request.method == "GET":
        return httpx.Response(200, json={"data": PERSON}, headers=REQUEST_ID)
    return httpx.Response(204, headers=REQUEST_ID)


def test_a_raw_read_exposes_the_response_and_parses_to_the_same_model() -> None:
    """Status, headers, request id, URL and the httpx response itself; ``parse()`` gives
    the model the plain call returns, once (the same object each time)."""
    service = MockService(answer)
    with service.client(KimonoClient) as kimono:
        raw = kimono.with_raw_response.rostering.persons.get(ID)
        plain = kimono.rostering.persons.get(ID)
    assert isinstance(raw, APIResponse)
    assert (raw.status_code, raw.request_id, raw.headers["x-request-id"]) == (200, "req-7", "req-7")
    assert isinstance(raw.http_response, httpx.Response)
    assert (raw.method, raw.url.path) == ("GET", f"/v2/interop/data/rostering/persons/{ID}")
    assert raw.json() == {"data": PERSON}
    assert raw.content == raw.http_response.content
    person = raw.parse()
    assert isinstance(person, Person)
    assert person == plain
    assert raw.parse() is person
    assert re.fullmatch(r"<APIResponse \[200\] GET https://\S+/rostering/persons/\S+>", repr(raw))
    first, second = service.requests
    assert (first.url, first.method, first.content) == (second.url, second.method, second.content)


def test_a_raw_count_and_a_raw_call_without_an_answer_parse_as_the_plain_ones() -> None:
    """A count parses to the int; a delete to None, with its 204 and request id."""
    service = MockService(answer)
    with service.client(KimonoClient) as kimono:
        count = kimono.with_raw_response.rollovers.count()
        deleted = kimono.with_raw_response.clouds.delete(ID)
    assert (count.status_code, count.parse()) == (200, 3)
    assert (deleted.status_code, deleted.request_id, deleted.parse()) == (204, "req-7", None)


def test_a_raw_call_parses_nothing_until_asked() -> None:
    """A body that does not fit the contract is returned raw; ``parse()`` raises the
    error the plain call raises, with the response."""
    service = MockService(lambda request: httpx.Response(200, json={"data": "nope"}))
    with service.client(KimonoClient) as kimono:
        raw = kimono.with_raw_response.rostering.persons.get(ID)
        assert raw.json() == {"data": "nope"}
        with pytest.raises(ResponseValidationError) as caught:
            raw.parse()
        assert caught.value.status_code == 200
        with pytest.raises(ResponseValidationError):
            kimono.rostering.persons.get(ID)


def test_an_error_status_raises_as_the_plain_call_does() -> None:
    """A 404 is NotFoundError, raw or not."""
    service = MockService(status=404, body={"code": "not_found", "message": "no"})
    with service.client(KimonoClient) as kimono:
        with pytest.raises(NotFoundError):
            kimono.with_raw_response.rostering.persons.get(ID)


def test_raw_calls_take_the_per_call_options_and_follow_the_clients_copies() -> None:
    """extra_headers, extra_query and timeout reach the request; a copy from with_options
    has raw calls with its own settings."""
    service = MockService(answer)
    with service.client(KimonoClient) as kimono:
        kimono.with_raw_response.rostering.persons.get(
            ID, extra_headers={"X-Trace": "t"}, extra_query={"debug": "1"}, timeout=4.0
        )
        quick = kimono.with_options(headers={"X-Copy": "1"})
        quick.with_raw_response.rostering.persons.get(ID)
    first, second = service.requests
    assert (first.headers["X-Trace"], first.url.params["debug"]) == ("t", "1")
    assert first.extensions["timeout"]["read"] == 4.0
    assert second.headers["X-Copy"] == "1"


def test_lists_have_no_raw_twin() -> None:
    """A list is many responses: ``with_raw_response`` has no list call, and no resource
    that has only lists (``pager.pages()`` gives each page's response)."""
    with KimonoClient("a", "b") as kimono:
        assert not hasattr(kimono.with_raw_response.rostering.persons, "list")
        assert not hasattr(kimono.with_raw_response.rostering, "students")
        assert not hasattr(kimono.with_raw_response.tasks, "next_batch")
        assert not hasattr(kimono.with_raw_response.tasks, "ack_many")


#: The hand-written calls with a raw twin (``raw: true`` in their declaration).
CUSTOM_RAW_CALLS: dict[str, Any] = {
    "acknowledgeTask": lambda raw: raw.tasks.ack(TASK, "success"),
    "acknowledgeAdminTask": lambda raw: raw.admin_tasks.ack(TASK, "error", message="m"),
    "createIntegrationVersion": lambda raw: raw.integrations.versions.create(ID, BLUEPRINT),
    "updateIntegrationBlueprint": lambda raw: raw.integrations.versions.update_blueprint(
        ID, "1.0", BLUEPRINT
    ),
}
RAW = [op for op in OPERATIONS.values() if op.raw]


def raw_call(operation_id: str) -> Any:
    """The raw call of an operation: hand-written, or from the table (ids, the documented
    request body)."""
    if operation_id in CUSTOM_RAW_CALLS:
        return CUSTOM_RAW_CALLS[operation_id]
    op = OPERATIONS[operation_id]
    names = re.findall(r"{(\w+)}", op.path)
    args: list[Any] = ["1.0" if name == "version" else ID for name in names]
    if op.method in ("POST", "PUT", "PATCH"):
        args.append(request_example(op.api, op.path, op.method.lower()))
    return lambda raw: sdk_method(raw, operation_id)(*args)


def request_example(api: str, path: str, method: str) -> Any:
    """The documented request body of an operation (its ``reference`` example)."""
    spec = load_spec("interop-data" if api == "data" else "interop")
    body = resolve(spec, spec["paths"][path][method]["requestBody"])
    documented = body["content"]["application/json"]["examples"]["reference"]
    return resolve(spec, documented)["value"]


def test_the_raw_calls_are_every_call_of_one_answer_and_the_declared_hand_written_ones() -> None:
    """Generated calls of one object, a count or nothing, and the declared hand-written
    calls; no list."""
    generated = {op.id for op in OPERATIONS.values() if op.shape in ("one", "count", "none")}
    assert {op.id for op in RAW} == generated | set(CUSTOM_RAW_CALLS)
    assert all(op.shape != "list" for op in RAW)


@pytest.mark.parametrize("operation_id", [op.id for op in RAW])
def test_every_raw_call_answers_its_response_unparsed(operation_id: str) -> None:
    """Each raw call sends one request and answers an APIResponse of it, unparsed (the
    service's ``{}`` fits no model)."""
    service = MockService(lambda request: httpx.Response(200, json={}, headers=REQUEST_ID))
    with service.client(KimonoClient) as kimono:
        raw = raw_call(operation_id)(kimono.with_raw_response)
    assert isinstance(raw, APIResponse)
    assert (raw.request_id, raw.method) == ("req-7", OPERATIONS[operation_id].method)
    assert raw.http_response.request is service.only
