from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    LAZY,
    UNSET,
    Unset,
    lazy_fields,
    secrets_hidden,
)

T = TypeVar("T", bound="GradingCategory")


@_attrs_define
class GradingCategory:
    """A grading category (assignment category with its weight) of a section and term. `$sys` is
    optional (kimono-api-java 2.0.0 and 2.0.3 interop-data/docs/GradingCategory.md).

    """

    sys: SysType | Unset = UNSET
    """ System metadata (`$sys`) Kimono keeps for every rostering object. """
    ext: ExtensionData | Unset = UNSET
    """ Extension attributes (`$ext`) a repository attached to an object, by name. """
    name: str | Unset = UNSET
    """ Name of the category. """
    term: TermRefType | Unset = UNSET
    """ A reference to a Term, nested (`$sys`) or flat. See RefType. """
    section: RefType | Unset = UNSET
    """ A reference to another object: `{"$sys": {id, type, label}}` (nested, since 2020), or the
    same fields flat (the 2019 form). See RefSys. A reference may also carry attributes of the
    referenced object beside `$sys` (Wayside-Publishing/kimono-php commits fa75801 and 294f631
    made Section `$course`, `$org` and `$terms` full objects after live traffic); they are kept.
     """
    schools: list[OrgMembershipRefType] | OrgMembershipRefType | Unset = UNSET
    """ The school(s) the category belongs to. The vendor's model docs give a single reference
    under this plural name; both a single reference and a list are accepted.
     """
    school: None | OrgRefType | Unset = UNSET
    """ The school the category belongs to, under the singular name the vendor's Grades
    blueprint uses (kimonocloud/api-examples integrations/grades/blueprint.xml, topic
    GradingCategory: `name`, `$section`, `$term`, `$school`; data/simple/in.xml maps
    `$school.$sys.source_id`). kimono-api-java 2.0.3 names the same reference `$schools`.
     """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        sys: dict[str, Any] | Unset = UNSET
        if not isinstance(self.sys, Unset):
            sys = self.sys.to_dict()

        ext: dict[str, Any] | Unset = UNSET
        if not isinstance(self.ext, Unset):
            ext = self.ext.to_dict()

        name = self.name

        term: dict[str, Any] | Unset = UNSET
        if not isinstance(self.term, Unset):
            term = self.term.to_dict()

        section: dict[str, Any] | Unset = UNSET
        if not isinstance(self.section, Unset):
            section = self.section.to_dict()

        schools: dict[str, Any] | list[dict[str, Any]] | Unset
        if isinstance(self.schools, Unset):
            schools = UNSET
        elif isinstance(self.schools, OrgMembershipRefType):
            schools = self.schools.to_dict()
        else:
            schools = []
            for schools_type_1_item_data in self.schools:
                schools_type_1_item = schools_type_1_item_data.to_dict()
                schools.append(schools_type_1_item)

        school: dict[str, Any] | None | Unset
        if isinstance(self.school, Unset):
            school = UNSET
        elif isinstance(self.school, OrgRefType):
            school = self.school.to_dict()
        else:
            school = self.school

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if sys is not UNSET:
            field_dict["$sys"] = sys
        if ext is not UNSET:
            field_dict["$ext"] = ext
        if name is not UNSET:
            field_dict["name"] = name
        if term is not UNSET:
            field_dict["$term"] = term
        if section is not UNSET:
            field_dict["$section"] = section
        if schools is not UNSET:
            field_dict["$schools"] = schools
        if school is not UNSET:
            field_dict["$school"] = school

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

        _ext = d.pop("$ext", UNSET)
        ext: Any
        if _ext is UNSET:
            ext = UNSET
        else:
            ext = (LAZY, _ext)

        name = d.pop("name", UNSET)

        _term = d.pop("$term", UNSET)
        term: Any
        if _term is UNSET:
            term = UNSET
        else:
            term = (LAZY, _term)

        _section = d.pop("$section", UNSET)
        section: Any
        if _section is UNSET:
            section = UNSET
        else:
            section = (LAZY, _section)

        def _parse_schools(
            data: object,
        ) -> list[OrgMembershipRefType] | OrgMembershipRefType | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                schools_type_0 = OrgMembershipRefType.from_dict(data)

                return schools_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, list):
                raise TypeError()
            schools_type_1 = []
            _schools_type_1 = data
            for schools_type_1_item_data in _schools_type_1:
                schools_type_1_item = OrgMembershipRefType.from_dict(
                    schools_type_1_item_data
                )

                schools_type_1.append(schools_type_1_item)

            return schools_type_1

        schools = _parse_schools(d.pop("$schools", UNSET))

        def _parse_school(data: object) -> None | OrgRefType | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                school_type_0 = OrgRefType.from_dict(data)

                return school_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OrgRefType | Unset, data)

        school = _parse_school(d.pop("$school", UNSET))

        grading_category = cls(
            sys,
            ext,
            name,
            term,
            section,
            schools,
            school,
        )

        grading_category.additional_properties = d
        return grading_category

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


from ..models.extension_data import ExtensionData  # noqa: E402
from ..models.org_membership_ref_type import OrgMembershipRefType  # noqa: E402
from ..models.org_ref_type import OrgRefType  # noqa: E402
from ..models.ref_type import RefType  # noqa: E402
from ..models.sys_type import SysType  # noqa: E402
from ..models.term_ref_type import TermRefType  # noqa: E402

lazy_fields(
    GradingCategory,
    sys=SysType.from_dict,
    ext=ExtensionData.from_dict,
    term=TermRefType.from_dict,
    section=RefType.from_dict,
)
