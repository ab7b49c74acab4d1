"""The specs cover exactly the operations of the vendor's API reference: 29 + 51."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.support.specs import load_spec, operations

# Kept by hand from the vendor's reference pages; a change here is a change of contract.
INTEROP_DATA_OPERATIONS = {
    ("GET", "/rostering/orgs"),
    ("GET", "/rostering/orgs/{id}"),
    ("GET", "/rostering/orgs/{id}/students"),
    ("GET", "/rostering/orgs/{id}/teachers"),
    ("GET", "/rostering/orgs/{id}/courses"),
    ("GET", "/rostering/orgs/{id}/sections"),
    ("GET", "/rostering/orgs/{id}/terms"),
    ("GET", "/rostering/leas"),
    ("GET", "/rostering/leas/{id}"),
    ("GET", "/rostering/schools"),
    ("GET", "/rostering/persons"),
    ("GET", "/rostering/persons/{id}"),
    ("GET", "/rostering/students"),
    ("GET", "/rostering/teachers"),
    ("GET", "/rostering/courses"),
    ("GET", "/rostering/courses/{id}"),
    ("GET", "/rostering/sections"),
    ("GET", "/rostering/sections/{id}"),
    ("GET", "/rostering/terms"),
    ("GET", "/rostering/terms/{id}"),
    ("GET", "/grades/gradingCategories"),
    ("GET", "/tasks"),
    ("PUT", "/tasks/{id}/ack"),
    ("PUT", "/tasks/ack"),
    ("GET", "/tasks/admin"),
    ("GET", "/tasks/admin/{id}"),
    ("DELETE", "/tasks/admin/{id}"),
    ("PUT", "/tasks/admin/{id}/ack"),
    ("PUT", "/tasks/admin/ack"),
}

INTEROP_OPERATIONS = {
    ("GET", "/actors"),
    ("GET", "/clouds"),
    ("POST", "/clouds"),
    ("GET", "/clouds/search"),
    ("GET", "/clouds/{id}"),
    ("DELETE", "/clouds/{id}"),
    ("GET", "/clouds/{id}/actors"),
    ("GET", "/integrations"),
    ("POST", "/integrations"),
    ("GET", "/integrations/{id}"),
    ("PATCH", "/integrations/{id}"),
    ("DELETE", "/integrations/{id}"),
    ("GET", "/integrations/{id}/versions"),
    ("POST", "/integrations/{id}/versions"),
    ("PATCH", "/integrations/{id}/versions/{version}"),
    ("DELETE", "/integrations/{id}/versions/{version}"),
    ("PUT", "/integrations/{id}/versions/{version}/blueprint"),
    ("GET", "/tenants"),
    ("GET", "/tenants/{id}"),
    ("GET", "/tenant"),
    ("GET", "/tenant/state"),
    ("GET", "/tenant/scoping/schools"),
    ("POST", "/tenant/scoping/schools"),
    ("DELETE", "/tenant/scoping/schools"),
    ("GET", "/tenant/scoping/schools/{id}"),
    ("PUT", "/tenant/scoping/schools/{id}"),
    ("DELETE", "/tenant/scoping/schools/{id}"),
    ("GET", "/tenant/scoping/courses"),
    ("POST", "/tenant/scoping/courses"),
    ("DELETE", "/tenant/scoping/courses"),
    ("GET", "/tenant/scoping/courses/{id}"),
    ("PUT", "/tenant/scoping/courses/{id}"),
    ("DELETE", "/tenant/scoping/courses/{id}"),
    ("GET", "/tenant/application"),
    ("PATCH", "/tenant/application"),
    ("GET", "/tenant/rollovers"),
    ("POST", "/tenant/rollovers"),
    ("GET", "/tenant/rollovers/count"),
    ("GET", "/tenant/rollovers/{id}"),
    ("PUT", "/tenant/rollovers/{id}"),
    ("DELETE", "/tenant/rollovers/{id}"),
    ("GET", "/tenant/schedules"),
    ("POST", "/tenant/schedules"),
    ("GET", "/tenant/schedules/count"),
    ("GET", "/tenant/schedules/{id}"),
    ("PATCH", "/tenant/schedules/{id}"),
    ("DELETE", "/tenant/schedules/{id}"),
    ("POST", "/tenant/schedules/{id}/run"),
    ("GET", "/ingestions"),
    ("GET", "/ingestions/count"),
    ("GET", "/ingestions/{id}"),
}

EXPECTED = {"interop-data": INTEROP_DATA_OPERATIONS, "interop": INTEROP_OPERATIONS}


def test_the_reference_lists_80_operations() -> None:
    """The hand-kept lists themselves hold 29 + 51 distinct operations."""
    assert (len(INTEROP_DATA_OPERATIONS), len(INTEROP_OPERATIONS)) == (29, 51)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_spec_has_exactly_the_reference_operations(name: str) -> None:
    """No operation is missing from the spec and none is added."""
    actual = {(op.method, op.path) for op in operations(name)}
    assert sorted(EXPECTED[name] - actual) == [], "missing from the spec"
    assert sorted(actual - EXPECTED[name]) == [], "in the spec but not in the reference"


@pytest.mark.parametrize(
    ("name", "server"),
    [
        ("interop-data", "https://api.us2.kimonocloud.com/v2/interop/data"),
        ("interop", "https://api.us2.kimonocloud.com/v2/interop"),
    ],
)
def test_server_url(name: str, server: str) -> None:
    """Each spec names the production server with its base path."""
    assert [s["url"] for s in load_spec(name)["servers"]] == [server]


def test_operation_ids_are_unique_across_both_specs() -> None:
    """One operationId per operation, never reused (the overlay keys on them)."""
    ids = Counter(op.operation_id for name in EXPECTED for op in operations(name))
    assert [op_id for op_id, count in ids.items() if count > 1] == []


@pytest.mark.parametrize(
    "operation_id",
    [
        "listTasks",
        "acknowledgeTask",
        "listOrgs",
        "findOrg",
        "listStudentsForOrg",
        "listLEAs",
        "findLEA",
        "listGradingCategories",
        "listInteropTenants",
        "findInteropTenant",
        "searchClouds",
        "listActorsByCloud",
        "updateIntegrationBlueprint",
        "createScopingSchools",
    ],
)
def test_vendor_operation_ids_are_kept(operation_id: str) -> None:
    """Where the vendor named an operation, the spec uses the vendor's name."""
    assert operation_id in {op.operation_id for name in EXPECTED for op in operations(name)}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_operation_is_tagged_summarised_and_described(name: str) -> None:
    """Tags group the operations the way a user thinks; each one says what it does."""
    declared = {tag["name"] for tag in load_spec(name)["tags"]}
    for op in operations(name):
        assert len(op.body["tags"]) == 1 and op.body["tags"][0] in declared, op.operation_id
        assert op.body.get("summary") and op.body.get("description"), op.operation_id


