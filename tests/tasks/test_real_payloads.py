"""Payloads built from public sources nobody here wrote, through the specs, the models and the SDK.

tests/real_payloads/ holds one JSON file per payload: what the vendor's rendered
reference, its driver framework (kimonocloud/client-kit-java), its generated clients
(kimonocloud/kimono-api-java 2.0.0 and 2.0.3), its example drivers
(kimonocloud/api-examples) and a customer's client corrected against live traffic
(Wayside-Publishing/kimono-php) show, each naming its source. They must all fit the
specs (`scripts/drift.py payloads` finds no drift), parse with the generated models
losing nothing, and go through the SDK: every task found and acknowledged, every
reference's id read, every single read unwrapped, every page yielded.

tests/tolerated_payloads/ holds shapes the vendor's parser accepts but no payload shows
(other casings of action and type, an event member nobody lists): the drift tool must
name each as drift, and the SDK must still read them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kimono_interop import (
    AsyncKimonoClient,
    BasicAuth,
    InvalidItemsError,
    KimonoClient,
    OAuth2ClientCredentials,
    ResponseValidationError,
    TaskKind,
    TaskView,
    ref_id,
)
from scripts import drift
from tests.support import ROOT, TESTS
from tests.support.fake_queue import FakeQueue
from tests.support.specs import models, sdk_method

REAL = TESTS / "real_payloads"
TOLERATED = TESTS / "tolerated_payloads"
BASE = "https://api.us2.kimonocloud.com"
DATA = models("interop-data")
INTEROP = models("interop")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
#: The references of each rostering object (kimono-api-java 2.0.3 @SerializedName names).
RELATIONSHIPS = (
    "$parent",
    "$children",
    "$students",
    "$teachers",
    "$schools",
    "$school",
    "$sections",
    "$orgs",
    "$terms",
    "$term",
    "$course",
    "$org",
    "$section",
    "$person",
)


def _load(path: Path) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return record


def _records(root: Path) -> list[tuple[str, dict[str, Any]]]:
    return [(path.name, _load(path)) for path in sorted(root.glob("*.json"))]


RECORDS = _records(REAL)
TOLERATED_RECORDS = _records(TOLERATED)


def _with(target: str, *names: str) -> list[Any]:
    return [
        pytest.param(record, id=name)
        for name, record in RECORDS
        if target in record and (not names or record[target] in names)
    ]


def _comparable(value: Any) -> Any:
    """JSON with every RFC 3339 time as a datetime: `...04.000Z` and `...04+00:00` are equal."""
    if isinstance(value, dict):
        return {key: _comparable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    if isinstance(value, str) and RFC3339.match(value):
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    return value


def _tasks_of(record: dict[str, Any]) -> list[Any]:
    if record.get("schema") == "Task":
        return [record["payload"]]
    if record.get("response") == "listTasks":
        return list(record["payload"]["data"])
    return []


def _references(obj: Any) -> Iterator[Any]:
    """Every relationship entry of a rostering object (single references and list items)."""
    for name in RELATIONSHIPS:
        value = obj.get(name) if isinstance(obj, dict) else None
        if isinstance(value, list):
            yield from value
        elif isinstance(value, dict):
            yield value


# -- the files themselves ---------------------------------------------------------------------
def test_every_payload_names_its_source_and_what_it_is() -> None:
    """Each file says where its facts come from, whether it is verbatim, and what it claims."""
    assert len(RECORDS) >= 50
    for name, record in RECORDS + TOLERATED_RECORDS:
        source, note = record.get("source", ""), record.get("note", "")
        assert re.search(r"[\w-]+/[\w.-]+|https://", source), name
        assert re.match(r"(VERBATIM|BUILT)\b", note), name
        assert sum(key in record for key in ("schema", "response", "request")) == 1, name


def test_the_specs_say_what_every_public_source_shows() -> None:
    """`drift.py payloads` finds nothing to report in tests/real_payloads/."""
    documents = [
        drift.Document.load(ROOT / "spec" / f) for f in ("interop-data.yaml", "interop.yaml")
    ]
    report = drift.check_payloads(REAL, documents)
    assert report.errors == []
    assert [str(problem) for problem in report.problems] == []
    assert report.payloads == len(RECORDS)


def test_the_drift_tool_names_each_shape_the_specs_do_not_list_with_its_source(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Tolerated-but-unlisted shapes are reported, one line each, with file, path and source."""
    assert drift.main(["payloads", str(TOLERATED)]) == 1
    out = capsys.readouterr().out
    assert "task_2x_unknown_member.json [schema Task] $.roster_event: field 'roster_event'" in out
    assert "task_3x_uppercase_type.json [schema Task] $.type: value 'DATA_EVENT'" in out
    assert "task_lowercase_action_origin.json [schema Task] $.sync_event.action: value" in out
    assert "    source: kimonocloud/client-kit-java/src/main/java/kimono/client/impl/tasks" in out
    assert "task_java_client_flat.json [schema Task] $.topic: field 'topic' is not" in out
    assert out.rstrip().endswith(f"8 problems in 5 of {len(TOLERATED_RECORDS)} payloads")
    assert drift.main(["payloads", str(REAL)]) == 0
    assert (
        capsys.readouterr()
        .out.rstrip()
        .endswith(f"no drift: {len(RECORDS)} payloads match the specs")
    )


