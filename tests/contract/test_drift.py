"""scripts/drift.py: each drift check reports exactly the drift it was given, and nothing else.

The cassettes are built here from scratch (vcrpy's YAML format, version 1) so that they
match the spec; each test then breaks one thing in a copy and expects exactly one
problem naming the operation, the JSON path and the spec line to change. The spec lines
are found by reading the spec's text, not with the script's own line map. The `compare`
tests change a temporary copy of the spec and expect exactly those changes, each marked
BREAKING or compatible by the rules at the top of scripts/drift.py.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts import drift
from tests.support import TESTS
from tests.support.specs import SPECS

FIXTURES = TESTS / "drift_fixtures"
HOST = "https://kimono.invalid"
DATA = f"{HOST}/v2/interop/data"
ORG_ID = "2a4a2e06-7755-43bb-9766-4f398079ef8c"
SCHOOL_ID = "7d1c1a38-0f39-4b75-a2a4-3c3e4b1bb6f1"
TASK_ID = "8e7d6c5b-4a39-4281-b7a6-958473625140"
TENANT_ID = "1c9e6f6a-2b7d-4c1e-8f3a-5d4c3b2a1f0e"
CLOUD_ID = "5f7a1c2e-0d3b-4a6c-9e8f-1a2b3c4d5e6f"


def spec_line(name: str, *anchors: str) -> int:
    """1-based line of the last anchor, each searched after the previous one (text only)."""
    lines = SPECS[name].read_text().splitlines()
    index = -1
    for anchor in anchors:
        index = next(i for i in range(index + 1, len(lines)) if lines[i].rstrip() == anchor)
    return index + 1


def schema_line(name: str, schema: str, *anchors: str) -> int:
    return spec_line(name, "components:", "  schemas:", f"    {schema}:", *anchors)


# Cassettes -----------------------------------------------------------------------------


def interaction(
    method: str,
    uri: str,
    status: int,
    body: Any = None,
    request_body: Any = None,
    request_type: str = "application/json",
    response_type: str = "application/json",
) -> dict[str, Any]:
    """One vcrpy interaction; JSON values are serialized the way the SDK sends them."""
    request_text = request_body if isinstance(request_body, str) else None
    if request_body is not None and request_text is None:
        request_text = json.dumps(request_body)
    return {
        "request": {
            "method": method,
            "uri": uri,
            "body": request_text,
            "headers": {"Content-Type": [request_type]} if request_text else {},
        },
        "response": {
            "status": {"code": status, "message": "OK"},
            "headers": {"Content-Type": [response_type]} if body is not None else {},
            "body": {"string": json.dumps(body) if body is not None else ""},
        },
    }


def orgs_page() -> dict[str, Any]:
    return {
        "data": [
            {
                "$sys": {
                    "id": ORG_ID,
                    "type": "orgs",
                    "label": "Kimono School District",
                    "org_type": "lea",
                    "school_year": 2026,
                    "created_at": "2025-08-01T12:00:00.000Z",
                    "source_id": {"sis": "001"},
                },
                "$ext": {"anything": {"goes": [1, 2]}},
                "local_id": "001",
                "name": "Kimono School District",
                "$children": [{"id": SCHOOL_ID, "type": "orgs", "org_type": "school"}],
            },
            {
                "$sys": {"id": SCHOOL_ID, "type": "orgs", "org_type": "school"},
                "name": "Kimono High School",
                "$parent": {"id": ORG_ID, "type": "orgs", "org_type": "lea"},
            },
        ],
        "paging": {"next": f"{DATA}/rostering/orgs?page=1&page_size=2"},
    }


def tasks_batch() -> dict[str, Any]:
    return {
        "data": [
            {
                "schema": "3.0",
                "type": "data_event",
                "id": TASK_ID,
                "tenant_id": TENANT_ID,
                "sequence": 41,
                "created_at": "2025-11-16T12:19:30.250Z",
                "action": "UPDATE",
                "object_type": "sections",
                "data": {"title": "Algebra I", "free": {"form": True}},
                "changes": {"title": "Algebra 1"},
            },
            {
                "schema": "2.0",
                "sync_event": {"id": TENANT_ID, "action": "SYNC_START", "origin": "initial"},
            },
        ],
        "paging": {"next": None},
    }


def valid_cassette() -> dict[str, Any]:
    cloud = {"id": CLOUD_ID, "account_id": TENANT_ID, "name": "Production", "generation": 3}
    return {
        "version": 1,
        "interactions": [
            interaction(
                "POST",
                f"{HOST}/oauth/token",
                200,
                {"access_token": "<SCRUBBED>", "token_type": "bearer"},
                "grant_type=client_credentials&client_id=x&client_secret=<SCRUBBED>",
                "application/x-www-form-urlencoded",
            ),
            interaction("GET", f"{DATA}/rostering/orgs?page=0&page_size=2", 200, orgs_page()),
            interaction("GET", f"{DATA}/tasks?page=0", 200, tasks_batch()),
            interaction(
                "PUT",
                f"{DATA}/tasks/ack",
                200,
                request_body=[
                    {"task_id": TASK_ID, "status": "success"},
                    {"task_id": TENANT_ID, "status": "retry", "message": "busy"},
                ],
            ),
            # Any host: the path below the base path decides the operation.
            interaction(
                "GET", f"http://127.0.0.1:8123/v2/interop/clouds/{CLOUD_ID}", 200, {"data": cloud}
            ),
            interaction(
                "POST",
                f"{HOST}/v2/interop/integrations/{CLOUD_ID}/versions",
                200,
                {"data": {"id": CLOUD_ID, "version": "2", "release_state": "beta"}},
                "<blueprint><name>x</name></blueprint>",
                "application/xml",
            ),
            interaction("DELETE", f"{HOST}/v2/interop/clouds/{CLOUD_ID}", 204),
        ],
    }


def write(path: Path, cassette: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(cassette, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def documents() -> list[Any]:
    return [drift.Document.load(SPECS["interop-data"]), drift.Document.load(SPECS["interop"])]


def check(tmp_path: Path, documents: list[Any], cassette: dict[str, Any]) -> Any:
    write(tmp_path / "cassettes" / "nested" / "case.yaml", cassette)
    return drift.check(tmp_path / "cassettes", documents)


def test_a_cassette_that_follows_the_spec_has_no_problems(tmp_path: Path, documents: Any) -> None:
    """Nested directories are searched; token and XML bodies are skipped with a note."""
    report = check(tmp_path, documents, valid_cassette())
    assert [str(p) for p in report.problems] == []
    assert (report.cassettes, report.interactions, report.token_requests) == (1, 7, 1)
    assert len(report.notes) == 1
    assert "interactions[5] createIntegrationVersion request body" in report.notes[0]
    assert "application/xml body not checked" in report.notes[0]
    assert report.lines()[-1] == "no drift: 7 interactions of 1 cassettes match the specs"


def only_problem(report: Any) -> Any:
    assert len(report.problems) == 1, "\n".join(map(str, report.problems))
    problem = report.problems[0]
    assert problem.cassette.endswith("nested/case.yaml")
    return problem


def mutated(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    cassette = valid_cassette()
    change(cassette)
    return cassette


def response_body(cassette: dict[str, Any], index: int) -> Any:
    return json.loads(cassette["interactions"][index]["response"]["body"]["string"])


def set_response_body(cassette: dict[str, Any], index: int, body: Any) -> None:
    cassette["interactions"][index]["response"]["body"]["string"] = json.dumps(body)


def edit_orgs(edit: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def change(cassette: dict[str, Any]) -> None:
        body = response_body(cassette, 1)
        edit(body)
        set_response_body(cassette, 1, body)

    return change


@pytest.mark.parametrize(
    ("case", "change", "kind", "path", "line"),
    [
        (
            "unknown response field",
            edit_orgs(lambda body: body["data"][1].update(nickname="KHS")),
            "unknown-field",
            "$.data[1].nickname",
            lambda: schema_line("interop-data", "Org", "      properties:"),
        ),
        (
            "required field missing",
            edit_orgs(lambda body: body["data"][0]["$sys"].pop("id")),
            "missing-required",
            "$.data[0].$sys",
            lambda: schema_line("interop-data", "SysType", "      required: [id]"),
        ),
        (
            "enum value renamed",
            edit_orgs(lambda body: body["data"][1]["$sys"].update(org_type="District")),
            "enum",
            "$.data[1].$sys.org_type",
            lambda: schema_line(
                "interop-data", "OrgType", "      enum: [lea, school, LEA, School]"
            ),
        ),
        (
            "bad uuid",
            edit_orgs(lambda body: body["data"][0]["$sys"].update(id="not-a-uuid")),
            "format",
            "$.data[0].$sys.id",
            lambda: schema_line("interop-data", "SysType", "        id:", "          format: uuid"),
        ),
        (
            "bad date-time",
            edit_orgs(lambda body: body["data"][0]["$sys"].update(created_at="2025-08-01 12:00")),
            "format",
            "$.data[0].$sys.created_at",
            lambda: schema_line(
                "interop-data", "SysType", "        created_at:", "          format: date-time"
            ),
        ),
        (
            "wrong type",
            edit_orgs(lambda body: body["data"][0]["$sys"].update(school_year="2026")),
            "type",
            "$.data[0].$sys.school_year",
            lambda: schema_line(
                "interop-data", "SysType", "        school_year:", "          type: integer"
            ),
        ),
    ],
)
def test_each_kind_of_response_drift_is_reported_once_with_its_spec_line(
    tmp_path: Path,
    documents: Any,
    case: str,
    change: Callable[[dict[str, Any]], None],
    kind: str,
    path: str,
    line: Callable[[], int],
) -> None:
    """One broken value: one problem, naming listOrgs, the JSON path and the line to edit."""
    problem = only_problem(check(tmp_path, documents, mutated(change)))
    assert (problem.index, problem.operation, problem.where) == (1, "listOrgs", "response 200")
    assert (problem.kind, problem.path) == (kind, path), case
    assert problem.spec.endswith(f"interop-data.yaml:{line()}")
    assert f"interactions[1] listOrgs response 200 {path}: " in str(problem)


def test_an_unknown_field_in_an_allof_schema_names_the_branch_to_extend(
    tmp_path: Path, documents: Any
) -> None:
    """Cloud = allOf[BaseAccountResourceType, {name...}]: the base's fields are known."""

    def change(cassette: dict[str, Any]) -> None:
        body = response_body(cassette, 4)
        body["data"]["region"] = "us2"
        set_response_body(cassette, 4, body)

    problem = only_problem(check(tmp_path, documents, mutated(change)))
    assert (problem.operation, problem.kind, problem.path) == (
        "findCloud",
        "unknown-field",
        "$.data.region",
    )
    assert problem.pointer == "/components/schemas/Cloud/allOf/1/properties"
    expected = schema_line("interop", "Cloud", "        - type: object", "          properties:")
    assert problem.spec.endswith(f"interop.yaml:{expected}")