def test_paged_lists_take_page_and_page_size() -> None:
    """Every list operation has the zero-based page and a bounded page_size."""
    for name in EXPECTED:
        spec = load_spec(name)
        for op in operations(name):
            if not op.operation_id.startswith(("list", "search")):
                continue
            names = {
                p.get("name")
                or spec["components"]["parameters"][p["$ref"].rsplit("/", 1)[-1]]["name"]
                for p in op.body.get("parameters", [])
            }
            assert {"page", "page_size"} <= names, op.operation_id


def test_blueprint_upload_is_xml() -> None:
    """Creating a version and replacing a blueprint send application/xml, as the service expects."""
    spec = load_spec("interop")
    body = spec["components"]["requestBodies"]["Blueprint"]
    assert list(body["content"]) == ["application/xml"]
    paths = spec["paths"]
    assert paths["/integrations/{id}/versions"]["post"]["requestBody"]["$ref"].endswith(
        "/Blueprint"
    )
    blueprint = paths["/integrations/{id}/versions/{version}/blueprint"]["put"]
    assert blueprint["requestBody"]["$ref"].endswith("/Blueprint")


@pytest.mark.parametrize(
    ("name", "method", "path", "statuses"),
    [
        ("interop-data", "delete", "/tasks/admin/{id}", {"204", "401", "404"}),
        ("interop-data", "put", "/tasks/ack", {"200", "400", "401", "404"}),
        ("interop", "post", "/tenant/rollovers", {"200", "400", "401", "409"}),
        ("interop", "delete", "/tenant/rollovers/{id}", {"204", "401", "404", "409"}),
        ("interop", "post", "/tenant/schedules/{id}/run", {"204", "400", "401", "404", "409"}),
        ("interop", "patch", "/integrations/{id}", {"204", "400", "401", "404"}),
        ("interop", "post", "/clouds", {"200", "400", "401"}),
    ],
)
def test_documented_statuses(name: str, method: str, path: str, statuses: set[str]) -> None:
    """The statuses the reference documents (200, 204, 400, 404, 409) are in the spec."""
    assert set(load_spec(name)["paths"][path][method]["responses"]) == statuses


def test_security_schemes() -> None:
    """OAuth2 client credentials, the LTI JWT bearer, and vendor Basic on the Interop API."""
    for name in EXPECTED:
        schemes = load_spec(name)["components"]["securitySchemes"]
        flow = schemes["OAuth2"]["flows"]["clientCredentials"]
        assert flow["tokenUrl"] == "https://api.us2.kimonocloud.com/oauth/token"
        assert (schemes["LtiJwt"]["type"], schemes["LtiJwt"]["scheme"]) == ("http", "bearer")
    basic = load_spec("interop")["components"]["securitySchemes"]["VendorBasic"]
    assert (basic["type"], basic["scheme"]) == ("http", "basic")