# -- the generated models ---------------------------------------------------------------------
@pytest.mark.parametrize("record", _with("schema"))
def test_each_object_parses_and_round_trips_losing_nothing(record: dict[str, Any]) -> None:
    """The model of the named schema reads the payload and writes back the same JSON."""
    model = getattr(DATA, record["schema"], None) or getattr(INTEROP, record["schema"])
    parsed = model.from_dict(record["payload"])
    assert _comparable(parsed.to_dict()) == _comparable(record["payload"])


@pytest.mark.parametrize("record", _with("response", "listOrgs", "listPersons", "listTasks"))
def test_each_page_parses_and_round_trips_losing_nothing(record: dict[str, Any]) -> None:
    """Pages of orgs, persons and tasks, as the vendor's pages and code show them."""
    name = {"listOrgs": "OrgsResponse", "listPersons": "PersonsResponse"}.get(
        record["response"], "TasksResponse"
    )
    parsed = getattr(DATA, name).from_dict(record["payload"])
    assert _comparable(parsed.to_dict()) == _comparable(record["payload"])


@pytest.mark.parametrize("record", _with("schema", "Org", "Person", "Course", "Section", "Term"))
def test_every_reference_keeps_its_id_nested_or_flat(record: dict[str, Any]) -> None:
    """`ref_id` reads the id of each relationship, from `$sys` (since 2020) or flat (2019)."""
    payload = record["payload"]
    model = getattr(DATA, record["schema"]).from_dict(payload)
    raw = [ref for ref in _references(payload)]
    assert raw, "the fixture has references"
    expected = [(ref.get("$sys") or {}).get("id") or ref.get("id") for ref in raw]
    assert [ref_id(ref) for ref in raw] == expected
    typed = []
    for name in RELATIONSHIPS:
        attribute = name.removeprefix("$")
        value = getattr(model, "sys" if attribute == "sys" else attribute, None)
        if isinstance(value, list):
            typed.extend(value)
        elif value is not None and hasattr(value, "to_dict"):
            typed.append(value)
    assert [ref_id(ref) for ref in typed] == expected


def test_a_grading_category_reads_its_school_under_either_name() -> None:
    """`$school` (the Grades blueprint) and `$schools` (kimono-api-java 2.0.3) both parse."""
    blueprint = _load(REAL / "grading_category_school_no_sys.json")["payload"]
    category = DATA.GradingCategory.from_dict(blueprint)
    assert ref_id(category.school) == blueprint["$school"]["$sys"]["id"]
    docs = _load(REAL / "grading_category_2_0_3.json")["payload"]
    assert ref_id(DATA.GradingCategory.from_dict(docs).schools) == ref_id(docs["$schools"])


# -- tasks ------------------------------------------------------------------------------------
TASKS = [
    pytest.param(task, id=f"{name}[{index}]")
    for name, record in RECORDS
    for index, task in enumerate(_tasks_of(record))
]


@pytest.mark.parametrize("task", TASKS)
def test_every_task_shape_is_read_with_its_id_kind_and_fields(task: dict[str, Any]) -> None:
    """TaskView finds the id to acknowledge and the kind of every published shape."""
    view = TaskView.from_raw(task)
    member = next((v for k, v in task.items() if isinstance(v, dict) and k != "data"), task)
    if "type" in task:
        member = task
    assert view.id == member["id"]
    assert view.kind is not TaskKind.UNKNOWN
    assert view.object_type == member.get("object_type", member.get("objectType"))
    assert view.object_id == member.get("object_id", member.get("objectId"))
    assert view.group_id == member.get("group_id", member.get("groupId"))
    action = member.get("action")
    assert view.action == (action.upper() if action else None)
    if view.kind is TaskKind.GRADES_QUERY:
        query = view.grades_query
        assert query is not None and str(query.exchange_id) == member["data"]["exchange_id"]
        assert query.query.type_ in ("assignment_scores", "summary")  # type: ignore[union-attr]
    DATA.Task.from_dict(task)  # the generated model reads it too