def test_an_undocumented_status_names_the_operation_responses(
    tmp_path: Path, documents: Any
) -> None:
    def change(cassette: dict[str, Any]) -> None:
        cassette["interactions"][1]["response"]["status"]["code"] = 404

    problem = only_problem(check(tmp_path, documents, mutated(change)))
    assert (problem.operation, problem.kind, problem.where) == (
        "listOrgs",
        "status",
        "response 404",
    )
    assert "status 404 is not documented (documented: 200, 400, 401)" in problem.message
    expected = spec_line("interop-data", "  /rostering/orgs:", "      responses:")
    assert problem.spec.endswith(f"interop-data.yaml:{expected}")


def test_a_request_body_is_checked_against_the_request_body_schema(
    tmp_path: Path, documents: Any
) -> None:
    def change(cassette: dict[str, Any]) -> None:
        request = cassette["interactions"][3]["request"]
        request["body"] = json.dumps([{"task_id": TASK_ID, "status": "done"}])

    problem = only_problem(check(tmp_path, documents, mutated(change)))
    assert (problem.operation, problem.where, problem.kind, problem.path) == (
        "acknowledgeTasks",
        "request body",
        "enum",
        "$[0].status",
    )
    enum = "      enum: [success, error, retry, reauthenticate]"
    expected = schema_line("interop-data", "TaskAckStatus", enum)
    assert problem.spec.endswith(f"interop-data.yaml:{expected}")


