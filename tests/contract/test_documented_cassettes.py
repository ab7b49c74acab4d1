"""The documented cassettes: the spec's examples, replayed through the SDK.

``tests/cassettes/documented/`` is built from the spec's examples, not recorded
(``python -m scripts.record --documented``); :func:`test_documented_example` replays
each through the SDK and compares what it returns with what the vendor published.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from kimono_interop import APIStatusError, BearerToken, KimonoClient
from kimono_interop._operations import OPERATIONS
from tests.support.cassettes import (
    BULK_ACKS,
    CASSETTES,
    DOC_BLUEPRINT,
    DOC_ID,
    DOC_VERSION,
    VENDOR_ORIGIN,
    DocumentedScenario,
    as_json,
    assert_all_played,
    cassette_files,
    comparable,
    documented_cassettes,
    documented_scenarios,
    expect_documented_error,
    replay_transport,
    scrub_json,
)
from tests.support.specs import examples, operations, sdk_method

DATA, INTEROP = "interop-data", "interop"


def _first_page(pager: Any) -> list[Any]:
    """The items of the first page: a documented example is one page (the interop API's
    examples show no ``paging``, after which the SDK would ask for page 1)."""
    return list(next(iter(pager.pages())).items)


#: The hand-written SDK calls (``custom`` in the operation table), for a documented example
#: (``b`` is its request body). Every other call is derived from the table: see _documented_call.
CUSTOM_DOCUMENTED_CALLS: dict[str, Callable[[KimonoClient, Any], Any]] = {
    "listTasks": lambda k, b: k.tasks.receive(),
    "acknowledgeTask": lambda k, b: k.tasks.ack(
        b["task_id"], b["status"], message=b.get("message")
    ),
    "acknowledgeTasks": lambda k, b: k.tasks.ack_many(b),
    "acknowledgeAdminTask": lambda k, b: k.admin_tasks.ack(
        b["task_id"], b["status"], message=b.get("message")
    ),
    "acknowledgeAdminTasks": lambda k, b: k.admin_tasks.ack_many(b),
    "createIntegrationVersion": lambda k, b: k.integrations.versions.create(DOC_ID, DOC_BLUEPRINT),
    "updateIntegrationBlueprint": lambda k, b: k.integrations.versions.update_blueprint(
        DOC_ID, DOC_VERSION, DOC_BLUEPRINT
    ),
    "listInteropTenants": lambda k, b: _first_page(k.tenants.list()),
}
#: Operations whose documented list example shows two items (one page asks for two).
DOCUMENTED_PAGE_SIZE = {"listOrgs": 2}


def _documented_call(operation_id: str) -> Callable[[KimonoClient, Any], Any]:
    """The SDK call of an operation for its documented example: path values, then the body."""
    if operation_id in CUSTOM_DOCUMENTED_CALLS:
        return CUSTOM_DOCUMENTED_CALLS[operation_id]
    op = OPERATIONS[operation_id]
    names = re.findall(r"{(\w+)}", op.path)
    path = [DOC_VERSION if name == "version" else DOC_ID for name in names]
    takes_body = operation_id in BODY_OPERATIONS

    def call(k: KimonoClient, b: Any) -> Any:
        args = [*path, b] if takes_body else path
        if op.shape == "list":
            size = DOCUMENTED_PAGE_SIZE.get(operation_id)
            pager = sdk_method(k, operation_id)(*args, **({"page_size": size} if size else {}))
            return _first_page(pager)
        return sdk_method(k, operation_id)(*args)

    return call


#: Operations that take a JSON request body.
BODY_OPERATIONS = {
    op.operation_id
    for spec in (DATA, INTEROP)
    for op in operations(spec)
    if "requestBody" in op.body
}
DOCUMENTED = documented_scenarios()


def _check_documented_result(scenario: DocumentedScenario, result: Any) -> None:
    answer = scrub_json(scenario.response_body)  # as the cassette holds it
    if scenario.operation_id in BULK_ACKS:
        ids = [ack["task_id"] for ack in scenario.request_body]
        if scenario.status == 404:
            message = answer["message"]
            assert (result.acknowledged, result.failed) == ([], dict.fromkeys(ids, message))
            assert result.requests == 1 + len(ids)
        else:
            assert (result.acknowledged, result.failed) == (ids, {})
    elif answer is None:
        assert result is None
    elif isinstance(answer, dict) and isinstance(answer.get("data"), list):
        assert comparable([as_json(item) for item in result]) == comparable(answer["data"])
    elif isinstance(answer, dict) and isinstance(answer.get("data"), dict):
        assert comparable(as_json(result)) == comparable(answer["data"])
    else:
        assert result == answer


@pytest.mark.vcr(record_mode="none")
@pytest.mark.block_network
@pytest.mark.parametrize("scenario", DOCUMENTED, ids=lambda s: s.name)
def test_documented_example(scenario: DocumentedScenario, vcr: Any) -> None:
    """The SDK sends the documented request and returns exactly the documented answer."""
    call = _documented_call(scenario.operation_id)
    client = KimonoClient(
        base_url=VENDOR_ORIGIN,
        auth=BearerToken("documented"),
        max_retries=0,
        transport=replay_transport(),
    )
    with client as kimono:
        if scenario.status >= 400 and scenario.operation_id not in BULK_ACKS:
            with pytest.raises(APIStatusError) as error:
                call(kimono, scenario.request_body)
            expect_documented_error(scenario, error.value)
        else:
            _check_documented_result(scenario, call(kimono, scenario.request_body))
    assert_all_played(vcr)


def test_documented_cassettes_are_those_the_spec_examples_make() -> None:
    """tests/cassettes/documented/ is exactly what scripts/record.py builds from the specs."""
    built = documented_cassettes()
    on_disk = {
        str(path.relative_to(CASSETTES)): path.read_text(encoding="utf-8")
        for path in cassette_files(CASSETTES / "documented")
    }
    assert sorted(on_disk) == sorted(built), "run `python -m scripts.record --documented`"
    stale = [name for name, text in built.items() if on_disk[name] != text]
    assert stale == [], "run `python -m scripts.record --documented`"
    used = {where for scenario in DOCUMENTED for where in scenario.examples}
    documented = {e.where for spec in (DATA, INTEROP) for e in examples(spec)}
    assert sorted(documented - used) == []
    assert all(
        text.startswith("# Built from the spec's documented examples") for text in built.values()
    )


def test_every_operation_has_a_documented_call() -> None:
    """Each operation's SDK call is derived from the table, or hand-written when it is custom."""
    ids = {op.operation_id for spec in (DATA, INTEROP) for op in operations(spec)}
    assert set(OPERATIONS) == ids
    custom = {op.id for op in OPERATIONS.values() if op.shape == "custom"}
    assert set(CUSTOM_DOCUMENTED_CALLS) == custom
