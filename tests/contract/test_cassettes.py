"""Cassettes of every operation and of the multi-step flows, replayed through the SDK.

Run as usual, every test here replays (pytest-recording's ``--record-mode`` is
``none``, and ``block_network`` refuses any connection): a missing cassette, a
request a cassette does not hold, or an interaction the test did not play fails.
``make record`` (scripts/record.py) runs :func:`test_cassette` with
``--record-mode=rewrite`` to record the cassettes again against a fresh sandbox per
cassette, or against a real tenant with the ``KIMONO_*`` variables (then the cases
that change the tenant's state or need injected faults are skipped).

The module is long because of its table of cases, one per operation and one per flow
(what each cassette records and checks): it stays next to :func:`test_cassette`, which
scripts/record.py runs by its path, so that adding an operation is a line here. The
documented cassettes are in ``test_documented_cassettes.py``, the secret checks in
``test_cassette_secrets.py``, the vcr fixtures in this folder's conftest.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
import vcr as vcrpy

from kimono_interop import AsyncKimonoClient, ConflictError, KimonoClient, NotFoundError
from tests.support.cassettes import (
    CASSETTES,
    REPLAY_ORIGIN,
    CassetteSerializer,
    Env,
    Tape,
    assert_all_played,
    async_replay_transport,
    cassette_dir,
    load_interactions,
    operation_of,
    recorded_files,
    recorded_header,
    recording_target,
    register,
    replay_env,
    sandbox_env,
    tenant_env,
)
from tests.support.cassettes import vcr_config as make_vcr_config
from tests.support.specs import operations, sdk_method

T = TypeVar("T")
DATA, INTEROP = "interop-data", "interop"
#: An id no server knows (for the 404 flow).
MISSING_ID = "0e0e0e0e-0e0e-4e0e-8e0e-0e0e0e0e0e0e"
BLUEPRINT_NEW = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<integration name="sandbox-driver" version="1.1"'
    ' release_state="beta">\n  <title>Sandbox Driver 1.1</title>\n</integration>\n'
)
BLUEPRINT_SAME = BLUEPRINT_NEW.replace('version="1.1" release_state="beta"', 'version="1.0"')


# -- the cases: one per operation, and the flows --------------------------------------------------
@dataclass(frozen=True)
class Case:
    """What one cassette records: SDK calls, and checks of what they returned."""

    name: str  # the cassette, relative to tests/cassettes, without .yaml
    run: Callable[[KimonoClient, Env], None]
    mutates: bool = False  # changes the tenant's state: never recorded against a real tenant
    faults: bool = False  # needs the sandbox (expired tokens, injected errors)
    client_options: dict[str, Any] = field(default_factory=dict)


CASES: dict[str, Case] = {}


def operation(
    spec: str, operation_id: str, *, mutates: bool = False
) -> Callable[[Callable[[KimonoClient, Env], None]], Callable[[KimonoClient, Env], None]]:
    def register_case(run: Callable[[KimonoClient, Env], None]) -> Callable[..., None]:
        name = f"operations/{spec}/{operation_id}"
        CASES[name] = Case(name, run, mutates=mutates)
        return run

    return register_case


def flow(
    name: str, *, mutates: bool = False, faults: bool = False, **client_options: Any
) -> Callable[[Callable[[KimonoClient, Env], None]], Callable[[KimonoClient, Env], None]]:
    def register_case(run: Callable[[KimonoClient, Env], None]) -> Callable[..., None]:
        CASES[f"flows/{name}"] = Case(f"flows/{name}", run, mutates, faults, client_options)
        return run

    return register_case


def first(items: Iterable[T]) -> T:
    """The first item (only its page is fetched); skip a recording where there is none."""
    for item in items:
        return item
    pytest.skip("nothing to read here on this tenant")


def id_of(item: Any) -> str:
    return str(item.sys.id if hasattr(item, "sys") else item.id)


def _lists() -> None:
    """Operations that list: the SDK walks every page, each item parsed as sent."""
    calls: dict[tuple[str, str], Callable[[KimonoClient], Iterable[Any]]] = {
        (DATA, "listOrgs"): lambda k: k.rostering.orgs.list(),
        (DATA, "listLEAs"): lambda k: k.rostering.leas.list(),
        (DATA, "listSchools"): lambda k: k.rostering.schools.list(),
        (DATA, "listPersons"): lambda k: k.rostering.persons.list(),
        (DATA, "listStudents"): lambda k: k.rostering.students.list(),
        (DATA, "listTeachers"): lambda k: k.rostering.teachers.list(),
        (DATA, "listCourses"): lambda k: k.rostering.courses.list(),
        (DATA, "listSections"): lambda k: k.rostering.sections.list(),
        (DATA, "listTerms"): lambda k: k.rostering.terms.list(),
        (DATA, "listGradingCategories"): lambda k: k.grades.categories.list(),
        (DATA, "listAdminTasks"): lambda k: k.admin_tasks.list(),
        (INTEROP, "listActors"): lambda k: k.actors.list(),
        (INTEROP, "listClouds"): lambda k: k.clouds.list(),
        (INTEROP, "searchClouds"): lambda k: k.clouds.search(generation=1),
        (INTEROP, "listIntegrations"): lambda k: k.integrations.list(),
        (INTEROP, "listInteropTenants"): lambda k: k.tenants.list(),
        (INTEROP, "listScopingSchools"): lambda k: k.scoping.schools.list(),
        (INTEROP, "listScopingCourses"): lambda k: k.scoping.courses.list(),
        (INTEROP, "listRollovers"): lambda k: k.rollovers.list(sort="-name"),
        (INTEROP, "listSchedules"): lambda k: k.schedules.list(),
        (INTEROP, "listIngestions"): lambda k: k.ingestions.list(),
    }
    for (spec, operation_id), call in calls.items():

        def run(k: KimonoClient, env: Env, op: str = operation_id, call: Any = call) -> None:
            env.expect_items(op, call(k))

        operation(spec, operation_id)(run)


def _finds() -> None:
    """Operations that read one object: its id comes from the first page of a list."""
    calls: dict[tuple[str, str], tuple[Callable[[KimonoClient], Iterable[Any]], Any]] = {
        (DATA, "findOrg"): (lambda k: k.rostering.orgs.list(page_size=1), "rostering.orgs.get"),
        (DATA, "findLEA"): (lambda k: k.rostering.leas.list(page_size=1), "rostering.leas.get"),
        (DATA, "findPerson"): (
            lambda k: k.rostering.persons.list(page_size=1),
            "rostering.persons.get",
        ),
        (DATA, "findCourse"): (
            lambda k: k.rostering.courses.list(page_size=1),
            "rostering.courses.get",
        ),
        (DATA, "findSection"): (
            lambda k: k.rostering.sections.list(page_size=1),
            "rostering.sections.get",
        ),
        (DATA, "findTerm"): (lambda k: k.rostering.terms.list(page_size=1), "rostering.terms.get"),
        (DATA, "findAdminTask"): (lambda k: k.admin_tasks.list(page_size=1), "admin_tasks.get"),
        (INTEROP, "findCloud"): (lambda k: k.clouds.list(page_size=1), "clouds.get"),
        (INTEROP, "findIntegration"): (
            lambda k: k.integrations.list(page_size=1),
            "integrations.get",
        ),
        (INTEROP, "findInteropTenant"): (lambda k: k.tenants.list(page_size=1), "tenants.get"),
        (INTEROP, "findScopingSchool"): (
            lambda k: k.scoping.schools.list(page_size=1),
            "scoping.schools.get",
        ),
        (INTEROP, "findScopingCourse"): (
            lambda k: k.scoping.courses.list(page_size=1),
            "scoping.courses.get",
        ),
        (INTEROP, "findRollover"): (lambda k: k.rollovers.list(page_size=1), "rollovers.get"),
        (INTEROP, "findSchedule"): (lambda k: k.schedules.list(page_size=1), "schedules.get"),
        (INTEROP, "findIngestion"): (lambda k: k.ingestions.list(page_size=1), "ingestions.get"),
    }
    for (spec, operation_id), (listing, method) in calls.items():

        def run(
            k: KimonoClient,
            env: Env,
            op: str = operation_id,
            listing: Any = listing,
            m: str = method,
        ) -> None:
            wanted = first(listing(k))
            found = sdk_method(k, op)(id_of(wanted))
            assert id_of(found) == id_of(wanted)
            env.expect_one(op, found)

        operation(spec, operation_id)(run)


def _for_org() -> None:
    """Lists of one school's members and offerings."""
    calls: dict[str, Callable[[KimonoClient, str], Iterable[Any]]] = {
        "listStudentsForOrg": lambda k, org: k.rostering.orgs.list_students(org),
        "listTeachersForOrg": lambda k, org: k.rostering.orgs.list_teachers(org),
        "listCoursesForOrg": lambda k, org: k.rostering.orgs.list_courses(org),
        "listSectionsForOrg": lambda k, org: k.rostering.orgs.list_sections(org),
        "listTermsForOrg": lambda k, org: k.rostering.orgs.list_terms(org),
    }
    for operation_id, call in calls.items():

        def run(k: KimonoClient, env: Env, op: str = operation_id, call: Any = call) -> None:
            school = first(k.rostering.schools.list(page_size=1))
            env.expect_items(op, call(k, id_of(school)))

        operation(DATA, operation_id)(run)