def test_the_kinds_of_the_mixed_batch_are_those_of_its_members() -> None:
    """One batch of every schema and kind: 1.x camelCase, 2.x members, 3.x `type`."""
    batch = _load(REAL / "tasks_batch_mixed.json")["payload"]["data"]
    kinds = [TaskView.from_raw(task).kind.value for task in batch]
    assert kinds == [
        "data",
        "grades_query",
        "sync",
        "data",
        "authenticate",
        "grades_query",
        "lifecycle",
        "data",
        "data",
        "authenticate",
        "grades_query",
        "data",
    ]


def test_schema_inside_the_member_and_no_schema_at_all() -> None:
    """`schema` is read inside the member when it is not at the top; none at all means 1.x."""
    inner = TaskView.from_raw(_load(REAL / "task_schema_inside_event_member.json")["payload"])
    assert (inner.schema, inner.kind, inner.action) == (
        "2.0",
        TaskKind.LIFECYCLE,
        "TENANT_ACTIVATED",
    )
    bare = TaskView.from_raw(_load(REAL / "task_1x_dataEvent_no_schema.json")["payload"])
    assert (bare.schema, bare.kind, bare.object_type) == (None, TaskKind.DATA, "RDM:Student")
    assert bare.tenant_id == "1c9e6f6a-2b7d-4c1e-8f3a-5d4c3b2a1f0e"  # camelCase tenantId


@pytest.mark.parametrize("record", [pytest.param(r, id=n) for n, r in TOLERATED_RECORDS])
def test_shapes_the_vendor_parser_tolerates_are_read_too(record: dict[str, Any]) -> None:
    """Other casings of action, origin and type, an unknown member, and the flat task of
    the vendor's generated Java client: read, never rejected."""
    view = TaskView.from_raw(record["payload"])
    assert view.id is not None
    if "topic" in record["payload"]:  # (kimono-api-java: a data event, its fields named)
        assert (view.kind, view.event_type, view.action) == (TaskKind.DATA, None, "ADD")
        assert (view.object_type, view.group_id) == ("RDM:Student", "b-1")
        assert view.object_id == "aaaaaaaa-0000-4000-8000-000000000001"
        assert view.data == record["payload"]["data"] and view.raw is record["payload"]
    if "roster_event" in record["payload"]:
        assert (view.kind, view.event_type) == (TaskKind.UNKNOWN, "roster_event")
    else:
        assert view.kind is not TaskKind.UNKNOWN
        assert view.action is not None and view.action.is_known
    if view.kind is TaskKind.SYNC:
        assert view.origin == "initial"


def test_a_member_of_any_name_that_holds_an_id_is_the_event() -> None:
    """A task whose only member is unknown, and not named like an event, is still acknowledged."""
    view = TaskView.from_raw({"schema": "2.0", "gradesExport": {"id": "abc", "action": "add"}})
    assert (view.id, view.kind, view.event_type, view.action) == (
        "abc",
        TaskKind.UNKNOWN,
        "gradesExport",
        "ADD",
    )


def test_a_batch_of_every_shape_is_handled_and_fully_acknowledged() -> None:
    """Every task of the mixed batch, the vendor's example and the tolerated ones is acked once."""
    tasks = [task for _, record in RECORDS for task in _tasks_of(record)]
    tasks += [record["payload"] for _, record in TOLERATED_RECORDS]
    # The vendor's example draws one Task with every member, all with the placeholder id.
    unique = list({TaskView.from_raw(t).id: t for t in tasks}.values())
    queue = FakeQueue(unique)
    seen: list[TaskView] = []
    with KimonoClient(
        "c", "s", base_url=BASE, transport=httpx.MockTransport(queue.mock_handler())
    ) as kimono:
        stats = kimono.tasks.run(seen.append, stop_when_empty=True)
    ids = [TaskView.from_raw(t).id for t in unique]
    assert [t.id for t in seen] == ids
    assert [a["task_id"] for a in queue.acks] == ids
    assert (stats.unackable, stats.acknowledged, len(queue.pending)) == (0, len(ids), 0)


# -- the SDK over HTTP ------------------------------------------------------------------------
SINGLE_READS = {
    "findOrg": "Org",
    "findLEA": "Org",
    "findPerson": "Person",
    "findCourse": "Course",
    "findSection": "Section",
    "findTerm": "Term",
}