def test_query_parameters_are_checked(tmp_path: Path, documents: Any) -> None:
    """An unknown query parameter and a value of the wrong type are both drift."""

    def change(cassette: dict[str, Any]) -> None:
        cassette["interactions"][1]["request"]["uri"] = f"{DATA}/rostering/orgs?page=x&sort=name"

    report = check(tmp_path, documents, mutated(change))
    found = sorted((p.where, p.path, p.kind) for p in report.problems)
    assert found == [("request query", "page", "type"), ("request query", "sort", "parameter")]


def test_an_operation_the_spec_does_not_have_is_drift(tmp_path: Path, documents: Any) -> None:
    def change(cassette: dict[str, Any]) -> None:
        cassette["interactions"][1]["request"]["uri"] = f"{DATA}/rostering/widgets"

    problem = only_problem(check(tmp_path, documents, mutated(change)))
    assert (problem.operation, problem.kind) == (
        "GET /v2/interop/data/rostering/widgets",
        "operation",
    )
    assert problem.message == "no such path in the spec"
    assert problem.spec.endswith(f"interop-data.yaml:{spec_line('interop-data', 'paths:')}")


def test_the_same_problem_in_every_list_item_is_one_line(tmp_path: Path, documents: Any) -> None:
    def edit(body: dict[str, Any]) -> None:
        for org in body["data"]:
            org["$sys"]["region"] = "us2"

    problem = only_problem(check(tmp_path, documents, mutated(edit_orgs(edit))))
    assert (problem.path, problem.count) == ("$.data[0].$sys.region", 2)
    assert problem.pointer == "/components/schemas/OrgSysType/allOf/1/properties"
    assert str(problem).endswith(
        f"(and 1 more like it) -> {problem.spec} #/components/schemas/OrgSysType/allOf/1/properties"
    )