def _reads() -> None:
    """Operations without an id or a list: the current tenant, its state, counts."""
    singles: dict[str, Callable[[KimonoClient], Any]] = {
        "findCurrentTenant": lambda k: k.tenants.current(),
        "findTenantState": lambda k: k.tenant_state.get(),
        "findTenantApplication": lambda k: k.tenant_application.get(),
    }
    for operation_id, call in singles.items():

        def run(k: KimonoClient, env: Env, op: str = operation_id, call: Any = call) -> None:
            env.expect_one(op, call(k))

        operation(INTEROP, operation_id)(run)
    counts: dict[str, Callable[[KimonoClient], int]] = {
        "countRollovers": lambda k: k.rollovers.count(),
        "countSchedules": lambda k: k.schedules.count(),
        "countIngestions": lambda k: k.ingestions.count(),
    }
    for operation_id, count in counts.items():

        def run_count(
            k: KimonoClient, env: Env, op: str = operation_id, count: Any = count
        ) -> None:
            value = count(k)
            assert isinstance(value, int) and value >= 0
            env.expect_value(op, value)

        operation(INTEROP, operation_id)(run_count)


_lists()
_finds()
_for_org()
_reads()


# Tasks and admin tasks ---------------------------------------------------------------------------
@operation(DATA, "listTasks", mutates=True)
def _list_tasks(k: KimonoClient, env: Env) -> None:
    batch = k.tasks.next_batch(page_size=5)
    assert 0 < len(batch) <= 5
    env.expect_items("listTasks", batch)