def _serving(body: Any) -> httpx.MockTransport:
    """Answers ``body`` to every request (an empty last page after the first page)."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        if request.url.params.get("page", "0") != "0":
            return httpx.Response(200, json={"data": [], "paging": {"next": None}})
        return httpx.Response(200, json=body)

    return httpx.MockTransport(answer)


@pytest.mark.parametrize("record", _with("response", *SINGLE_READS))
def test_single_reads_accept_the_bare_object_and_the_envelope(record: dict[str, Any]) -> None:
    """Vendor artifacts answer findLEA/findPerson/... bare and findOrg in `{data}`: both work."""
    model = SINGLE_READS[record["response"]]
    payload = record["payload"]
    obj = payload.get("data", payload) if "$sys" not in payload else payload
    with KimonoClient("c", "s", base_url=BASE, transport=_serving(payload)) as kimono:
        read = sdk_method(kimono, record["response"])
        got = read("4f0e1c1a-5b2d-4b1e-9a3c-1e2f3a4b5c6d")
    assert type(got) is getattr(DATA, model)
    assert _comparable(got.to_dict()) == _comparable(obj)


@pytest.mark.parametrize("record", _with("response", "listOrgs", "listPersons"))
def test_pages_of_real_shapes_are_walked_to_the_last_item(record: dict[str, Any]) -> None:
    """The vendor's Orgs example has no `paging` and no `$sys`: every item still comes out."""
    payload = record["payload"]
    with KimonoClient("c", "s", base_url=BASE, transport=_serving(payload)) as kimono:
        lister = (
            kimono.rostering.orgs.list
            if record["response"] == "listOrgs"
            else kimono.rostering.persons.list
        )
        items = list(lister(page_size=len(payload["data"]) + 1))
        dicts = list(lister(page_size=len(payload["data"]) + 1).as_dicts())
    assert [_comparable(i.to_dict()) for i in items] == _comparable(payload["data"])
    assert dicts == payload["data"]


def test_for_tenant_takes_the_auth_type_in_any_case() -> None:
    """The vendor's framework upper-cases `auth.type`; `basic` and `BASIC` both mean Basic."""
    for name, expected in (
        ("tenant_info.json", OAuth2ClientCredentials),
        ("tenant_info_basic_auth.json", BasicAuth),
    ):
        info = _load(REAL / name)["payload"]
        shouted = {**info, "auth": {**info["auth"], "type": info["auth"]["type"].upper()}}
        with KimonoClient("c", "s", base_url=BASE, transport=_serving({})) as kimono:
            for tenant in (info, shouted):
                with kimono.for_tenant(tenant) as child:
                    assert type(child.auth) is expected


def test_an_api_key_is_both_user_name_and_password_and_shown_nowhere() -> None:
    """Account-level Basic as the vendor's tools send it; the key is not in the repr."""
    auth = BasicAuth.from_api_key("k-123-secret")
    request = next(auth.auth_flow(httpx.Request("GET", f"{BASE}/v2/interop/tenants")))
    assert (
        request.headers["authorization"]
        == httpx.BasicAuth("k-123-secret", "k-123-secret")._auth_header
    )
    assert "k-123-secret" not in repr(auth)


# -- one bad item never fails the good ones ---------------------------------------------------
def _mixed_page() -> dict[str, Any]:
    persons = _load(REAL / "persons_page_nested.json")["payload"]["data"]
    broken = {"name": {"first": "No", "last": "Sys"}}  # a Person must have $sys
    return {"data": [persons[0], broken, None, persons[1]], "paging": {"next": None}}


def test_a_page_with_broken_items_yields_the_good_ones_then_raises_listing_the_rest() -> None:
    """The documented rule: every readable item first; then InvalidItemsError with the others."""
    page = _mixed_page()
    got: list[Any] = []
    with KimonoClient("c", "s", base_url=BASE, transport=_serving(page)) as kimono:
        with pytest.raises(InvalidItemsError) as caught:
            for person in kimono.rostering.persons.list():
                got.append(str(person.sys.id))
        assert got == [page["data"][0]["$sys"]["id"], page["data"][3]["$sys"]["id"]]
        error = caught.value
        assert (error.count, [i.index for i in error.items]) == (2, [1, 2])
        assert error.items[0].raw == page["data"][1] and error.items[1].raw is None
        assert "not a JSON object: null" in str(error.items[1])
        seen: list[Any] = []
        handled = list(kimono.rostering.persons.list().on_invalid(seen.append))
        assert (len(handled), [i.index for i in seen]) == (2, [1, 2])
        # .as_dicts() checks only that an item is an object: the one without $sys comes out.
        dicts = list(kimono.rostering.persons.list().as_dicts().on_invalid(seen.append))
        assert dicts == [page["data"][0], page["data"][1], page["data"][3]]


