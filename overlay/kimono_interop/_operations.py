"""Every operation of the contract, as the SDK calls it.

Written by scripts/generate_resources.py from the `x-sdk` declarations of spec/: do not
edit; change the spec and run `make generate`.

The sandbox, the tests and the tools read paths and methods from here instead of
restating them; ``shape`` says what the SDK method returns (``list``: a pager,
``one``: a model, ``count``: an int, ``none``: nothing, ``custom``: hand-written).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Operation:
    """One operation of spec/ and the SDK method that calls it."""

    id: str  #: operationId
    api: str  #: "data" (the Interop Data API) or "interop" (the Interop API)
    method: str  #: HTTP method
    path: str  #: path template below the API's base path
    resource: str  #: the client attribute path, e.g. "rostering.orgs"
    name: str  #: the method, e.g. "get"
    shape: str  #: list, one, count, none or custom
    raw: bool = False  #: whether ``client.with_raw_response`` has the call

    @property
    def call(self) -> str:
        """The SDK call, e.g. ``rostering.orgs.get``."""
        return f"{self.resource}.{self.name}"


#: Every operation, by operationId, in the order of the specs.
OPERATIONS: dict[str, Operation] = {
    "listOrgs": Operation(
        "listOrgs", "data", "GET", "/rostering/orgs", "rostering.orgs", "list", "list"
    ),
    "findOrg": Operation(
        "findOrg", "data", "GET", "/rostering/orgs/{id}", "rostering.orgs", "get", "one", raw=True
    ),
    "listStudentsForOrg": Operation(
        "listStudentsForOrg",
        "data",
        "GET",
        "/rostering/orgs/{id}/students",
        "rostering.orgs",
        "list_students",
        "list",
    ),
    "listTeachersForOrg": Operation(
        "listTeachersForOrg",
        "data",
        "GET",
        "/rostering/orgs/{id}/teachers",
        "rostering.orgs",
        "list_teachers",
        "list",
    ),
    "listCoursesForOrg": Operation(
        "listCoursesForOrg",
        "data",
        "GET",
        "/rostering/orgs/{id}/courses",
        "rostering.orgs",
        "list_courses",
        "list",
    ),
    "listSectionsForOrg": Operation(
        "listSectionsForOrg",
        "data",
        "GET",
        "/rostering/orgs/{id}/sections",
        "rostering.orgs",
        "list_sections",
        "list",
    ),
    "listTermsForOrg": Operation(
        "listTermsForOrg",
        "data",
        "GET",
        "/rostering/orgs/{id}/terms",
        "rostering.orgs",
        "list_terms",
        "list",
    ),
    "listLEAs": Operation(
        "listLEAs", "data", "GET", "/rostering/leas", "rostering.leas", "list", "list"
    ),
    "findLEA": Operation(
        "findLEA", "data", "GET", "/rostering/leas/{id}", "rostering.leas", "get", "one", raw=True
    ),
    "listSchools": Operation(
        "listSchools", "data", "GET", "/rostering/schools", "rostering.schools", "list", "list"
    ),
    "listPersons": Operation(
        "listPersons", "data", "GET", "/rostering/persons", "rostering.persons", "list", "list"
    ),
    "findPerson": Operation(
        "findPerson",
        "data",
        "GET",
        "/rostering/persons/{id}",
        "rostering.persons",
        "get",
        "one",
        raw=True,
    ),
    "listStudents": Operation(
        "listStudents", "data", "GET", "/rostering/students", "rostering.students", "list", "list"
    ),
    "listTeachers": Operation(
        "listTeachers", "data", "GET", "/rostering/teachers", "rostering.teachers", "list", "list"
    ),
    "listCourses": Operation(
        "listCourses", "data", "GET", "/rostering/courses", "rostering.courses", "list", "list"
    ),
    "findCourse": Operation(
        "findCourse",
        "data",
        "GET",
        "/rostering/courses/{id}",
        "rostering.courses",
        "get",
        "one",
        raw=True,
    ),
    "listSections": Operation(
        "listSections", "data", "GET", "/rostering/sections", "rostering.sections", "list", "list"
    ),
    "findSection": Operation(
        "findSection",
        "data",
        "GET",
        "/rostering/sections/{id}",
        "rostering.sections",
        "get",
        "one",
        raw=True,
    ),
    "listTerms": Operation(
        "listTerms", "data", "GET", "/rostering/terms", "rostering.terms", "list", "list"
    ),
    "findTerm": Operation(
        "findTerm",
        "data",
        "GET",
        "/rostering/terms/{id}",
        "rostering.terms",
        "get",
        "one",
        raw=True,
    ),
    "listGradingCategories": Operation(
        "listGradingCategories",
        "data",
        "GET",
        "/grades/gradingCategories",
        "grades.categories",
        "list",
        "list",
    ),
    "listTasks": Operation("listTasks", "data", "GET", "/tasks", "tasks", "next_batch", "custom"),
    "acknowledgeTask": Operation(
        "acknowledgeTask", "data", "PUT", "/tasks/{id}/ack", "tasks", "ack", "custom", raw=True
    ),
    "acknowledgeTasks": Operation(
        "acknowledgeTasks", "data", "PUT", "/tasks/ack", "tasks", "ack_many", "custom"
    ),
    "listAdminTasks": Operation(
        "listAdminTasks", "data", "GET", "/tasks/admin", "admin_tasks", "list", "list"
    ),
    "findAdminTask": Operation(
        "findAdminTask", "data", "GET", "/tasks/admin/{id}", "admin_tasks", "get", "one", raw=True
    ),
    "deleteAdminTask": Operation(
        "deleteAdminTask",
        "data",
        "DELETE",
        "/tasks/admin/{id}",
        "admin_tasks",
        "delete",
        "none",
        raw=True,
    ),
    "acknowledgeAdminTask": Operation(
        "acknowledgeAdminTask",
        "data",
        "PUT",
        "/tasks/admin/{id}/ack",
        "admin_tasks",
        "ack",
        "custom",
        raw=True,
    ),
    "acknowledgeAdminTasks": Operation(
        "acknowledgeAdminTasks",
        "data",
        "PUT",
        "/tasks/admin/ack",
        "admin_tasks",
        "ack_many",
        "custom",
    ),
    "listActors": Operation("listActors", "interop", "GET", "/actors", "actors", "list", "list"),
    "listClouds": Operation("listClouds", "interop", "GET", "/clouds", "clouds", "list", "list"),
    "createCloud": Operation(
        "createCloud", "interop", "POST", "/clouds", "clouds", "create", "one", raw=True
    ),
    "searchClouds": Operation(
        "searchClouds", "interop", "GET", "/clouds/search", "clouds", "search", "list"
    ),
    "findCloud": Operation(
        "findCloud", "interop", "GET", "/clouds/{id}", "clouds", "get", "one", raw=True
    ),
    "deleteCloud": Operation(
        "deleteCloud", "interop", "DELETE", "/clouds/{id}", "clouds", "delete", "none", raw=True
    ),
    "listActorsByCloud": Operation(
        "listActorsByCloud",
        "interop",
        "GET",
        "/clouds/{id}/actors",
        "clouds",
        "list_actors",
        "list",
    ),
    "listIntegrations": Operation(
        "listIntegrations", "interop", "GET", "/integrations", "integrations", "list", "list"
    ),
    "createIntegration": Operation(
        "createIntegration",
        "interop",
        "POST",
        "/integrations",
        "integrations",
        "create",
        "one",
        raw=True,
    ),
    "findIntegration": Operation(
        "findIntegration",
        "interop",
        "GET",
        "/integrations/{id}",
        "integrations",
        "get",
        "one",
        raw=True,
    ),
    "updateIntegration": Operation(
        "updateIntegration",
        "interop",
        "PATCH",
        "/integrations/{id}",
        "integrations",
        "update",
        "none",
        raw=True,
    ),
    "deleteIntegration": Operation(
        "deleteIntegration",
        "interop",
        "DELETE",
        "/integrations/{id}",
        "integrations",
        "delete",
        "none",
        raw=True,
    ),
    "listIntegrationVersions": Operation(
        "listIntegrationVersions",
        "interop",
        "GET",
        "/integrations/{id}/versions",
        "integrations.versions",
        "list",
        "list",
    ),
    "createIntegrationVersion": Operation(
        "createIntegrationVersion",
        "interop",
        "POST",
        "/integrations/{id}/versions",
        "integrations.versions",
        "create",
        "custom",
        raw=True,
    ),
    "updateIntegrationVersion": Operation(
        "updateIntegrationVersion",
        "interop",
        "PATCH",
        "/integrations/{id}/versions/{version}",
        "integrations.versions",
        "update",
        "none",
        raw=True,
    ),
    "deleteIntegrationVersion": Operation(
        "deleteIntegrationVersion",
        "interop",
        "DELETE",
        "/integrations/{id}/versions/{version}",
        "integrations.versions",
        "delete",
        "none",
        raw=True,
    ),
    "updateIntegrationBlueprint": Operation(
        "updateIntegrationBlueprint",
        "interop",
        "PUT",
        "/integrations/{id}/versions/{version}/blueprint",
        "integrations.versions",
        "update_blueprint",
        "custom",
        raw=True,
    ),
    "listInteropTenants": Operation(
        "listInteropTenants", "interop", "GET", "/tenants", "tenants", "list", "custom"
    ),
    "findInteropTenant": Operation(
        "findInteropTenant", "interop", "GET", "/tenants/{id}", "tenants", "get", "one", raw=True
    ),
    "findCurrentTenant": Operation(
        "findCurrentTenant", "interop", "GET", "/tenant", "tenants", "current", "one", raw=True
    ),
    "findTenantState": Operation(
        "findTenantState", "interop", "GET", "/tenant/state", "tenant_state", "get", "one", raw=True
    ),
    "listScopingSchools": Operation(
        "listScopingSchools",
        "interop",
        "GET",
        "/tenant/scoping/schools",
        "scoping.schools",
        "list",
        "list",
    ),
    "createScopingSchools": Operation(
        "createScopingSchools",
        "interop",
        "POST",
        "/tenant/scoping/schools",
        "scoping.schools",
        "create",
        "one",
        raw=True,
    ),
    "deleteScopingSchools": Operation(
        "deleteScopingSchools",
        "interop",
        "DELETE",
        "/tenant/scoping/schools",
        "scoping.schools",
        "delete_all",
        "none",
        raw=True,
    ),
    "findScopingSchool": Operation(
        "findScopingSchool",
        "interop",
        "GET",
        "/tenant/scoping/schools/{id}",
        "scoping.schools",
        "get",
        "one",
        raw=True,
    ),
    "updateScopingSchool": Operation(
        "updateScopingSchool",
        "interop",
        "PUT",
        "/tenant/scoping/schools/{id}",
        "scoping.schools",
        "update",
        "one",
        raw=True,
    ),
    "deleteScopingSchool": Operation(
        "deleteScopingSchool",
        "interop",
        "DELETE",
        "/tenant/scoping/schools/{id}",
        "scoping.schools",
        "delete",
        "none",
        raw=True,
    ),
    "listScopingCourses": Operation(
        "listScopingCourses",
        "interop",
        "GET",
        "/tenant/scoping/courses",
        "scoping.courses",
        "list",
        "list",
    ),
    "createScopingCourses": Operation(
        "createScopingCourses",
        "interop",
        "POST",
        "/tenant/scoping/courses",
        "scoping.courses",
        "create",
        "one",
        raw=True,
    ),
    "deleteScopingCourses": Operation(
        "deleteScopingCourses",
        "interop",
        "DELETE",
        "/tenant/scoping/courses",
        "scoping.courses",
        "delete_all",
        "none",
        raw=True,
    ),
    "findScopingCourse": Operation(
        "findScopingCourse",
        "interop",
        "GET",
        "/tenant/scoping/courses/{id}",
        "scoping.courses",
        "get",
        "one",
        raw=True,
    ),
    "updateScopingCourse": Operation(
        "updateScopingCourse",
        "interop",
        "PUT",
        "/tenant/scoping/courses/{id}",
        "scoping.courses",
        "update",
        "one",
        raw=True,
    ),
    "deleteScopingCourse": Operation(
        "deleteScopingCourse",
        "interop",
        "DELETE",
        "/tenant/scoping/courses/{id}",
        "scoping.courses",
        "delete",
        "none",
        raw=True,
    ),
    "findTenantApplication": Operation(
        "findTenantApplication",
        "interop",
        "GET",
        "/tenant/application",
        "tenant_application",
        "get",
        "one",
        raw=True,
    ),
    "updateTenantApplication": Operation(
        "updateTenantApplication",
        "interop",
        "PATCH",
        "/tenant/application",
        "tenant_application",
        "update",
        "none",
        raw=True,
    ),
    "listRollovers": Operation(
        "listRollovers", "interop", "GET", "/tenant/rollovers", "rollovers", "list", "list"
    ),
    "createRollover": Operation(
        "createRollover",
        "interop",
        "POST",
        "/tenant/rollovers",
        "rollovers",
        "create",
        "one",
        raw=True,
    ),
    "countRollovers": Operation(
        "countRollovers",
        "interop",
        "GET",
        "/tenant/rollovers/count",
        "rollovers",
        "count",
        "count",
        raw=True,
    ),
    "findRollover": Operation(
        "findRollover",
        "interop",
        "GET",
        "/tenant/rollovers/{id}",
        "rollovers",
        "get",
        "one",
        raw=True,
    ),
    "updateRollover": Operation(
        "updateRollover",
        "interop",
        "PUT",
        "/tenant/rollovers/{id}",
        "rollovers",
        "update",
        "one",
        raw=True,
    ),
    "deleteRollover": Operation(
        "deleteRollover",
        "interop",
        "DELETE",
        "/tenant/rollovers/{id}",
        "rollovers",
        "delete",
        "none",
        raw=True,
    ),
    "listSchedules": Operation(
        "listSchedules", "interop", "GET", "/tenant/schedules", "schedules", "list", "list"
    ),
    "createSchedule": Operation(
        "createSchedule",
        "interop",
        "POST",
        "/tenant/schedules",
        "schedules",
        "create",
        "one",
        raw=True,
    ),
    "countSchedules": Operation(
        "countSchedules",
        "interop",
        "GET",
        "/tenant/schedules/count",
        "schedules",
        "count",
        "count",
        raw=True,
    ),
    "findSchedule": Operation(
        "findSchedule",
        "interop",
        "GET",
        "/tenant/schedules/{id}",
        "schedules",
        "get",
        "one",
        raw=True,
    ),
    "updateSchedule": Operation(
        "updateSchedule",
        "interop",
        "PATCH",
        "/tenant/schedules/{id}",
        "schedules",
        "update",
        "none",
        raw=True,
    ),
    "deleteSchedule": Operation(
        "deleteSchedule",
        "interop",
        "DELETE",
        "/tenant/schedules/{id}",
        "schedules",
        "delete",
        "none",
        raw=True,
    ),
    "runSchedule": Operation(
        "runSchedule",
        "interop",
        "POST",
        "/tenant/schedules/{id}/run",
        "schedules",
        "run",
        "none",
        raw=True,
    ),
    "listIngestions": Operation(
        "listIngestions", "interop", "GET", "/ingestions", "ingestions", "list", "list"
    ),
    "countIngestions": Operation(
        "countIngestions",
        "interop",
        "GET",
        "/ingestions/count",
        "ingestions",
        "count",
        "count",
        raw=True,
    ),
    "findIngestion": Operation(
        "findIngestion", "interop", "GET", "/ingestions/{id}", "ingestions", "get", "one", raw=True
    ),
}
