from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    LAZY,
    UNSET,
    Unset,
    lazy_fields,
    parse_each,
    secrets_hidden,
)

T = TypeVar("T", bound="Person")


@_attrs_define
class Person:
    """A person -- a student or a teacher. `$sys` is required: every source requires it on Person
    (kimono-api-java 2.0.0 and 2.0.3 interop-data/docs/Person.md, the 2019 Swagger file), and a
    Person without it cannot be told apart from any other.

    """

    sys: PersonSysType
    """ System metadata of a Person. """
    ext: ExtensionData | Unset = UNSET
    """ Extension attributes (`$ext`) a repository attached to an object, by name. """
    local_id: str | Unset = UNSET
    """ Identifier of the Person in the source system (student or staff number). """
    state_id: str | Unset = UNSET
    """ State-assigned identifier. """
    name: NameType | Unset = UNSET
    """ A person's name. """
    address: AddressType | Unset = UNSET
    """ A postal address. """
    phone: str | Unset = UNSET
    """ Phone number. """
    email: str | Unset = UNSET
    """ Email address, as the source system has it (not validated). """
    sex: str | Unset = UNSET
    """ Sex, as the source system codes it. """
    dob: datetime.date | Unset = UNSET
    """ Date of birth. """
    aup: bool | Unset = UNSET
    """ Whether the person accepted the acceptable use policy. """
    grad_year: str | Unset = UNSET
    """ Expected graduation year. """
    schools: list[OrgMembershipRefType] | Unset = UNSET
    """ Schools the person is a member of, with the membership. """
    sections: list[MembershipRefType] | Unset = UNSET
    """ Sections the person is enrolled in or teaches, with the membership. kimono-api-java 2.0.3
    keeps these references flat (MembershipRefType) while nesting every other one.
     """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        sys = self.sys.to_dict()

        ext: dict[str, Any] | Unset = UNSET
        if not isinstance(self.ext, Unset):
            ext = self.ext.to_dict()

        local_id = self.local_id

        state_id = self.state_id

        name: dict[str, Any] | Unset = UNSET
        if not isinstance(self.name, Unset):
            name = self.name.to_dict()

        address: dict[str, Any] | Unset = UNSET
        if not isinstance(self.address, Unset):
            address = self.address.to_dict()

        phone = self.phone

        email = self.email

        sex = self.sex

        dob: str | Unset = UNSET
        if not isinstance(self.dob, Unset):
            dob = self.dob.isoformat()

        aup = self.aup

        grad_year = self.grad_year

        schools: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.schools, Unset):
            schools = []
            for schools_item_data in self.schools:
                schools_item = schools_item_data.to_dict()
                schools.append(schools_item)

        sections: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.sections, Unset):
            sections = []
            for sections_item_data in self.sections:
                sections_item = sections_item_data.to_dict()
                sections.append(sections_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "$sys": sys,
            }
        )
        if ext is not UNSET:
            field_dict["$ext"] = ext
        if local_id is not UNSET:
            field_dict["local_id"] = local_id
        if state_id is not UNSET:
            field_dict["state_id"] = state_id
        if name is not UNSET:
            field_dict["name"] = name
        if address is not UNSET:
            field_dict["address"] = address
        if phone is not UNSET:
            field_dict["phone"] = phone
        if email is not UNSET:
            field_dict["email"] = email
        if sex is not UNSET:
            field_dict["sex"] = sex
        if dob is not UNSET:
            field_dict["dob"] = dob
        if aup is not UNSET:
            field_dict["aup"] = aup
        if grad_year is not UNSET:
            field_dict["grad_year"] = grad_year
        if schools is not UNSET:
            field_dict["$schools"] = schools
        if sections is not UNSET:
            field_dict["$sections"] = sections

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        sys: Any = (LAZY, d.pop("$sys"))

        _ext = d.pop("$ext", UNSET)
        ext: Any
        if _ext is UNSET:
            ext = UNSET
        else:
            ext = (LAZY, _ext)

        local_id = d.pop("local_id", UNSET)

        state_id = d.pop("state_id", UNSET)

        _name = d.pop("name", UNSET)
        name: Any
        if _name is UNSET:
            name = UNSET
        else:
            name = (LAZY, _name)

        _address = d.pop("address", UNSET)
        address: Any
        if _address is UNSET:
            address = UNSET
        else:
            address = (LAZY, _address)

        phone = d.pop("phone", UNSET)

        email = d.pop("email", UNSET)

        sex = d.pop("sex", UNSET)

        _dob = d.pop("dob", UNSET)
        dob: datetime.date | Unset
        if _dob is UNSET:
            dob = UNSET
        else:
            dob = datetime.date.fromisoformat(_dob)

        aup = d.pop("aup", UNSET)

        grad_year = d.pop("grad_year", UNSET)

        _schools = d.pop("$schools", UNSET)
        schools: Any = UNSET
        if _schools is not UNSET:
            schools = (LAZY, _schools)

        _sections = d.pop("$sections", UNSET)
        sections: Any = UNSET
        if _sections is not UNSET:
            sections = (LAZY, _sections)

        person = cls(
            sys,
            ext,
            local_id,
            state_id,
            name,
            address,
            phone,
            email,
            sex,
            dob,
            aup,
            grad_year,
            schools,
            sections,
        )

        person.additional_properties = d
        return person

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


from ..models.address_type import AddressType  # noqa: E402
from ..models.extension_data import ExtensionData  # noqa: E402
from ..models.membership_ref_type import MembershipRefType  # noqa: E402
from ..models.name_type import NameType  # noqa: E402
from ..models.org_membership_ref_type import OrgMembershipRefType  # noqa: E402
from ..models.person_sys_type import PersonSysType  # noqa: E402

lazy_fields(
    Person,
    sys=PersonSysType.from_dict,
    ext=ExtensionData.from_dict,
    name=NameType.from_dict,
    address=AddressType.from_dict,
    schools=parse_each(OrgMembershipRefType.from_dict),
    sections=parse_each(MembershipRefType.from_dict),
)
