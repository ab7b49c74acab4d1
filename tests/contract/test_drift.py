"""scripts/drift.py cassettes: each drift is reported exactly as given, and nothing else.

The cassettes are built here from scratch (vcrpy's YAML format, version 1) so that they
match the spec; each test then breaks one thing in a copy and expects exactly one
problem naming the operation, the JSON path and the spec line to change. The spec lines
are found by reading the spec's text, not with the script's own line map. ``drift compare``
is tested in ``test_drift_compare.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts import drift
from tests.support.specs import SPECS

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
    """A status the operation does not document is one problem naming the documented ones and the
    spec line of its responses."""

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
    """A request body that breaks its schema (an unknown ack status) is one problem at the enum's
    spec line."""

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
    """A request to a path the spec does not have is one problem pointing at the spec's paths."""

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
    """The same unknown field in every item of a list is one problem with a count, not one
    per item."""

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
    """drift cassettes exits 0 without drift, 1 with drift (printing each problem), 2 when there is
    nothing to check."""
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