@operation(DATA, "acknowledgeTask", mutates=True)
def _acknowledge_task(k: KimonoClient, env: Env) -> None:
    task = k.tasks.next_batch(page_size=1)[0]
    assert k.tasks.ack(str(task.id), "success") is None
    env.expect_statuses("acknowledgeTask", 200)


@operation(DATA, "acknowledgeTasks", mutates=True)
def _acknowledge_tasks(k: KimonoClient, env: Env) -> None:
    batch = k.tasks.next_batch(page_size=3)
    ids = [str(task.id) for task in batch]
    result = k.tasks.ack_many([{"task_id": task_id, "status": "success"} for task_id in ids])
    assert (result.acknowledged, result.failed, result.requests) == (ids, {}, 1)
    env.expect_statuses("acknowledgeTasks", 200)


@operation(DATA, "deleteAdminTask", mutates=True)
def _delete_admin_task(k: KimonoClient, env: Env) -> None:
    task = first(k.admin_tasks.list(page_size=1))
    assert k.admin_tasks.delete(str(task.id)) is None
    env.expect_statuses("deleteAdminTask", 204)


@operation(DATA, "acknowledgeAdminTask", mutates=True)
def _acknowledge_admin_task(k: KimonoClient, env: Env) -> None:
    task = first(k.admin_tasks.list(page_size=1))
    k.admin_tasks.ack(str(task.id), "error", message="Recorded: the target system refused it")
    env.expect_statuses("acknowledgeAdminTask", 200)


@operation(DATA, "acknowledgeAdminTasks", mutates=True)
def _acknowledge_admin_tasks(k: KimonoClient, env: Env) -> None:
    ids = [str(task.id) for task in k.admin_tasks.list()]
    result = k.admin_tasks.ack_many([{"task_id": task_id, "status": "success"} for task_id in ids])
    assert result.acknowledged == ids and result.ok
    env.expect_statuses("acknowledgeAdminTasks", 200)


