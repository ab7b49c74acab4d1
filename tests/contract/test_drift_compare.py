"""scripts/drift.py compare: the changes between two versions of a spec, exactly.

The tests change a temporary copy of the spec and expect exactly those changes, each
marked BREAKING or compatible by the rules at the top of scripts/drift.py; a Swagger 2
file of 2019 (tests/drift_fixtures/) is compared with the current spec.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import pytest

from scripts import drift
from tests.support import TESTS
from tests.support.specs import SPECS

FIXTURES = TESTS / "drift_fixtures"


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
    """A spec compared with an identical copy reports no change."""
    spec = load_spec("interop")
    assert compare(tmp_path, spec, copy.deepcopy(spec)) == []


def test_compare_reports_exactly_the_changes_made_to_a_copy_of_the_spec(tmp_path: Path) -> None:
    """Removed properties, renamed enum values, a removed operation and a new required parameter are
    reported exactly, each marked BREAKING or compatible."""
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
    """A changed type and a property no longer required are BREAKING; a type that no longer takes
    null is compatible."""
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
    """compare exits 1 on a breaking change, 0 with --fail-on none or without changes, 2 when the
    other spec is missing."""
    fixture = str(FIXTURES / "interop-data-swagger2.json")
    assert drift.main(["compare", "--against", fixture]) == 1
    out = capsys.readouterr().out
    assert out.startswith("comparing ") and "interop-data.yaml (OpenAPI 3.1.0" in out
    assert "BREAKING    property removed: Org.legacy_code" in out
    assert drift.main(["compare", "--against", fixture, "--fail-on", "none"]) == 0
    same = str(SPECS["interop"])
    assert drift.main(["compare", "--against", same, "--spec", same, "--fail-on", "any"]) == 0
    assert drift.main(["compare", "--against", str(FIXTURES / "missing.json")]) == 2
