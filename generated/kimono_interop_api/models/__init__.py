"""Contains all the data models used in inputs/outputs"""

# A model's module is imported when the model is first used (PEP 562), so importing the
# package costs little and a program loads only the models it touches.
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .account_ref_type import AccountRefType
    from .actor import Actor
    from .actor_kind import ActorKind
    from .actors_response import ActorsResponse
    from .app_auth import AppAuth
    from .app_auth_scheme import AppAuthScheme
    from .audit_metadata import AuditMetadata
    from .auth_kind import AuthKind
    from .auth_type import AuthType
    from .base_account_resource_type import BaseAccountResourceType
    from .base_resource_type import BaseResourceType
    from .base_tenant_resource_type import BaseTenantResourceType
    from .cloud import Cloud
    from .cloud_env_ref_type import CloudEnvRefType
    from .cloud_ref_type import CloudRefType
    from .cloud_response import CloudResponse
    from .clouds_response import CloudsResponse
    from .error_type import ErrorType
    from .ingestion import Ingestion
    from .ingestion_metadata import IngestionMetadata
    from .ingestion_response import IngestionResponse
    from .ingestion_state import IngestionState
    from .ingestion_type import IngestionType
    from .ingestions_response import IngestionsResponse
    from .integration import Integration
    from .integration_ref_type import IntegrationRefType
    from .integration_response import IntegrationResponse
    from .integration_status_type import IntegrationStatusType
    from .integration_version import IntegrationVersion
    from .integration_version_response import IntegrationVersionResponse
    from .integration_versions_response import IntegrationVersionsResponse
    from .integrations_response import IntegrationsResponse
    from .mass_change_detail import MassChangeDetail
    from .paging import Paging
    from .release_state import ReleaseState
    from .rollover import Rollover
    from .rollover_failure_reason import RolloverFailureReason
    from .rollover_request import RolloverRequest
    from .rollover_response import RolloverResponse
    from .rollover_status import RolloverStatus
    from .rollover_type import RolloverType
    from .rollovers_response import RolloversResponse
    from .schedule import Schedule
    from .schedule_create import ScheduleCreate
    from .schedule_response import ScheduleResponse
    from .schedule_run_request import ScheduleRunRequest
    from .schedule_type import ScheduleType
    from .schedule_update import ScheduleUpdate
    from .schedules_response import SchedulesResponse
    from .scoping_course import ScopingCourse
    from .scoping_course_response import ScopingCourseResponse
    from .scoping_courses_bulk_request import ScopingCoursesBulkRequest
    from .scoping_courses_response import ScopingCoursesResponse
    from .scoping_school import ScopingSchool
    from .scoping_school_response import ScopingSchoolResponse
    from .scoping_schools_bulk_request import ScopingSchoolsBulkRequest
    from .scoping_schools_response import ScopingSchoolsResponse
    from .string_map import StringMap
    from .tenant_application import TenantApplication
    from .tenant_application_auth_state import TenantApplicationAuthState
    from .tenant_application_auth_type import TenantApplicationAuthType
    from .tenant_application_response import TenantApplicationResponse
    from .tenant_application_update import TenantApplicationUpdate
    from .tenant_info import TenantInfo
    from .tenant_info_response import TenantInfoResponse
    from .tenant_infos_response import TenantInfosResponse
    from .tenant_license import TenantLicense
    from .tenant_state import TenantState
    from .tenant_state_response import TenantStateResponse

__all__ = (
    "AccountRefType",
    "Actor",
    "ActorKind",
    "ActorsResponse",
    "AppAuth",
    "AppAuthScheme",
    "AuditMetadata",
    "AuthKind",
    "AuthType",
    "BaseAccountResourceType",
    "BaseResourceType",
    "BaseTenantResourceType",
    "Cloud",
    "CloudEnvRefType",
    "CloudRefType",
    "CloudResponse",
    "CloudsResponse",
    "ErrorType",
    "Ingestion",
    "IngestionMetadata",
    "IngestionResponse",
    "IngestionsResponse",
    "IngestionState",
    "IngestionType",
    "Integration",
    "IntegrationRefType",
    "IntegrationResponse",
    "IntegrationsResponse",
    "IntegrationStatusType",
    "IntegrationVersion",
    "IntegrationVersionResponse",
    "IntegrationVersionsResponse",
    "MassChangeDetail",
    "Paging",
    "ReleaseState",
    "Rollover",
    "RolloverFailureReason",
    "RolloverRequest",
    "RolloverResponse",
    "RolloversResponse",
    "RolloverStatus",
    "RolloverType",
    "Schedule",
    "ScheduleCreate",
    "ScheduleResponse",
    "ScheduleRunRequest",
    "SchedulesResponse",
    "ScheduleType",
    "ScheduleUpdate",
    "ScopingCourse",
    "ScopingCourseResponse",
    "ScopingCoursesBulkRequest",
    "ScopingCoursesResponse",
    "ScopingSchool",
    "ScopingSchoolResponse",
    "ScopingSchoolsBulkRequest",
    "ScopingSchoolsResponse",
    "StringMap",
    "TenantApplication",
    "TenantApplicationAuthState",
    "TenantApplicationAuthType",
    "TenantApplicationResponse",
    "TenantApplicationUpdate",
    "TenantInfo",
    "TenantInfoResponse",
    "TenantInfosResponse",
    "TenantLicense",
    "TenantState",
    "TenantStateResponse",
)