# Clouds and integrations -------------------------------------------------------------------------
NEW_CLOUD = {"name": "Recorded Cloud", "userdata": "cassettes", "generation": 2}
NEW_INTEGRATION = {"name": "recorded-driver", "title": "Recorded Driver", "version": "1.0"}


@operation(INTEROP, "listActorsByCloud")
def _list_actors_by_cloud(k: KimonoClient, env: Env) -> None:
    cloud = first(k.clouds.list(page_size=1))
    env.expect_items("listActorsByCloud", k.clouds.list_actors(id_of(cloud), credentials=True))


@operation(INTEROP, "createCloud", mutates=True)
def _create_cloud(k: KimonoClient, env: Env) -> None:
    cloud = k.clouds.create(NEW_CLOUD)
    assert (cloud.name, cloud.userdata, cloud.generation) == ("Recorded Cloud", "cassettes", 2)
    env.expect_one("createCloud", cloud)


@operation(INTEROP, "deleteCloud", mutates=True)
def _delete_cloud(k: KimonoClient, env: Env) -> None:
    cloud = k.clouds.create(NEW_CLOUD)
    assert k.clouds.delete(id_of(cloud)) is None
    env.expect_statuses("deleteCloud", 204)


@operation(INTEROP, "createIntegration", mutates=True)
def _create_integration(k: KimonoClient, env: Env) -> None:
    integration = k.integrations.create(NEW_INTEGRATION)
    assert (integration.name, integration.title) == ("recorded-driver", "Recorded Driver")
    env.expect_one("createIntegration", integration)


@operation(INTEROP, "updateIntegration", mutates=True)
def _update_integration(k: KimonoClient, env: Env) -> None:
    integration = k.integrations.create(NEW_INTEGRATION)
    assert k.integrations.update(id_of(integration), {"title": "Renamed Driver"}) is None
    assert k.integrations.get(id_of(integration)).title == "Renamed Driver"
    env.expect_statuses("updateIntegration", 204)


@operation(INTEROP, "deleteIntegration", mutates=True)
def _delete_integration(k: KimonoClient, env: Env) -> None:
    integration = k.integrations.create(NEW_INTEGRATION)
    assert k.integrations.delete(id_of(integration)) is None
    env.expect_statuses("deleteIntegration", 204)


@operation(INTEROP, "listIntegrationVersions")
def _list_integration_versions(k: KimonoClient, env: Env) -> None:
    integration = first(k.integrations.list(page_size=1))
    env.expect_items("listIntegrationVersions", k.integrations.versions.list(id_of(integration)))


@operation(INTEROP, "createIntegrationVersion", mutates=True)
def _create_integration_version(k: KimonoClient, env: Env) -> None:
    integration = first(k.integrations.list(page_size=1))
    version = k.integrations.versions.create(id_of(integration), BLUEPRINT_NEW)
    assert (version.version, version.title) == ("1.1", "Sandbox Driver 1.1")
    env.expect_one("createIntegrationVersion", version)


@operation(INTEROP, "deleteIntegrationVersion", mutates=True)
def _delete_integration_version(k: KimonoClient, env: Env) -> None:
    integration = first(k.integrations.list(page_size=1))
    k.integrations.versions.create(id_of(integration), BLUEPRINT_NEW)
    assert k.integrations.versions.delete(id_of(integration), "1.1") is None
    env.expect_statuses("deleteIntegrationVersion", 204)


@operation(INTEROP, "updateIntegrationVersion", mutates=True)
def _update_integration_version(k: KimonoClient, env: Env) -> None:
    integration = first(k.integrations.list(page_size=1))
    change = {"title": "Sandbox Driver 1.0 (old)", "release_state": "deprecated"}
    assert k.integrations.versions.update(id_of(integration), "1.0", change) is None
    env.expect_statuses("updateIntegrationVersion", 204)


@operation(INTEROP, "updateIntegrationBlueprint", mutates=True)
def _update_integration_blueprint(k: KimonoClient, env: Env) -> None:
    integration = first(k.integrations.list(page_size=1))
    version = k.integrations.versions.update_blueprint(id_of(integration), "1.0", BLUEPRINT_SAME)
    assert version.version == "1.0"
    env.expect_one("updateIntegrationBlueprint", version)