def test_why_an_item_could_not_be_read_never_quotes_its_values() -> None:
    """A malformed date of birth (a value the parser quotes: `Invalid isoformat string:
    '...'`) is withheld from the reason, the error and the CLI's report; the field's name
    and the item itself (for the handler) stay."""
    persons = _mixed_page()["data"]
    dob = "Ann O'Neil 2010-02-30"  # a value with a quote in it is quoted another way
    bad = {**persons[0], "dob": dob}
    missing = {key: value for key, value in persons[1].items() if key != "$sys"}
    page = {"data": [bad, missing], "paging": {"next": None}}
    kimono = KimonoClient("c", "s", base_url=BASE, transport=_serving(page))
    with kimono, pytest.raises(InvalidItemsError) as caught:
        list(kimono.rostering.persons.list())
    first, second = caught.value.items
    assert first.raw["dob"] == dob
    assert first.reason == "ValueError: Invalid isoformat string: '***'"
    assert second.reason == "KeyError: '$sys'"
    assert "O'Neil" not in str(caught.value) and "2010-02-30" not in str(caught.value)


def test_a_single_read_and_a_nested_read_withhold_the_values_they_could_not_parse() -> None:
    """persons.get() of a person with a malformed date of birth, and the first read of a
    nested object holding one: the error (and its cause, which a logged traceback
    prints) quoted the value; field names and error types stay."""
    import traceback

    person = _mixed_page()["data"][0]
    dob = "Ann O'Neil 2010-02-30"
    page = {"data": {**person, "dob": dob}}
    kimono = KimonoClient("c", "s", base_url=BASE, transport=_serving(page))
    with kimono, pytest.raises(ResponseValidationError) as raised:
        kimono.rostering.persons.get(person["$sys"]["id"])
    shown = "".join(traceback.format_exception(raised.value))
    assert "Invalid isoformat string: '***'" in shown and "O'Neil" not in shown
    assert type(raised.value.__cause__) is ValueError

    from kimono_interop_data_api.models import Person

    nested = Person.from_dict({**person, "$sys": {**person["$sys"], "created_at": f"{dob}Z"}})
    with pytest.raises(ResponseValidationError) as raised:
        nested.sys  # noqa: B018  (the read is what fails)
    shown = "".join(traceback.format_exception(raised.value))
    assert "Person.sys does not match the contract" in shown and "O'Neil" not in shown


def test_the_async_pager_follows_the_same_rule() -> None:
    """`async for` yields the good items, then raises; `on_invalid` takes the bad ones instead."""
    import asyncio

    page = _mixed_page()

    async def main() -> tuple[int, int, int]:
        async with AsyncKimonoClient("c", "s", base_url=BASE, transport=_serving(page)) as kimono:
            got = 0
            try:
                async for _ in kimono.rostering.persons.list():
                    got += 1
            except InvalidItemsError as exc:
                count = exc.count
            seen: list[Any] = []
            handled = [p async for p in kimono.rostering.persons.list().on_invalid(seen.append)]
            return got, count, len(handled) + len(seen)

    assert asyncio.run(main()) == (2, 2, 4)


def test_next_batch_returns_what_it_can_type_and_hands_over_the_rest() -> None:
    """The generated-model read of the queue follows the same rule as lists."""
    good = _load(REAL / "task_3x_data_event.json")["payload"]
    body = {"data": [good, {"schema": "3.0", "id": "x", "created_at": "yesterday"}]}
    with KimonoClient("c", "s", base_url=BASE, transport=_serving(body)) as kimono:
        with pytest.raises(InvalidItemsError, match="1 item") as raised:
            kimono.tasks.next_batch()
        # the readable ones are on the error (they were lost: a caller could not ack them)
        assert [t.id for t in raised.value.read] == [good["id"]]
        assert "in this error's `read`" in str(raised.value)
        seen: list[Any] = []
        tasks = kimono.tasks.next_batch(on_invalid=seen.append)
    assert [t.id for t in tasks] == [good["id"]]
    assert [i.index for i in seen] == [1]


def test_a_missing_field_is_named_even_where_a_value_spells_its_name() -> None:
    """A KeyError names a field, not a value: it was masked where some value of the item
    spelled the field's name, and rebuilt double-quoted."""
    from kimono_interop._parsing import withheld

    error = KeyError("sourcedId")
    assert withheld(error, {"type": "sourcedId"}) is error
    masked = withheld(ValueError("bad 'Ada'"), {"name": "Ada"})
    assert type(masked) is ValueError and str(masked) == "bad '***'"
