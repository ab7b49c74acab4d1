"""The sandbox's Interop API: every SDK method over real loopback HTTP, every answer checked.

One sandbox (two tenants) serves the whole module. Every exchange goes through a
recording transport that checks it against ``spec/interop.yaml`` as it happens:
the operation exists, the status is documented for it, a 204 has no body, and a
JSON body fits the response schema with JSON Schema 2020-12, made strict: enums
are closed and an object may hold no property its schema does not declare (so
the sandbox sends nothing the spec does not know). The last test checks that
every one of the 51 operations answered with success at least once.

The module is long on purpose: that last test counts what the tests before it reached
through the module's one recording transport, so they cannot be split across modules.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import functools
import re
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from kimono_interop import (
    AsyncKimonoClient,
    AuthenticationError,
    BadRequestError,
    BasicAuth,
    ConflictError,
    KimonoClient,
    NotFoundError,
    UnauthorizedError,
    ref_id,
)
from kimono_interop.sandbox import Sandbox, SandboxConfig, SandboxState
from kimono_interop_api.models import TenantInfo
from kimono_interop_api.types import UNSET
from tests.support.specs import load_spec, operations, ref_name

PREFIX = "/v2/interop"
SPEC_URI = "urn:kimono:interop"


# -- the contract, made strict ------------------------------------------------------------------
@functools.cache
def _registry() -> Registry:
    """The Interop spec as a schema resource, every top-level object schema closed.

    ``unevaluatedProperties: false`` goes on each component that is not only a
    building block of others (the Base*Type schemas are reached through ``allOf``,
    where closing them would reject their extensions' properties).
    """
    spec = copy.deepcopy(load_spec("interop"))
    schemas = spec["components"]["schemas"]
    parts = {ref_name(part) for schema in schemas.values() for part in schema.get("allOf", [])} - {
        None
    }
    for name, schema in schemas.items():
        if name not in parts and ("properties" in schema or "allOf" in schema):
            schema["unevaluatedProperties"] = False
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    return Registry().with_resource(SPEC_URI, resource)


@functools.cache
def _operations() -> list[tuple[re.Pattern[str], str, dict[str, Any]]]:
    found = [
        (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", op.path) + "$"), op.method, op.body)
        for op in operations("interop")
    ]
    # Literal segments first: /clouds/search before /clouds/{id}.
    found.sort(key=lambda entry: entry[0].pattern.count("[^/]+"))
    return found


def check_exchange(method: str, path: str, status: int, content: bytes) -> str:
    """Assert one Interop API exchange fits the contract; return its operationId."""
    rest = path[len(PREFIX) :]
    operation = next(
        (op for pattern, verb, op in _operations() if verb == method and pattern.match(rest)),
        None,
    )
    assert operation is not None, f"{method} {path}: no such operation in the spec"
    name = operation["operationId"]
    response = operation["responses"].get(str(status))
    assert response is not None, f"{name}: status {status} is not documented"
    if "$ref" in response:
        response = load_spec("interop")["components"]["responses"][
            response["$ref"].rsplit("/", 1)[1]
        ]
    media = response.get("content", {}).get("application/json")
    if media is None:
        assert content == b"", f"{name} {status}: a body where the spec has none"
        return str(name)
    schema = copy.deepcopy(media["schema"])
    if "$ref" in schema:
        schema["$ref"] = SPEC_URI + schema["$ref"]
    validator = Draft202012Validator(
        schema, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    body = httpx.Response(status, content=content).json()
    errors = [
        f"{'/'.join(map(str, e.absolute_path)) or '<body>'}: {e.message}"
        for e in validator.iter_errors(body)
    ]
    assert not errors, f"{name} {status}: " + "; ".join(errors[:5])
    return str(name)


class Recording(httpx.BaseTransport):
    """Real HTTP; every Interop API exchange is checked against the contract as it passes."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.answered: dict[str, set[int]] = defaultdict(set)
        self.problems: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        content = response.read()
        path = request.url.path
        if path.startswith(PREFIX + "/") and not path.startswith(PREFIX + "/data/"):
            try:
                name = check_exchange(request.method, path, response.status_code, content)
                self.answered[name].add(response.status_code)
            except AssertionError as exc:
                self.problems.append(str(exc))
        return response

    def close(self) -> None:
        """Shared by every client of the module: closed by the fixture, not by them."""


# -- fixtures ---------------------------------------------------------------------------------
#: The module's sandbox (the ``sandbox`` fixture of tests/conftest.py).
SANDBOX = {"students": 20, "tenants": 2, "extra": {"ingestion_seconds": 0.2}}


@pytest.fixture(scope="module")
def recording() -> Iterator[Recording]:
    transport = Recording()
    yield transport
    transport.inner.close()


@pytest.fixture(scope="module")
def kimono(sandbox: Sandbox, recording: Recording) -> Iterator[KimonoClient]:
    with KimonoClient(**sandbox.credentials, transport=recording, max_retries=0) as client:
        yield client


@pytest.fixture(scope="module")
def raw(sandbox: Sandbox, recording: Recording) -> Iterator[httpx.Client]:
    """Plain HTTP as the vendor (Basic), for what the SDK checks before sending."""
    auth = (sandbox.config.client_id, sandbox.config.client_secret)
    with httpx.Client(base_url=sandbox.url + PREFIX, auth=auth, transport=recording) as client:
        yield client


@pytest.fixture(autouse=True)
def _answers_fit_the_contract(recording: Recording) -> Iterator[None]:
    yield
    problems, recording.problems[:] = list(recording.problems), []
    assert not problems, "\n".join(problems)


def other_id() -> str:
    return str(uuid.uuid4())


def iso(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def interop(sandbox: Sandbox, collection: str) -> dict[str, dict[str, Any]]:
    return sandbox.state.interop[collection]


# -- actors and clouds --------------------------------------------------------------------------
def test_actors_and_clouds_of_the_seed(kimono: KimonoClient, sandbox: Sandbox) -> None:
    """The seeded actors (each tenant's integration, a connector) and cloud are listed and fetched
    as they were seeded; a cloud's actors come with credentials only when asked."""
    actors = list(kimono.actors.list())
    by_id = {str(a.id): a for a in actors}
    for tenant in sandbox.state.tenants.values():
        actor = by_id[tenant["actor_id"]]
        assert actor.type_ == "integration"
        assert actor.auth.client_id == tenant["auth"]["client_id"]
        assert actor.auth.client_secret == tenant["auth"]["client_secret"]
    assert any(a.type_ == "connector" and a.connector_type for a in actors)
    assert [a.id for a in kimono.actors.list(page_size=1)] == [a.id for a in actors]

    clouds = list(kimono.clouds.list())
    tenant = next(iter(sandbox.state.tenants.values()))
    assert [str(c.id) for c in clouds] == [tenant["cloud"]["id"]]
    cloud = kimono.clouds.get(clouds[0].id)
    assert cloud.to_dict() == clouds[0].to_dict()
    assert cloud.name == tenant["cloud"]["name"]

    plain = list(kimono.clouds.list_actors(cloud.id))
    assert {str(a.id) for a in plain} == set(by_id)
    assert all(not a.auth for a in plain)
    with_auth = list(kimono.clouds.list_actors(cloud.id, credentials=True))
    assert {a.auth.client_id for a in with_auth if a.auth} == {
        t["auth"]["client_id"] for t in sandbox.state.tenants.values()
    }
    assert not next(iter(kimono.clouds.list_actors(cloud.id, credentials=False))).auth


def test_cloud_round_trip(kimono: KimonoClient) -> None:
    """A cloud is created, found by search, deleted; afterwards every call on it is a 404."""
    before = len(list(kimono.clouds.list()))
    created = kimono.clouds.create({"name": "Staging", "userdata": "team-a", "generation": 3})
    assert created.id and created.created_at and created.updated_at and created.account_id
    assert (created.name, created.userdata, created.generation) == ("Staging", "team-a", 3)
    assert kimono.clouds.get(created.id).to_dict() == created.to_dict()
    assert len(list(kimono.clouds.list())) == before + 1

    found = list(kimono.clouds.search(name="Staging"))
    assert [c.id for c in found] == [created.id]
    assert [c.id for c in kimono.clouds.search(generation=3, userdata="team-a")] == [created.id]
    assert list(kimono.clouds.search(generation=3, userdata="team-b")) == []
    assert list(kimono.clouds.list_actors(created.id)) == []

    kimono.clouds.delete(created.id)
    with pytest.raises(NotFoundError):
        kimono.clouds.get(created.id)
    with pytest.raises(NotFoundError):
        kimono.clouds.delete(created.id)
    with pytest.raises(NotFoundError):
        list(kimono.clouds.list_actors(created.id))
    assert len(list(kimono.clouds.list())) == before


# -- integrations and their versions -----------------------------------------------------------
def test_integration_round_trip(kimono: KimonoClient) -> None:
    """An integration is created, listed by name, updated and deleted; a duplicate or nameless one
    is a 400."""
    created = kimono.integrations.create(
        {"name": "gradebook-sync", "title": "Gradebook Sync", "version": "0.1"}
    )
    assert created.id and created.created_at and created.account_id
    assert kimono.integrations.get(created.id).to_dict() == created.to_dict()
    assert [i.id for i in kimono.integrations.list(name="gradebook-sync")] == [created.id]
    assert len(list(kimono.integrations.list())) == 2

    kimono.integrations.update(created.id, {"title": "Gradebook Sync 2"})
    updated = kimono.integrations.get(created.id)
    assert (updated.name, updated.title, updated.version) == (
        "gradebook-sync",
        "Gradebook Sync 2",
        "0.1",
    )
    assert updated.updated_at >= created.updated_at

    with pytest.raises(BadRequestError, match="exists already"):
        kimono.integrations.create({"name": "gradebook-sync"})
    with pytest.raises(BadRequestError, match="name is required"):
        kimono.integrations.create({"title": "No name"})

    kimono.integrations.delete(created.id)
    with pytest.raises(NotFoundError):
        kimono.integrations.get(created.id)
    with pytest.raises(NotFoundError):
        kimono.integrations.update(created.id, {"title": "gone"})
    assert list(kimono.integrations.list(name="gradebook-sync")) == []


def test_integration_versions_and_blueprints(kimono: KimonoClient, sandbox: Sandbox) -> None:
    """Versions are created from blueprints, updated, given a new blueprint and deleted; bad
    blueprints are 400s and an unknown integration or version a 404."""
    integration = next(iter(kimono.integrations.list(name="sandbox-driver")))
    seeded = list(kimono.integrations.versions.list(integration.id))
    assert [(v.version, v.release_state) for v in seeded] == [("1.0", "released")]

    blueprint = '<integration version="2.0"><title>Driver Two</title></integration>'
    made = kimono.integrations.versions.create(integration.id, blueprint)
    assert (made.version, made.title, made.release_state) == ("2.0", "Driver Two", "development")
    assert made.id and made.created_at
    stored = next(
        v for v in interop(sandbox, "integration_versions").values() if v["id"] == str(made.id)
    )
    assert stored["_blueprint"] == blueprint
    assert [v.version for v in kimono.integrations.versions.list(integration.id)] == ["1.0", "2.0"]
    with pytest.raises(BadRequestError, match=r"version '2\.0' already"):
        kimono.integrations.versions.create(integration.id, blueprint)
    with pytest.raises(BadRequestError, match="names no version"):
        kimono.integrations.versions.create(integration.id, "<integration/>")
    with pytest.raises(BadRequestError, match="not well-formed"):
        kimono.integrations.versions.create(integration.id, b"<integration version='3'>")

    kimono.integrations.versions.update(integration.id, "2.0", {"release_state": "beta"})
    after = {v.version: v for v in kimono.integrations.versions.list(integration.id)}["2.0"]
    assert (after.title, after.release_state) == ("Driver Two", "beta")
    with pytest.raises(BadRequestError):
        kimono.integrations.versions.update(integration.id, "2.0", {"version": "9.9"})

    replaced = kimono.integrations.versions.update_blueprint(
        integration.id, "2.0", "<integration><title>Driver 2</title></integration>"
    )
    assert (replaced.version, replaced.title, replaced.release_state) == ("2.0", "Driver 2", "beta")
    assert replaced.id == made.id
    with pytest.raises(BadRequestError, match=r"of version '3\.0'"):
        kimono.integrations.versions.update_blueprint(integration.id, "2.0", '<i version="3.0"/>')

    kimono.integrations.versions.delete(integration.id, "2.0")
    assert [v.version for v in kimono.integrations.versions.list(integration.id)] == ["1.0"]
    for call in (
        lambda: kimono.integrations.versions.delete(integration.id, "2.0"),
        lambda: kimono.integrations.versions.update(integration.id, "2.0", {"title": "x"}),
        lambda: kimono.integrations.versions.update_blueprint(integration.id, "2.0", "<i/>"),
        lambda: kimono.integrations.versions.create(other_id(), blueprint),
        lambda: list(kimono.integrations.versions.list(other_id())),
    ):
        with pytest.raises(NotFoundError):
            call()


# -- tenants ------------------------------------------------------------------------------------
def test_tenants_list_filters_and_lookup(kimono: KimonoClient, sandbox: Sandbox) -> None:
    """The tenants are listed, filtered by account and integration, and fetched; an unknown one is a
    404."""
    tenants = list(kimono.tenants.list())
    assert [str(t.id) for t in tenants] == list(sandbox.state.tenants)
    first = tenants[0]
    assert first.auth.client_id and first.auth.client_secret
    assert first.integration.name == "sandbox-driver" and first.integration.version == "1.0"
    assert kimono.tenants.get(first.id).to_dict() == first.to_dict()
    assert kimono.tenants.current().id == first.id  # the vendor: the first tenant

    account = str(first.account.id)
    assert len(list(kimono.tenants.list(accounts=[account]))) == 2
    assert len(list(kimono.tenants.list(accounts=f"{other_id()},{account}"))) == 2
    assert list(kimono.tenants.list(accounts=[other_id()])) == []
    assert len(list(kimono.tenants.list(integrations=["nope", "sandbox-driver"]))) == 2
    assert list(kimono.tenants.list(integrations="nope")) == []
    with pytest.raises(NotFoundError):
        kimono.tenants.get(other_id())


def test_for_tenant_acts_as_that_tenant(kimono: KimonoClient) -> None:
    """A client for one tenant sees only that tenant and its objects; the vendor sees every tenant's
    ingestions."""
    first, second = list(kimono.tenants.list())
    with kimono.for_tenant(second) as tenant:
        assert tenant.tenants.current().id == second.id
        assert [t.id for t in tenant.tenants.list()] == [second.id]
        with pytest.raises(NotFoundError):
            tenant.tenants.get(first.id)
        assert tenant.tenants.get(second.id).id == second.id
        # /tenant/... answers for this tenant: its own seeded objects.
        assert {r.tenant_id for r in tenant.rollovers.list()} == {second.id}
        assert tenant.tenant_application.get().tenant_id == second.id
        ingestions = list(tenant.ingestions.list())
        assert ingestions and {i.tenant_id for i in ingestions} == {second.id}
    # The vendor sees the ingestions of every tenant.
    assert {i.tenant_id for i in kimono.ingestions.list()} == {first.id, second.id}


def test_tenant_from_a_plain_dict_works_too(kimono: KimonoClient, raw: httpx.Client) -> None:
    """for_tenant takes a tenant as the API answered it, a plain dict."""
    listed = raw.get("/tenants").json()["data"][1]
    assert TenantInfo.from_dict(listed).to_dict() == listed
    with kimono.for_tenant(listed) as tenant:
        assert str(tenant.tenants.current().id) == listed["id"]


# -- tenant state and application ---------------------------------------------------------------
def test_tenant_state(kimono: KimonoClient) -> None:
    """The seeded tenant's state flags are all off."""
    flags = kimono.tenant_state.get()
    assert flags.synchronization_suspended is False
    assert flags.setup_mode_enabled is False
    assert flags.mass_change_pending is False


def test_tenant_application_setup_workflow(kimono: KimonoClient) -> None:
    """The application's pending auth state moves from updating to confirmed once; another update
    then conflicts."""
    application = kimono.tenant_application.get()
    assert application.auth_state_pending == "updating"
    assert application.tenant_id == kimono.tenants.current().id
    assert application.options["sync_grades"] == "true"

    with pytest.raises(BadRequestError, match="auth_state_pending"):
        kimono.tenant_application.update({"auth_state_pending": "updating"})
    kimono.tenant_application.update(
        {
            "auth_message": "Connected",
            "auth_props_pending": {"token_url": "https://lms.example/token"},
            "auth_state_pending": "confirmed",
        }
    )
    after = kimono.tenant_application.get()
    assert after.auth_state_pending == "confirmed"
    assert after.auth_message == "Connected"
    assert after.auth_props_pending.to_dict() == {"token_url": "https://lms.example/token"}
    # Only while the pending state is 'updating'.
    with pytest.raises(ConflictError, match="only while"):
        kimono.tenant_application.update({"auth_message": "again"})


# -- scoping ------------------------------------------------------------------------------------
def test_scoping_schools_round_trip(kimono: KimonoClient, sandbox: Sandbox) -> None:
    """Scoping schools are added, replaced by PUT, deleted and replaced in bulk; bad ones are 400s;
    the other tenant's are untouched."""
    roster = sandbox.state.roster
    school_ids = [k for k, o in roster.orgs.items() if o["$sys"]["org_type"] == "school"]
    seeded = list(kimono.scoping.schools.list())
    assert [str(s.school_id) for s in seeded] == school_ids[:2]
    assert seeded[0].name == roster.orgs[school_ids[0]]["name"]
    tenant_id = kimono.tenants.current().id
    assert {s.tenant_id for s in seeded} == {tenant_id}

    third = kimono.scoping.schools.create(
        {"data": [{"school_id": school_ids[2], "keywords": "east"}]}, replace=False
    )
    assert (str(third.school_id), third.keywords, third.selected) == (school_ids[2], "east", True)
    assert third.name == roster.orgs[school_ids[2]]["name"] and third.id
    assert kimono.scoping.schools.get(third.id).to_dict() == third.to_dict()
    assert len(list(kimono.scoping.schools.list())) == 3
    with pytest.raises(BadRequestError, match="scoped already"):
        kimono.scoping.schools.create({"data": [{"school_id": school_ids[0]}]}, replace=False)
    with pytest.raises(BadRequestError, match="no school"):
        kimono.scoping.schools.create({"data": [{"school_id": other_id()}]})
    with pytest.raises(BadRequestError, match="non-empty"):
        kimono.scoping.schools.create({"data": []})

    replaced = kimono.scoping.schools.update(third.id, {"selected": False, "name": "East"})
    assert (replaced.id, replaced.school_id, replaced.selected) == (
        third.id,
        third.school_id,
        False,
    )
    assert replaced.name == "East" and replaced.keywords is UNSET  # PUT replaces: "east" is gone
    assert kimono.scoping.schools.get(third.id).to_dict() == replaced.to_dict()
    with pytest.raises(BadRequestError, match="scoped already"):
        kimono.scoping.schools.update(third.id, {"school_id": school_ids[0]})

    kimono.scoping.schools.delete(third.id)
    with pytest.raises(NotFoundError):
        kimono.scoping.schools.get(third.id)
    with pytest.raises(NotFoundError):
        kimono.scoping.schools.delete(third.id)
    with pytest.raises(NotFoundError):
        kimono.scoping.schools.update(third.id, {"selected": True})

    only = kimono.scoping.schools.create({"data": [{"school_id": school_ids[1]}]})  # replaces
    assert [s.id for s in kimono.scoping.schools.list()] == [only.id]
    kimono.scoping.schools.delete_all()
    assert list(kimono.scoping.schools.list()) == []
    # The other tenant's scoping is untouched.
    others = [
        s for s in interop(sandbox, "scoping_schools").values() if s["tenant_id"] != str(tenant_id)
    ]
    assert len(others) == 2


def test_scoping_courses_round_trip(kimono: KimonoClient, sandbox: Sandbox) -> None:
    """Scoping courses are added (their school from the roster), updated, deleted and replaced in
    bulk; bad ones are 400s."""
    roster = sandbox.state.roster
    course_ids = list(roster.courses)
    seeded = list(kimono.scoping.courses.list())
    assert [str(c.course_id) for c in seeded] == course_ids[:2]
    for course in seeded:
        offered = roster.courses[str(course.course_id)]["$orgs"]
        assert str(course.school_id) == ref_id(offered[0])

    target = roster.courses[course_ids[5]]
    created = kimono.scoping.courses.create(
        {"data": [{"course_id": course_ids[5], "selected": False}]}, replace=False
    )
    assert (str(created.course_id), created.selected) == (course_ids[5], False)
    assert created.name == target["title"]
    assert str(created.school_id) == ref_id(target["$orgs"][0])
    assert kimono.scoping.courses.get(created.id).to_dict() == created.to_dict()
    assert len(list(kimono.scoping.courses.list())) == 3
    with pytest.raises(BadRequestError, match="not offered"):
        kimono.scoping.courses.create(
            {"data": [{"course_id": course_ids[6], "school_id": other_id()}]}, replace=False
        )
    with pytest.raises(BadRequestError, match="no course"):
        kimono.scoping.courses.create({"data": [{"course_id": other_id()}]})

    updated = kimono.scoping.courses.update(created.id, {"selected": True, "keywords": "algebra"})
    assert (updated.id, updated.course_id, updated.selected) == (
        created.id,
        created.course_id,
        True,
    )
    assert updated.keywords == "algebra"
    assert kimono.scoping.courses.get(created.id).keywords == "algebra"

    kimono.scoping.courses.delete(created.id)
    for call in (
        lambda: kimono.scoping.courses.get(created.id),
        lambda: kimono.scoping.courses.delete(created.id),
        lambda: kimono.scoping.courses.update(created.id, {"selected": True}),
    ):
        with pytest.raises(NotFoundError):
            call()
    assert len(list(kimono.scoping.courses.list())) == 2
    kimono.scoping.courses.create({"data": [{"course_id": c} for c in course_ids[3:5]]})
    assert [str(c.course_id) for c in kimono.scoping.courses.list()] == course_ids[3:5]
    kimono.scoping.courses.delete_all()
    assert list(kimono.scoping.courses.list()) == []


# -- rollovers ----------------------------------------------------------------------------------
def test_rollovers_round_trip_and_overlap(kimono: KimonoClient) -> None:
    """Rollovers are created, replaced, sorted and deleted; overlapping or reversed dates and an
    unknown cloud are refused."""
    seeded = list(kimono.rollovers.list())
    assert len(seeded) == 1 and seeded[0].type_ == "new_year" and seeded[0].status == "upcoming"
    assert kimono.rollovers.count() == 1
    tenant = kimono.tenants.current()

    created = kimono.rollovers.create(
        {
            "name": "Into 2101",
            "type": "new_year",
            "status": "upcoming",
            "start_date": "2100-06-20T00:00:00Z",
            "end_date": "2100-08-01T00:00:00Z",
        }
    )
    assert created.id and created.created_at and created.tenant_id == tenant.id
    assert (created.name, created.status_change_failure_count) == ("Into 2101", 0)
    assert created.cloud_id == tenant.cloud.id and created.actor_id == tenant.actor_id
    assert created.metadata is None
    assert kimono.rollovers.get(created.id).to_dict() == created.to_dict()
    assert kimono.rollovers.count() == 2

    with pytest.raises(ConflictError, match="overlaps"):
        kimono.rollovers.create(
            {"start_date": "2100-07-01T00:00:00Z", "end_date": "2100-09-01T00:00:00Z"}
        )
    with pytest.raises(BadRequestError, match="after"):
        kimono.rollovers.create(
            {"start_date": "2102-07-01T00:00:00Z", "end_date": "2102-06-01T00:00:00Z"}
        )
    with pytest.raises(BadRequestError, match="cloud_id"):
        kimono.rollovers.create({"cloud_id": other_id()})
    assert kimono.rollovers.count() == 2

    later = kimono.rollovers.create(
        {
            "name": "A later one",
            "start_date": "2103-06-20T00:00:00Z",
            "end_date": "2103-08-01T00:00:00Z",
        }
    )
    # PUT replaces: what is not given goes back to its default.
    replaced = kimono.rollovers.update(
        created.id,
        {
            "name": "Into 2102",
            "start_date": "2101-06-20T00:00:00Z",
            "end_date": "2101-08-01T00:00:00Z",
        },
    )
    assert (replaced.id, replaced.created_at, replaced.name) == (
        created.id,
        created.created_at,
        "Into 2102",
    )
    assert replaced.start_date.year == 2101
    assert kimono.rollovers.get(created.id).to_dict() == replaced.to_dict()
    with pytest.raises(ConflictError, match=str(later.id)):
        kimono.rollovers.update(
            created.id, {"start_date": "2103-07-01T00:00:00Z", "end_date": "2103-07-02T00:00:00Z"}
        )

    names = [r.name for r in kimono.rollovers.list(sort="name")]
    assert names == sorted(names)
    starts = [r.start_date for r in kimono.rollovers.list(sort="-start_date")]
    assert starts == sorted(starts, reverse=True) and starts[0].year == 2103
    with pytest.raises(BadRequestError, match="cannot sort"):
        list(kimono.rollovers.list(sort="color"))

    for rollover in (created, later):
        kimono.rollovers.delete(rollover.id)
        with pytest.raises(NotFoundError):
            kimono.rollovers.get(rollover.id)
    assert kimono.rollovers.count() == 1
    for call in (
        lambda: kimono.rollovers.delete(created.id),
        lambda: kimono.rollovers.update(created.id, {"name": "gone"}),
    ):
        with pytest.raises(NotFoundError):
            call()


def test_an_active_rollover_puts_the_tenant_in_rollover_mode_and_cannot_be_deleted(
    kimono: KimonoClient,
) -> None:
    """A rollover around now turns rollover mode on and cannot be deleted until it is moved away."""
    now = dt.datetime.now(dt.timezone.utc)
    for rollover in kimono.rollovers.list():  # make room around now, whatever today is
        day = dt.timedelta(days=1)
        if rollover.start_date < now + day and rollover.end_date > now - day:
            kimono.rollovers.update(
                rollover.id,
                {
                    "name": rollover.name,
                    "start_date": "1990-06-01T00:00:00Z",
                    "end_date": "1990-07-01T00:00:00Z",
                },
            )
    assert kimono.tenant_state.get().rollover_mode_enabled is False
    active = kimono.rollovers.create(
        {
            "start_date": iso(now - dt.timedelta(hours=1)),
            "end_date": iso(now + dt.timedelta(hours=1)),
        }
    )
    assert kimono.tenant_state.get().rollover_mode_enabled is True
    with pytest.raises(ConflictError, match="active"):
        kimono.rollovers.delete(active.id)
    kimono.rollovers.update(
        active.id, {"start_date": "1991-06-01T00:00:00Z", "end_date": "1991-07-01T00:00:00Z"}
    )
    kimono.rollovers.delete(active.id)
    assert kimono.tenant_state.get().rollover_mode_enabled is False


# -- schedules and ingestions -------------------------------------------------------------------
def test_schedules_round_trip(kimono: KimonoClient) -> None:
    """Schedules are created, paused, resumed and deleted; two at the same hour conflict; a deleted
    one is a 404 everywhere."""
    seeded = list(kimono.schedules.list())
    assert [(s.type_, s.hour, s.enabled) for s in seeded] == [("collection", 2, True)]
    assert kimono.schedules.count() == 1

    created = kimono.schedules.create({"hour": 5})
    assert (created.type_, created.hour, created.enabled) == ("collection", 5, True)
    assert created.id and created.created_at and created.last_executed_at is None
    assert kimono.schedules.get(created.id).to_dict() == created.to_dict()
    assert kimono.schedules.count() == 2
    with pytest.raises(ConflictError, match="5:00"):
        kimono.schedules.create({"hour": 5})

    kimono.schedules.update(created.id, {"enabled": False})
    assert kimono.schedules.get(created.id).enabled is False
    kimono.schedules.update(created.id, {"enabled": True})
    assert kimono.schedules.get(created.id).enabled is True

    kimono.schedules.delete(created.id)
    assert kimono.schedules.count() == 1
    for call in (
        lambda: kimono.schedules.get(created.id),
        lambda: kimono.schedules.update(created.id, {"enabled": True}),
        lambda: kimono.schedules.delete(created.id),
        lambda: kimono.schedules.run(created.id),
    ):
        with pytest.raises(NotFoundError):
            call()


def test_running_a_schedule_starts_an_ingestion(kimono: KimonoClient, sandbox: Sandbox) -> None:
    """Running a schedule starts an ingestion that succeeds after a while; a paused schedule, a
    pending ingestion or a schedule of another type cannot run."""
    schedule = next(iter(kimono.schedules.list()))
    count = kimono.ingestions.count()
    assert count == len(list(kimono.ingestions.list()))

    kimono.schedules.update(schedule.id, {"enabled": False})
    with pytest.raises(ConflictError, match="paused"):
        kimono.schedules.run(schedule.id)
    kimono.schedules.update(schedule.id, {"enabled": True})

    kimono.schedules.run(schedule.id, {})
    assert kimono.ingestions.count() == count + 1
    started = list(kimono.ingestions.list())[-1]
    assert (started.type_, started.state, started.has_pending_task) == (
        "collection",
        "executing",
        False,
    )
    assert started.metadata.scheduled == str(schedule.id)
    assert kimono.schedules.get(schedule.id).last_executed_at is not None
    with pytest.raises(ConflictError, match="executing"):
        kimono.schedules.run(schedule.id)  # an ingestion is pending

    time.sleep(0.25)  # SandboxConfig.extra["ingestion_seconds"]
    assert kimono.ingestions.get(started.id).state == "success"
    kimono.schedules.run(schedule.id)
    assert kimono.ingestions.count() == count + 2

    # Only collection schedules run on demand.
    odd = {
        **interop(sandbox, "schedules")[str(schedule.id)],
        "id": other_id(),
        "type": "unspecified",
    }
    interop(sandbox, "schedules")[odd["id"]] = odd
    try:
        with pytest.raises(BadRequestError, match="cannot be run"):
            kimono.schedules.run(odd["id"])
    finally:
        del interop(sandbox, "schedules")[odd["id"]]


def test_ingestions(kimono: KimonoClient) -> None:
    """The seeded ingestions are listed, counted and fetched, page by page too; an unknown one is a
    404."""
    ingestions = list(kimono.ingestions.list())
    assert kimono.ingestions.count() == len(ingestions) >= 6
    kinds = {(i.type_, i.state) for i in ingestions}
    assert {("bulk_load", "success"), ("event_bundle", "failed")} <= kinds
    bulk = next(i for i in ingestions if i.type_ == "bulk_load")
    assert bulk.mass_change_details and bulk.mass_change_details[0].adds > 0
    assert kimono.ingestions.get(bulk.id).to_dict() == bulk.to_dict()
    assert [i.id for i in kimono.ingestions.list(page_size=2)] == [i.id for i in ingestions]
    with pytest.raises(NotFoundError):
        kimono.ingestions.get(other_id())


# -- errors, auth, paging -----------------------------------------------------------------------
def test_unknown_ids_are_not_found(kimono: KimonoClient) -> None:
    """An unknown id is a 404 naming it, on every kind of object."""
    missing = other_id()
    calls: list[Callable[[], object]] = [
        lambda: kimono.clouds.get(missing),
        lambda: kimono.integrations.delete(missing),
        lambda: kimono.scoping.schools.get(missing),
        lambda: kimono.scoping.courses.get(missing),
        lambda: kimono.rollovers.get(missing),
        lambda: kimono.schedules.get(missing),
        lambda: kimono.ingestions.get(missing),
    ]
    for call in calls:
        with pytest.raises(NotFoundError) as caught:
            call()
        assert caught.value.status_code == 404 and missing in str(caught.value)


def test_invalid_requests_answer_400_or_404(raw: httpx.Client) -> None:
    """Each malformed request is answered 400 (or 404 for an id that is not a UUID) with the error
    body of the spec."""
    schedule_id = raw.get("/tenant/schedules").json()["data"][0]["id"]
    integration_id = raw.get("/integrations").json()["data"][0]["id"]
    cloud_id = raw.get("/clouds").json()["data"][0]["id"]
    cases: list[tuple[str, str, dict[str, Any], int]] = [
        ("POST", "/clouds", {"content": b"[]"}, 400),
        ("POST", "/clouds", {"content": b"{not json"}, 400),
        ("POST", "/clouds", {"json": {"generation": "one"}}, 400),
        ("GET", "/clouds/search?generation=one", {}, 400),
        ("GET", "/clouds/not-a-uuid", {}, 404),
        ("GET", f"/clouds/{cloud_id}/actors?credentials=maybe", {}, 400),
        ("GET", "/actors?page_size=0", {}, 400),
        ("POST", "/integrations", {"json": {"name": 7}}, 400),
        (
            "POST",
            f"/integrations/{integration_id}/versions",
            {"json": {"version": "3.0"}},
            400,
        ),
        (
            "PATCH",
            f"/integrations/{integration_id}/versions/1.0",
            {"json": {"release_state": "gold"}},
            400,
        ),
        ("GET", "/tenants?accounts=abc", {}, 400),
        ("POST", "/tenant/scoping/schools?replace=maybe", {"json": {"data": []}}, 400),
        ("POST", "/tenant/scoping/schools", {"json": {"data": [{"school_id": 1}]}}, 400),
        ("POST", "/tenant/scoping/courses", {"json": {"data": ["x"]}}, 400),
        ("POST", "/tenant/rollovers", {"json": {"type": "old_year"}}, 400),
        ("POST", "/tenant/rollovers", {"json": {"start_date": "tomorrow"}}, 400),
        ("POST", "/tenant/schedules", {"json": {"hour": 24}}, 400),
        ("POST", "/tenant/schedules", {"json": {}}, 400),
        ("PATCH", f"/tenant/schedules/{schedule_id}", {"json": {"enabled": "yes"}}, 400),
        ("POST", f"/tenant/schedules/{schedule_id}/run", {"json": [1]}, 400),
        ("PATCH", "/tenant/application", {"json": {"auth_props_pending": {"a": 1}}}, 400),
    ]
    for method, path, kwargs, status in cases:
        answer = raw.request(method, path, **kwargs)
        assert answer.status_code == status, (method, path, answer.text)
        error = answer.json()
        assert error["status"] == status and error["code"] and error["message"]


def test_basic_auth_and_401(sandbox: Sandbox, recording: Recording) -> None:
    """The vendor may use Basic auth; wrong credentials or none are answered 401, and a refused
    OAuth2 secret is an AuthenticationError."""
    vendor = BasicAuth(sandbox.config.client_id, sandbox.config.client_secret)
    with KimonoClient(auth=vendor, base_url=sandbox.url, transport=recording) as basic:
        assert len(list(basic.tenants.list())) == 2
        assert basic.rollovers.count() >= 1

    wrong = BasicAuth(sandbox.config.client_id, "wrong-secret")
    with KimonoClient(auth=wrong, base_url=sandbox.url, transport=recording) as basic:
        with pytest.raises(UnauthorizedError) as caught:
            list(basic.tenants.list())
        assert caught.value.status_code == 401

    with (
        KimonoClient(
            sandbox.config.client_id, "wrong-secret", base_url=sandbox.url, transport=recording
        ) as oauth,
        pytest.raises(AuthenticationError),
    ):
        oauth.tenants.current()

    with httpx.Client(base_url=sandbox.url + PREFIX, transport=recording) as anonymous:
        for path in ("/tenants", "/tenant/state", "/ingestions/count", "/actors"):
            answer = anonymous.get(path)
            assert answer.status_code == 401 and answer.json()["status"] == 401
        answer = anonymous.get("/tenant", headers={"Authorization": "Bearer not-a-token"})
        assert answer.status_code == 401


def test_paging_links(raw: httpx.Client, kimono: KimonoClient) -> None:
    """Pages link to the next one with the page size kept; the last has none; without a page size,
    one page holds everything."""
    first = raw.get("/actors", params={"page_size": 1}).json()
    assert len(first["data"]) == 1
    nxt = first["paging"]["next"]
    assert nxt.startswith("http://") and "page=1" in nxt and "page_size=1" in nxt
    second = raw.get(nxt).json()
    assert second["data"][0]["id"] != first["data"][0]["id"]
    last = raw.get("/actors", params={"page": 2, "page_size": 1}).json()
    assert len(last["data"]) == 1 and last["paging"]["next"] is None
    # Without page_size, a page holds the maximum (2000): everything at once.
    whole = raw.get("/actors").json()
    assert len(whole["data"]) == 3 and whole["paging"]["next"] is None
    assert raw.get("/ingestions/count").json() == kimono.ingestions.count()


def test_the_async_client_works_against_the_sandbox(sandbox: Sandbox) -> None:
    """The async client lists tenants and acts as one of them against the sandbox."""

    async def main() -> tuple[int, str, int]:
        async with AsyncKimonoClient(**sandbox.credentials) as kimono:
            tenants = [t async for t in kimono.tenants.list()]
            async with kimono.for_tenant(tenants[1]) as tenant:
                current = await tenant.tenants.current()
                count = await tenant.schedules.count()
            return len(tenants), str(current.id), count

    assert asyncio.run(main()) == (2, list(sandbox.state.tenants)[1], 1)


def test_seeding_is_deterministic(sandbox: Sandbox) -> None:
    """Same seed, same Interop objects, ids included; they reference the seeded roster."""
    config = SandboxConfig(students=20, tenants=2, initial_sync=False)
    first, second = SandboxState.create(config), SandboxState.create(config)
    assert first.interop == second.interop
    assert list(first.interop["actors"]) == list(sandbox.state.interop["actors"])
    for school in first.interop["scoping_schools"].values():
        assert school["school_id"] in first.roster.orgs
    for course in first.interop["scoping_courses"].values():
        assert course["course_id"] in first.roster.courses
    other = SandboxState.create(SandboxConfig(students=20, tenants=2, seed=8, initial_sync=False))
    assert list(other.interop["actors"]) != list(first.interop["actors"])


# -- the whole contract -------------------------------------------------------------------------
def test_every_operation_answered_with_success(
    request: pytest.FixtureRequest, recording: Recording
) -> None:
    """All 51 operations were exercised and succeeded at least once (when the module runs whole)."""
    here = [item for item in request.session.items if item.module is request.module]
    defined = [name for name in dir(request.module) if name.startswith("test_")]
    if len(here) < len(defined):
        pytest.skip("only part of the module ran")
    every = {op.operation_id for op in operations("interop")}
    assert len(every) == 51
    succeeded = {name for name, statuses in recording.answered.items() if min(statuses) < 300}
    assert sorted(every - succeeded) == []