# The tenant: application, scoping, rollovers, schedules ------------------------------------------
@operation(INTEROP, "updateTenantApplication", mutates=True)
def _update_tenant_application(k: KimonoClient, env: Env) -> None:
    change = {"auth_state_pending": "confirmed", "auth_message": "Credentials confirmed"}
    assert k.tenant_application.update(change) is None
    env.expect_statuses("updateTenantApplication", 204)


@operation(INTEROP, "createScopingSchools", mutates=True)
def _create_scoping_schools(k: KimonoClient, env: Env) -> None:
    schools = list(k.rostering.schools.list())
    created = k.scoping.schools.create(
        {"data": [{"school_id": id_of(school)} for school in schools]}, replace=True
    )
    assert str(created.school_id) == id_of(schools[0])
    env.expect_one("createScopingSchools", created)


@operation(INTEROP, "deleteScopingSchools", mutates=True)
def _delete_scoping_schools(k: KimonoClient, env: Env) -> None:
    assert k.scoping.schools.delete_all() is None
    assert list(k.scoping.schools.list()) == []
    env.expect_statuses("deleteScopingSchools", 204)


@operation(INTEROP, "updateScopingSchool", mutates=True)
def _update_scoping_school(k: KimonoClient, env: Env) -> None:
    school = first(k.scoping.schools.list(page_size=1))
    change = {"school_id": str(school.school_id), "selected": not school.selected}
    updated = k.scoping.schools.update(id_of(school), change)
    assert updated.selected is not school.selected
    env.expect_one("updateScopingSchool", updated)


@operation(INTEROP, "deleteScopingSchool", mutates=True)
def _delete_scoping_school(k: KimonoClient, env: Env) -> None:
    school = first(k.scoping.schools.list(page_size=1))
    assert k.scoping.schools.delete(id_of(school)) is None
    env.expect_statuses("deleteScopingSchool", 204)


@operation(INTEROP, "createScopingCourses", mutates=True)
def _create_scoping_courses(k: KimonoClient, env: Env) -> None:
    scoped = {str(course.course_id) for course in k.scoping.courses.list()}
    fresh = [course for course in k.rostering.courses.list() if id_of(course) not in scoped]
    created = k.scoping.courses.create({"data": [{"course_id": id_of(fresh[0])}]}, replace=False)
    assert str(created.course_id) == id_of(fresh[0])
    env.expect_one("createScopingCourses", created)


@operation(INTEROP, "deleteScopingCourses", mutates=True)
def _delete_scoping_courses(k: KimonoClient, env: Env) -> None:
    assert k.scoping.courses.delete_all() is None
    assert list(k.scoping.courses.list()) == []
    env.expect_statuses("deleteScopingCourses", 204)


@operation(INTEROP, "updateScopingCourse", mutates=True)
def _update_scoping_course(k: KimonoClient, env: Env) -> None:
    course = first(k.scoping.courses.list(page_size=1))
    change = {"course_id": str(course.course_id), "keywords": "recorded"}
    updated = k.scoping.courses.update(id_of(course), change)
    assert updated.keywords == "recorded"
    env.expect_one("updateScopingCourse", updated)


@operation(INTEROP, "deleteScopingCourse", mutates=True)
def _delete_scoping_course(k: KimonoClient, env: Env) -> None:
    course = first(k.scoping.courses.list(page_size=1))
    assert k.scoping.courses.delete(id_of(course)) is None
    env.expect_statuses("deleteScopingCourse", 204)


NEW_ROLLOVER = {
    "name": "Rollover to 2027-2028",
    "type": "new_year",
    "start_date": "2027-06-20T00:00:00Z",
    "end_date": "2027-08-15T00:00:00Z",
}


@operation(INTEROP, "createRollover", mutates=True)
def _create_rollover(k: KimonoClient, env: Env) -> None:
    rollover = k.rollovers.create(NEW_ROLLOVER)
    assert (rollover.name, rollover.start_date.year) == ("Rollover to 2027-2028", 2027)
    env.expect_one("createRollover", rollover)


@operation(INTEROP, "updateRollover", mutates=True)
def _update_rollover(k: KimonoClient, env: Env) -> None:
    rollover = first(k.rollovers.list(page_size=1))
    window = {key: rollover.to_dict()[key] for key in ("start_date", "end_date")}
    updated = k.rollovers.update(id_of(rollover), {"name": "Renamed rollover", **window})
    assert (id_of(updated), updated.name) == (id_of(rollover), "Renamed rollover")
    env.expect_one("updateRollover", updated)


