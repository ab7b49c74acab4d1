from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.membership_status import MembershipStatus
from ..types import (
    LAZY,
    UNSET,
    Unset,
    lazy_fields,
    parse_enum,
    secrets_hidden,
)

T = TypeVar("T", bound="PersonOrgMembership")


@_attrs_define
class PersonOrgMembership:
    """The membership of a person in an org, as a stand-alone object (e.g. in task data)."""

    sys: MembershipSysType | Unset = UNSET
    """ System metadata of a stand-alone membership: the person's and the org's type beside the
    usual fields (kimonocloud/api-examples data/simple/in.xml maps `$sys.person_type` and
    `$sys.org_type` of enrollments; Wayside-Publishing/kimono-php, 2022-11).
     """
    org: OrgRefType | Unset = UNSET
    """ A reference to an Org, nested (`$sys`) or flat. See RefType. """
    person: PersonRefType | Unset = UNSET
    """ A reference to a Person, nested (`$sys`) or flat. See RefType. """
    status: MembershipStatus | Unset = UNSET
    """ State of a membership relative to today (Wayside-Publishing/kimono-php commits 6c32221 and
    f372903, corrected against live traffic in 2022-11).
     """
    grade: str | Unset = UNSET
    """ Grade level of the person within the org. """
    primary: bool | Unset = UNSET
    """ Whether the org is the person's primary org. """
    start_date: datetime.date | Unset = UNSET
    """ First day of the membership. """
    end_date: datetime.date | Unset = UNSET
    """ Last day of the membership. """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        sys: dict[str, Any] | Unset = UNSET
        if not isinstance(self.sys, Unset):
            sys = self.sys.to_dict()

        org: dict[str, Any] | Unset = UNSET
        if not isinstance(self.org, Unset):
            org = self.org.to_dict()

        person: dict[str, Any] | Unset = UNSET
        if not isinstance(self.person, Unset):
            person = self.person.to_dict()

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        grade = self.grade

        primary = self.primary

        start_date: str | Unset = UNSET
        if not isinstance(self.start_date, Unset):
            start_date = self.start_date.isoformat()

        end_date: str | Unset = UNSET
        if not isinstance(self.end_date, Unset):
            end_date = self.end_date.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if sys is not UNSET:
            field_dict["$sys"] = sys
        if org is not UNSET:
            field_dict["$org"] = org
        if person is not UNSET:
            field_dict["$person"] = person
        if status is not UNSET:
            field_dict["status"] = status
        if grade is not UNSET:
            field_dict["grade"] = grade
        if primary is not UNSET:
            field_dict["primary"] = primary
        if start_date is not UNSET:
            field_dict["start_date"] = start_date
        if end_date is not UNSET:
            field_dict["end_date"] = end_date

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _sys = d.pop("$sys", UNSET)
        sys: Any
        if _sys is UNSET:
            sys = UNSET
        else:
            sys = (LAZY, _sys)

        _org = d.pop("$org", UNSET)
        org: Any
        if _org is UNSET:
            org = UNSET
        else:
            org = (LAZY, _org)

        _person = d.pop("$person", UNSET)
        person: Any
        if _person is UNSET:
            person = UNSET
        else:
            person = (LAZY, _person)

        _status = d.pop("status", UNSET)
        status: MembershipStatus | Unset
        if _status is UNSET:
            status = UNSET
        else:
            status = parse_enum(MembershipStatus, _status)

        grade = d.pop("grade", UNSET)

        primary = d.pop("primary", UNSET)

        _start_date = d.pop("start_date", UNSET)
        start_date: datetime.date | Unset
        if _start_date is UNSET:
            start_date = UNSET
        else:
            start_date = datetime.date.fromisoformat(_start_date)

        _end_date = d.pop("end_date", UNSET)
        end_date: datetime.date | Unset
        if _end_date is UNSET:
            end_date = UNSET
        else:
            end_date = datetime.date.fromisoformat(_end_date)

        person_org_membership = cls(
            sys,
            org,
            person,
            status,
            grade,
            primary,
            start_date,
            end_date,
        )

        person_org_membership.additional_properties = d
        return person_org_membership

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


from ..models.membership_sys_type import MembershipSysType  # noqa: E402
from ..models.org_ref_type import OrgRefType  # noqa: E402
from ..models.person_ref_type import PersonRefType  # noqa: E402

lazy_fields(
    PersonOrgMembership,
    sys=MembershipSysType.from_dict,
    org=OrgRefType.from_dict,
    person=PersonRefType.from_dict,
)