_MODULES = {
    "AccountRefType": ".account_ref_type",
    "Actor": ".actor",
    "ActorKind": ".actor_kind",
    "ActorsResponse": ".actors_response",
    "AppAuth": ".app_auth",
    "AppAuthScheme": ".app_auth_scheme",
    "AuditMetadata": ".audit_metadata",
    "AuthKind": ".auth_kind",
    "AuthType": ".auth_type",
    "BaseAccountResourceType": ".base_account_resource_type",
    "BaseResourceType": ".base_resource_type",
    "BaseTenantResourceType": ".base_tenant_resource_type",
    "Cloud": ".cloud",
    "CloudEnvRefType": ".cloud_env_ref_type",
    "CloudRefType": ".cloud_ref_type",
    "CloudResponse": ".cloud_response",
    "CloudsResponse": ".clouds_response",
    "ErrorType": ".error_type",
    "Ingestion": ".ingestion",
    "IngestionMetadata": ".ingestion_metadata",
    "IngestionResponse": ".ingestion_response",
    "IngestionState": ".ingestion_state",
    "IngestionType": ".ingestion_type",
    "IngestionsResponse": ".ingestions_response",
    "Integration": ".integration",
    "IntegrationRefType": ".integration_ref_type",
    "IntegrationResponse": ".integration_response",
    "IntegrationStatusType": ".integration_status_type",
    "IntegrationVersion": ".integration_version",
    "IntegrationVersionResponse": ".integration_version_response",
    "IntegrationVersionsResponse": ".integration_versions_response",
    "IntegrationsResponse": ".integrations_response",
    "MassChangeDetail": ".mass_change_detail",
    "Paging": ".paging",
    "ReleaseState": ".release_state",
    "Rollover": ".rollover",
    "RolloverFailureReason": ".rollover_failure_reason",
    "RolloverRequest": ".rollover_request",
    "RolloverResponse": ".rollover_response",
    "RolloverStatus": ".rollover_status",
    "RolloverType": ".rollover_type",
    "RolloversResponse": ".rollovers_response",
    "Schedule": ".schedule",
    "ScheduleCreate": ".schedule_create",
    "ScheduleResponse": ".schedule_response",
    "ScheduleRunRequest": ".schedule_run_request",
    "ScheduleType": ".schedule_type",
    "ScheduleUpdate": ".schedule_update",
    "SchedulesResponse": ".schedules_response",
    "ScopingCourse": ".scoping_course",
    "ScopingCourseResponse": ".scoping_course_response",
    "ScopingCoursesBulkRequest": ".scoping_courses_bulk_request",
    "ScopingCoursesResponse": ".scoping_courses_response",
    "ScopingSchool": ".scoping_school",
    "ScopingSchoolResponse": ".scoping_school_response",
    "ScopingSchoolsBulkRequest": ".scoping_schools_bulk_request",
    "ScopingSchoolsResponse": ".scoping_schools_response",
    "StringMap": ".string_map",
    "TenantApplication": ".tenant_application",
    "TenantApplicationAuthState": ".tenant_application_auth_state",
    "TenantApplicationAuthType": ".tenant_application_auth_type",
    "TenantApplicationResponse": ".tenant_application_response",
    "TenantApplicationUpdate": ".tenant_application_update",
    "TenantInfo": ".tenant_info",
    "TenantInfoResponse": ".tenant_info_response",
    "TenantInfosResponse": ".tenant_infos_response",
    "TenantLicense": ".tenant_license",
    "TenantState": ".tenant_state",
    "TenantStateResponse": ".tenant_state_response",
}


def __getattr__(name: str) -> object:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