@operation(INTEROP, "deleteRollover", mutates=True)
def _delete_rollover(k: KimonoClient, env: Env) -> None:
    rollover = first(k.rollovers.list(page_size=1))
    assert k.rollovers.delete(id_of(rollover)) is None
    env.expect_statuses("deleteRollover", 204)


@operation(INTEROP, "createSchedule", mutates=True)
def _create_schedule(k: KimonoClient, env: Env) -> None:
    schedule = k.schedules.create({"hour": 5})
    assert (schedule.hour, schedule.enabled) == (5, True)
    env.expect_one("createSchedule", schedule)


@operation(INTEROP, "updateSchedule", mutates=True)
def _update_schedule(k: KimonoClient, env: Env) -> None:
    schedule = first(k.schedules.list(page_size=1))
    assert k.schedules.update(id_of(schedule), {"enabled": False}) is None
    assert k.schedules.get(id_of(schedule)).enabled is False
    env.expect_statuses("updateSchedule", 204)


@operation(INTEROP, "deleteSchedule", mutates=True)
def _delete_schedule(k: KimonoClient, env: Env) -> None:
    schedule = first(k.schedules.list(page_size=1))
    assert k.schedules.delete(id_of(schedule)) is None
    env.expect_statuses("deleteSchedule", 204)


@operation(INTEROP, "runSchedule", mutates=True)
def _run_schedule(k: KimonoClient, env: Env) -> None:
    schedule = first(k.schedules.list(page_size=1))
    before = k.ingestions.count()
    assert k.schedules.run(id_of(schedule)) is None
    assert k.ingestions.count() == before + 1
    env.expect_statuses("runSchedule", 204)


# Flows -------------------------------------------------------------------------------------------
@flow("pagination")
def _pagination(k: KimonoClient, env: Env) -> None:
    """Every page of a list, following paging.next; the last page's link is null."""
    pages = list(k.rostering.students.list(page_size=6).pages())
    assert len(pages) >= 2
    assert [page.number for page in pages] == list(range(len(pages)))
    assert all(page.next_url for page in pages[:-1]) and pages[-1].next_url is None
    assert all(str(page.next_url).startswith(env.base_url) for page in pages[:-1])
    students = [student for page in pages for student in page.items]
    assert len({id_of(s) for s in students}) == len(students)
    env.expect_items("listStudents", students)


@flow("token_refresh", faults=True)
def _token_refresh(k: KimonoClient, env: Env) -> None:
    """The token expires mid-walk: a 401, one new token, the same page again, and on."""
    persons = []
    for number, page in enumerate(k.rostering.persons.list(page_size=8).pages()):
        persons += page.items
        if number == 0:
            env.expire_tokens()
    env.expect_items("listPersons", persons)
    env.expect_statuses("listPersons", 200, 401, 200, 200)
    if env.tape is not None:
        assert [op for op, _, _ in env.tape.exchanges].count(None) == 2  # two token requests


@flow("task_batch_bulk_ack", mutates=True)
def _task_batch(k: KimonoClient, env: Env) -> None:
    """A batch handled then acknowledged in one request; the queue then hands out the next."""
    first_batch = k.tasks.receive(page_size=10)
    ids = [str(task.id) for task in first_batch]
    result = k.tasks.ack_many([{"task_id": task_id, "status": "success"} for task_id in ids])
    assert (result.acknowledged, result.failed, result.requests) == (ids, {}, 1)
    second_batch = k.tasks.receive(page_size=10)
    assert not {str(task.id) for task in second_batch} & set(ids)
    assert (second_batch[0].sequence or 0) > (first_batch[-1].sequence or 0)
    acks = [{"task_id": str(task.id), "status": "success"} for task in second_batch]
    acks[-1] = {**acks[-1], "status": "retry", "message": "Target system busy"}
    assert k.tasks.ack_many(acks).ok
    env.expect_items("listTasks", first_batch + second_batch)
    env.expect_statuses("acknowledgeTasks", 200, 200)


@flow("not_found")
def _not_found(k: KimonoClient, env: Env) -> None:
    """Unknown ids answer 404 on both APIs; the SDK raises NotFoundError."""
    with pytest.raises(NotFoundError) as data_error:
        k.rostering.orgs.get(MISSING_ID)
    with pytest.raises(NotFoundError) as interop_error:
        k.clouds.get(MISSING_ID)
    assert data_error.value.status_code == interop_error.value.status_code == 404
    assert MISSING_ID in data_error.value.url
    env.expect_statuses("findOrg", 404)
    env.expect_statuses("findCloud", 404)


