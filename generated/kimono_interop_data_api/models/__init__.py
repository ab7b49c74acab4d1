"""Contains all the data models used in inputs/outputs"""

# A model's module is imported when the model is first used (PEP 562), so importing the
# package costs little and a program loads only the models it touches.
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .address_type import AddressType
    from .authenticate_event import AuthenticateEvent
    from .authenticate_event_data import AuthenticateEventData
    from .course import Course
    from .course_response import CourseResponse
    from .courses_response import CoursesResponse
    from .data_event import DataEvent
    from .data_event_changes import DataEventChanges
    from .data_event_data import DataEventData
    from .error_type import ErrorType
    from .extension_data import ExtensionData
    from .grades_query import GradesQuery
    from .grades_query_condition import GradesQueryCondition
    from .grades_query_data import GradesQueryData
    from .grades_query_event import GradesQueryEvent
    from .grades_query_scope import GradesQueryScope
    from .grades_query_scope_by import GradesQueryScopeBy
    from .grades_query_type import GradesQueryType
    from .grades_ref import GradesRef
    from .grades_summary_type import GradesSummaryType
    from .grading_categories_response import GradingCategoriesResponse
    from .grading_category import GradingCategory
    from .id_map import IdMap
    from .lifecycle_event import LifecycleEvent
    from .lifecycle_event_data import LifecycleEventData
    from .membership_ref_sys import MembershipRefSys
    from .membership_ref_type import MembershipRefType
    from .membership_status import MembershipStatus
    from .membership_sys_type import MembershipSysType
    from .membership_type import MembershipType
    from .name_type import NameType
    from .org import Org
    from .org_membership_ref_sys import OrgMembershipRefSys
    from .org_membership_ref_type import OrgMembershipRefType
    from .org_ref_sys import OrgRefSys
    from .org_ref_type import OrgRefType
    from .org_response import OrgResponse
    from .org_sys_type import OrgSysType
    from .org_type import OrgType
    from .orgs_response import OrgsResponse
    from .paging import Paging
    from .person import Person
    from .person_membership_ref_sys import PersonMembershipRefSys
    from .person_membership_ref_type import PersonMembershipRefType
    from .person_org_membership import PersonOrgMembership
    from .person_ref_sys import PersonRefSys
    from .person_ref_type import PersonRefType
    from .person_response import PersonResponse
    from .person_section_membership import PersonSectionMembership
    from .person_sys_type import PersonSysType
    from .person_type import PersonType
    from .persons_response import PersonsResponse
    from .ref_sys import RefSys
    from .ref_type import RefType
    from .section import Section
    from .section_response import SectionResponse
    from .sections_response import SectionsResponse
    from .sync_event import SyncEvent
    from .sync_origin import SyncOrigin
    from .sys_type import SysType
    from .task import Task
    from .task_ack import TaskAck
    from .task_ack_params import TaskAckParams
    from .task_ack_status import TaskAckStatus
    from .task_ack_sys import TaskAckSys
    from .task_action import TaskAction
    from .task_changes import TaskChanges
    from .task_data import TaskData
    from .task_event import TaskEvent
    from .task_event_type import TaskEventType
    from .task_event_v1 import TaskEventV1
    from .task_event_v1_changes import TaskEventV1Changes
    from .task_event_v1_data import TaskEventV1Data
    from .task_response import TaskResponse
    from .tasks_response import TasksResponse
    from .term import Term
    from .term_ref_sys import TermRefSys
    from .term_ref_type import TermRefType
    from .term_response import TermResponse
    from .term_sys_type import TermSysType
    from .terms_response import TermsResponse

__all__ = (
    "AddressType",
    "AuthenticateEvent",
    "AuthenticateEventData",
    "Course",
    "CourseResponse",
    "CoursesResponse",
    "DataEvent",
    "DataEventChanges",
    "DataEventData",
    "ErrorType",
    "ExtensionData",
    "GradesQuery",
    "GradesQueryCondition",
    "GradesQueryData",
    "GradesQueryEvent",
    "GradesQueryScope",
    "GradesQueryScopeBy",
    "GradesQueryType",
    "GradesRef",
    "GradesSummaryType",
    "GradingCategoriesResponse",
    "GradingCategory",
    "IdMap",
    "LifecycleEvent",
    "LifecycleEventData",
    "MembershipRefSys",
    "MembershipRefType",
    "MembershipStatus",
    "MembershipSysType",
    "MembershipType",
    "NameType",
    "Org",
    "OrgMembershipRefSys",
    "OrgMembershipRefType",
    "OrgRefSys",
    "OrgRefType",
    "OrgResponse",
    "OrgsResponse",
    "OrgSysType",
    "OrgType",
    "Paging",
    "Person",
    "PersonMembershipRefSys",
    "PersonMembershipRefType",
    "PersonOrgMembership",
    "PersonRefSys",
    "PersonRefType",
    "PersonResponse",
    "PersonSectionMembership",
    "PersonsResponse",
    "PersonSysType",
    "PersonType",
    "RefSys",
    "RefType",
    "Section",
    "SectionResponse",
    "SectionsResponse",
    "SyncEvent",
    "SyncOrigin",
    "SysType",
    "Task",
    "TaskAck",
    "TaskAckParams",
    "TaskAckStatus",
    "TaskAckSys",
    "TaskAction",
    "TaskChanges",
    "TaskData",
    "TaskEvent",
    "TaskEventType",
    "TaskEventV1",
    "TaskEventV1Changes",
    "TaskEventV1Data",
    "TaskResponse",
    "TasksResponse",
    "Term",
    "TermRefSys",
    "TermRefType",
    "TermResponse",
    "TermsResponse",
    "TermSysType",
)