def test_the_command_exits_0_when_clean_1_on_drift_2_without_cassettes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = write(tmp_path / "clean" / "a.yaml", valid_cassette())
    assert drift.main(["cassettes", str(clean.parent)]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("no drift: 7 interactions")
    broken = mutated(edit_orgs(lambda body: body["data"][1]["$sys"].update(org_type="District")))
    write(tmp_path / "broken" / "b.yaml", broken)
    assert drift.main(["cassettes", str(tmp_path / "broken")]) == 1
    out = capsys.readouterr().out
    assert "b.yaml interactions[1] listOrgs response 200 $.data[1].$sys.org_type: value " in out
    assert "1 problems in 1 of 1 cassettes (7 interactions checked)" in out
    (tmp_path / "empty").mkdir()
    assert drift.main(["cassettes", str(tmp_path / "empty")]) == 2
    assert drift.main(["cassettes", str(tmp_path / "missing")]) == 2


# Compare -------------------------------------------------------------------------------


@functools.cache
def _parsed(name: str) -> dict[str, Any]:
    data: dict[str, Any] = drift.Document.load(SPECS[name]).data
    return data


def load_spec(name: str) -> dict[str, Any]:
    """A fresh copy of a spec to change."""
    return copy.deepcopy(_parsed(name))


def compare(tmp_path: Path, old: dict[str, Any], new: dict[str, Any], **options: Any) -> list[Any]:
    """Compare two versions of a spec; written as JSON, which the script reads like YAML."""
    (tmp_path / "old.json").write_text(json.dumps(old))
    (tmp_path / "new.json").write_text(json.dumps(new))
    comparer = drift.Comparer(
        drift.Document.load(tmp_path / "old.json"),
        drift.Document.load(tmp_path / "new.json"),
        **options,
    )
    changes: list[Any] = comparer.run()
    return changes


def marks(changes: list[Any]) -> set[tuple[str, str, str, str]]:
    return {
        ("BREAKING" if c.breaking else "compatible", c.kind, c.where, c.detail) for c in changes
    }


def test_a_spec_compared_with_itself_has_no_changes(tmp_path: Path) -> None:
    spec = load_spec("interop")
    assert compare(tmp_path, spec, copy.deepcopy(spec)) == []


def test_compare_reports_exactly_the_changes_made_to_a_copy_of_the_spec(tmp_path: Path) -> None:
    old = load_spec("interop-data")
    new = copy.deepcopy(old)
    schemas = new["components"]["schemas"]
    del schemas["Org"]["properties"]["local_id"]
    actions = schemas["TaskAction"]["enum"]
    actions[actions.index("CHANGE")] = "MODIFY"
    statuses = schemas["TaskAckStatus"]["enum"]
    statuses[statuses.index("retry")] = "later"
    del new["paths"]["/rostering/orgs/{id}"]
    new["paths"]["/rostering/orgs"]["get"]["parameters"].append(
        {"name": "school_year", "in": "query", "required": True, "schema": {"type": "integer"}}
    )
    assert marks(compare(tmp_path, old, new)) == {
        ("BREAKING", "property removed", "Org.local_id", ""),
        ("compatible", "enum value removed", "TaskEvent.action", "CHANGE"),
        ("compatible", "enum value added", "TaskEvent.action", "MODIFY"),
        ("compatible", "enum value removed", "TaskEventV1.action", "CHANGE"),
        ("compatible", "enum value added", "TaskEventV1.action", "MODIFY"),
        ("BREAKING", "enum value removed", "TaskAck.status", "retry"),
        ("compatible", "enum value added", "TaskAck.status", "later"),
        ("BREAKING", "operation removed", "GET /v2/interop/data/rostering/orgs/{id}", "(findOrg)"),
        ("BREAKING", "parameter added", "listOrgs query school_year", "required"),
    }


def test_the_reverse_changes_are_compatible_except_a_dropped_parameter(tmp_path: Path) -> None:
    """Old clients of the changed spec: an added operation and property are harmless."""
    new = load_spec("interop-data")
    old = copy.deepcopy(new)
    del old["components"]["schemas"]["Org"]["properties"]["local_id"]
    del old["paths"]["/rostering/orgs/{id}"]
    old["paths"]["/rostering/orgs"]["get"]["parameters"].append(
        {"name": "sort", "in": "query", "schema": {"type": "string"}}
    )
    assert marks(compare(tmp_path, old, new)) == {
        ("compatible", "property added", "Org.local_id", "optional"),
        ("compatible", "operation added", "GET /v2/interop/data/rostering/orgs/{id}", "(findOrg)"),
        ("BREAKING", "parameter removed", "listOrgs query sort", ""),
    }


def test_type_required_and_nullability_rules(tmp_path: Path) -> None:
    old = load_spec("interop")
    new = copy.deepcopy(old)
    schemas = new["components"]["schemas"]
    schemas["Cloud"]["allOf"][1]["properties"]["generation"]["type"] = "string"
    schemas["CloudResponse"]["required"] = []
    schemas["Paging"]["properties"]["next"]["type"] = "string"
    assert marks(compare(tmp_path, old, new)) == {
        ("BREAKING", "type changed", "Cloud.generation", "integer -> string"),
        ("BREAKING", "property became optional", "CloudResponse.data", ""),
        ("compatible", "type narrowed", "Paging.next", "null | string -> string"),
    }


def test_a_swagger_2_file_is_read_and_matched_by_normalized_path(tmp_path: Path) -> None:
    """The fixture names the path parameter {orgId}: findOrg still matches ours {id}."""
    old = drift.Document.load(FIXTURES / "interop-data-swagger2.json")
    assert old.version == "Swagger 2.0"
    comparer = drift.Comparer(old, drift.Document.load(SPECS["interop-data"]))
    changes = comparer.run()
    assert (comparer.old_count, comparer.matched) == (5, 4)
    assert {m for m in marks(changes) if m[0] == "BREAKING"} == {
        (
            "BREAKING",
            "operation removed",
            "GET /v2/interop/data/rostering/widgets",
            "(listWidgets)",
        ),
        ("BREAKING", "request body became required", "acknowledgeTask request body", ""),
        ("BREAKING", "property removed", "Org.legacy_code", ""),
        ("BREAKING", "enum value removed", "TaskAck.status", "skipped"),
        ("BREAKING", "type changed", "SysType.school_year", "string -> integer"),
        # What the 2020 sources changed since the 2019 file: $sys no longer promised on an
        # Org, and ids of tasks read as strings (spec/interop-data.yaml says why).
        ("BREAKING", "property became optional", "Org.$sys", ""),
        ("BREAKING", "format widened", "TaskEvent.id (old DataEvent.id)", "uuid -> none"),
        (
            "BREAKING",
            "type widened",
            "Paging.next (old OrgsResponse.paging.next)",
            "string -> null | string",
        ),
    }
    action = next(c for c in changes if c.kind == "enum value added" and "CHANGE" in c.detail)
    assert action.where == "TaskEvent.action (old DataEvent.action)"
    assert not action.breaking
    assert "closed-enum clients break" in action.reason
    closed = drift.Comparer(old, drift.Document.load(SPECS["interop-data"]), closed_enums=True)
    assert next(c for c in closed.run() if c.where == action.where).breaking


def test_compare_exit_codes_follow_fail_on(capsys: pytest.CaptureFixture[str]) -> None:
    fixture = str(FIXTURES / "interop-data-swagger2.json")
    assert drift.main(["compare", "--against", fixture]) == 1
    out = capsys.readouterr().out
    assert out.startswith("comparing ") and "interop-data.yaml (OpenAPI 3.1.0" in out
    assert "BREAKING    property removed: Org.legacy_code" in out
    assert drift.main(["compare", "--against", fixture, "--fail-on", "none"]) == 0
    same = str(SPECS["interop"])
    assert drift.main(["compare", "--against", same, "--spec", same, "--fail-on", "any"]) == 0
    assert drift.main(["compare", "--against", str(FIXTURES / "missing.json")]) == 2