@flow("conflict", mutates=True)
def _conflict(k: KimonoClient, env: Env) -> None:
    """A rollover overlapping another is refused with 409; the SDK raises ConflictError."""
    existing = first(k.rollovers.list(page_size=1)).to_dict()
    overlapping = {"name": "Overlapping", **{k_: existing[k_] for k_ in ("start_date", "end_date")}}
    with pytest.raises(ConflictError) as error:
        k.rollovers.create(overlapping)
    assert error.value.status_code == 409
    env.expect_statuses("createRollover", 409)


@flow("retried_503", faults=True)
def _retried_503(k: KimonoClient, env: Env) -> None:
    """A 503 (with Retry-After: 0) is retried; the caller gets the answer of the retry."""
    env.fail_next("GET", "/v2/interop/tenant", 503)
    tenant = k.tenants.current()
    assert tenant.id is not None
    env.expect_statuses("findCurrentTenant", 503, 200)
    env.expect_one("findCurrentTenant", tenant)


# -- fixtures -------------------------------------------------------------------------------------
@pytest.fixture
def env(request: pytest.FixtureRequest, record_mode: str) -> Iterator[Env]:
    """Replaying: the cassette. Recording: a fresh sandbox, or the tenant of KIMONO_*."""
    name = request.getfixturevalue("default_cassette_name")
    if record_mode == "none":
        yield replay_env(cassette_dir() / f"{name}.yaml")
    elif recording_target() == "tenant":
        yield tenant_env()
    else:
        with sandbox_env() as live:
            yield live


def _case_param(case: Case) -> Any:
    skip = recording_target() == "tenant" and (case.mutates or case.faults)
    reason = "changes the tenant's state" if case.mutates else "needs the sandbox's fault injection"
    return pytest.param(case, id=case.name, marks=pytest.mark.skipif(skip, reason=reason))


# -- replay (and, with --record-mode=rewrite, recording) ------------------------------------------
@pytest.mark.vcr
@pytest.mark.block_network
@pytest.mark.parametrize("case", [_case_param(case) for case in CASES.values()])
def test_cassette(case: Case, env: Env, vcr: Any) -> None:
    """The case's SDK calls give what its cassette says the server answered, every answer used."""
    if not env.recording:
        env.tape = Tape(vcr.data)
    with env.client(**case.client_options) as kimono:
        case.run(kimono, env)
    if not env.recording:
        assert_all_played(vcr)


@pytest.mark.vcr(record_mode="none")
@pytest.mark.block_network
@pytest.mark.default_cassette("flows/pagination")
def test_async_client_replays_the_pagination_flow(vcr: Any) -> None:
    """The async client, fetching pages ahead, sends the same requests and gets the same items."""
    replay = replay_env(cassette_dir() / "flows" / "pagination.yaml")
    replay.tape = Tape(vcr.data)

    async def walk() -> list[Any]:
        transport = async_replay_transport()
        async with AsyncKimonoClient(
            **replay.credentials, base_url=replay.base_url, transport=transport
        ) as kimono:
            return [item async for item in kimono.rostering.students.list(page_size=6).prefetch(3)]

    students = asyncio.run(walk())
    assert len(students) == len({id_of(student) for student in students}) > 6
    replay.expect_items("listStudents", students)
    assert_all_played(vcr)


# -- coverage -------------------------------------------------------------------------------------
def test_every_operation_has_its_own_cassette() -> None:
    """80 of 80: each operation has operations/<spec>/<operationId>.yaml, answered 2xx there."""
    expected = {op.operation_id: spec for spec in (DATA, INTEROP) for op in operations(spec)}
    assert len(expected) == 80
    covered: dict[str, set[str]] = {}
    for path in recorded_files():
        for request, _ in load_interactions(path):
            operation_id = operation_of(request)  # raises on a request the specs do not know
            if operation_id is not None:
                covered.setdefault(operation_id, set()).add(path.stem)
    assert sorted(set(expected) - set(covered)) == []
    for operation_id, spec in expected.items():
        own = CASSETTES / "operations" / spec / f"{operation_id}.yaml"
        statuses = [
            int(response["status"]["code"])
            for request, response in load_interactions(own)
            if operation_of(request) == operation_id
        ]
        assert any(200 <= status < 300 for status in statuses), (operation_id, statuses)