_MODULES = {
    "AddressType": ".address_type",
    "AuthenticateEvent": ".authenticate_event",
    "AuthenticateEventData": ".authenticate_event_data",
    "Course": ".course",
    "CourseResponse": ".course_response",
    "CoursesResponse": ".courses_response",
    "DataEvent": ".data_event",
    "DataEventChanges": ".data_event_changes",
    "DataEventData": ".data_event_data",
    "ErrorType": ".error_type",
    "ExtensionData": ".extension_data",
    "GradesQuery": ".grades_query",
    "GradesQueryCondition": ".grades_query_condition",
    "GradesQueryData": ".grades_query_data",
    "GradesQueryEvent": ".grades_query_event",
    "GradesQueryScope": ".grades_query_scope",
    "GradesQueryScopeBy": ".grades_query_scope_by",
    "GradesQueryType": ".grades_query_type",
    "GradesRef": ".grades_ref",
    "GradesSummaryType": ".grades_summary_type",
    "GradingCategoriesResponse": ".grading_categories_response",
    "GradingCategory": ".grading_category",
    "IdMap": ".id_map",
    "LifecycleEvent": ".lifecycle_event",
    "LifecycleEventData": ".lifecycle_event_data",
    "MembershipRefSys": ".membership_ref_sys",
    "MembershipRefType": ".membership_ref_type",
    "MembershipStatus": ".membership_status",
    "MembershipSysType": ".membership_sys_type",
    "MembershipType": ".membership_type",
    "NameType": ".name_type",
    "Org": ".org",
    "OrgMembershipRefSys": ".org_membership_ref_sys",
    "OrgMembershipRefType": ".org_membership_ref_type",
    "OrgRefSys": ".org_ref_sys",
    "OrgRefType": ".org_ref_type",
    "OrgResponse": ".org_response",
    "OrgSysType": ".org_sys_type",
    "OrgType": ".org_type",
    "OrgsResponse": ".orgs_response",
    "Paging": ".paging",
    "Person": ".person",
    "PersonMembershipRefSys": ".person_membership_ref_sys",
    "PersonMembershipRefType": ".person_membership_ref_type",
    "PersonOrgMembership": ".person_org_membership",
    "PersonRefSys": ".person_ref_sys",
    "PersonRefType": ".person_ref_type",
    "PersonResponse": ".person_response",
    "PersonSectionMembership": ".person_section_membership",
    "PersonSysType": ".person_sys_type",
    "PersonType": ".person_type",
    "PersonsResponse": ".persons_response",
    "RefSys": ".ref_sys",
    "RefType": ".ref_type",
    "Section": ".section",
    "SectionResponse": ".section_response",
    "SectionsResponse": ".sections_response",
    "SyncEvent": ".sync_event",
    "SyncOrigin": ".sync_origin",
    "SysType": ".sys_type",
    "Task": ".task",
    "TaskAck": ".task_ack",
    "TaskAckParams": ".task_ack_params",
    "TaskAckStatus": ".task_ack_status",
    "TaskAckSys": ".task_ack_sys",
    "TaskAction": ".task_action",
    "TaskChanges": ".task_changes",
    "TaskData": ".task_data",
    "TaskEvent": ".task_event",
    "TaskEventType": ".task_event_type",
    "TaskEventV1": ".task_event_v1",
    "TaskEventV1Changes": ".task_event_v1_changes",
    "TaskEventV1Data": ".task_event_v1_data",
    "TaskResponse": ".task_response",
    "TasksResponse": ".tasks_response",
    "Term": ".term",
    "TermRefSys": ".term_ref_sys",
    "TermRefType": ".term_ref_type",
    "TermResponse": ".term_response",
    "TermSysType": ".term_sys_type",
    "TermsResponse": ".terms_response",
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