def test_the_cassettes_on_disk_are_the_cases() -> None:
    """No case without its cassette, no cassette without its case (stale ones are removed)."""
    on_disk = {str(path.relative_to(CASSETTES).with_suffix("")) for path in recorded_files()}
    assert on_disk == set(CASES)
    names = {name.split("/")[-1] for name in CASES if name.startswith("flows/")}
    assert names >= {"pagination", "token_refresh", "task_batch_bulk_ack", "not_found"}
    assert names >= {"conflict", "retried_503"}


def test_the_flows_hold_the_exchanges_they_are_about() -> None:
    """The flows' cassettes show a 401 then a new token, a 503 then a 200, a 409, 404s."""

    def statuses(name: str) -> list[tuple[str | None, int]]:
        return [
            (operation_of(request), int(response["status"]["code"]))
            for request, response in load_interactions(CASSETTES / "flows" / f"{name}.yaml")
        ]

    assert statuses("token_refresh") == [
        (None, 200),
        ("listPersons", 200),
        ("listPersons", 401),
        (None, 200),
        ("listPersons", 200),
        ("listPersons", 200),
    ]
    assert statuses("retried_503") == [
        (None, 200),
        ("findCurrentTenant", 503),
        ("findCurrentTenant", 200),
    ]
    assert ("createRollover", 409) in statuses("conflict")
    assert {("findOrg", 404), ("findCloud", 404)} <= set(statuses("not_found"))
    pages = [s for op, s in statuses("pagination") if op == "listStudents"]
    assert len(pages) >= 2 and set(pages) == {200}
    assert [op for op, _ in statuses("task_batch_bulk_ack")] == [
        None,
        "listTasks",
        "acknowledgeTasks",
        "listTasks",
        "acknowledgeTasks",
    ]


# -- the replay guards can fail -------------------------------------------------------------------
def test_a_missing_cassette_fails_the_replay(tmp_path: Path) -> None:
    """Replaying a cassette that does not exist fails the test, naming it."""
    with pytest.raises(AssertionError, match="missing cassette"):
        replay_env(tmp_path / "nothing.yaml")


def test_an_unplayed_interaction_fails_the_replay(tmp_path: Path) -> None:
    """A cassette with an interaction the test did not use is reported."""
    source = CASSETTES / "operations" / DATA / "findOrg.yaml"
    recorder = vcrpy.VCR()
    register(recorder, CassetteSerializer("# test\n"))
    config = make_vcr_config(None, replay=True)
    with recorder.use_cassette(str(source), record_mode="none", **config) as cassette:
        replay = replay_env(source)
        with replay.client() as kimono:
            first(kimono.rostering.orgs.list(page_size=1))  # the get_org is left unplayed
        with pytest.raises(AssertionError, match="did not play"):
            assert_all_played(cassette)


# -- determinism ----------------------------------------------------------------------------------
#: Cases whose answers carry what the sandbox takes from the clock, uuid4 and its tokens:
#: a created object (id, timestamps), tasks (created_at), issued tokens. `make record`
#: followed by `python -m scripts.record --check` proves the same for every cassette.
DETERMINISM_CASES = ("operations/interop/createRollover", "flows/task_batch_bulk_ack")


def _record(case: Case, path: Path) -> None:
    with sandbox_env() as live:
        recorder = vcrpy.VCR()
        register(recorder, CassetteSerializer(recorded_header("sandbox")))
        config = make_vcr_config(live.origin)
        with (
            recorder.use_cassette(str(path), record_mode="once", **config),
            live.client(**case.client_options) as kimono,
        ):
            case.run(kimono, live)


def test_recording_against_the_sandbox_is_deterministic(tmp_path: Path) -> None:
    """Two recordings against fresh sandboxes (new ports, new tokens) are byte-identical."""
    for name in DETERMINISM_CASES:
        one, two = tmp_path / "one" / f"{name}.yaml", tmp_path / "two" / f"{name}.yaml"
        _record(CASES[name], one)
        _record(CASES[name], two)
        assert one.read_bytes() == two.read_bytes(), name
        text = one.read_text(encoding="utf-8")
        assert "127.0.0.1" not in text and REPLAY_ORIGIN in text
