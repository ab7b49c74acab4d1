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

T = TypeVar("T", bound="Term")


@_attrs_define
class Term:
    """A term -- a school year, semester, trimester or marking period. `$sys` is optional
    (kimono-api-java 2.0.0 and 2.0.3 interop-data/docs/Term.md).

    """

    sys: TermSysType | Unset = UNSET
    """ System metadata of a Term. """
    ext: ExtensionData | Unset = UNSET
    """ Extension attributes (`$ext`) a repository attached to an object, by name. """
    name: str | Unset = UNSET
    """ Name of the Term. """
    description: str | Unset = UNSET
    """ Description of the Term. """
    start_date: datetime.date | Unset = UNSET
    """ First day of the Term. """
    end_date: datetime.date | Unset = UNSET
    """ Last day of the Term. """
    status: str | Unset = UNSET
    """ Status of the Term as the source reports it. """
    parent: TermRefType | Unset = UNSET
    """ A reference to a Term, nested (`$sys`) or flat. See RefType. """
    children: list[TermRefType] | Unset = UNSET
    """ Terms nested in this one. """
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

        description = self.description

        start_date: str | Unset = UNSET
        if not isinstance(self.start_date, Unset):
            start_date = self.start_date.isoformat()

        end_date: str | Unset = UNSET
        if not isinstance(self.end_date, Unset):
            end_date = self.end_date.isoformat()

        status = self.status

        parent: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parent, Unset):
            parent = self.parent.to_dict()

        children: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.children, Unset):
            children = []
            for children_item_data in self.children:
                children_item = children_item_data.to_dict()
                children.append(children_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if sys is not UNSET:
            field_dict["$sys"] = sys
        if ext is not UNSET:
            field_dict["$ext"] = ext
        if name is not UNSET:
            field_dict["name"] = name
        if description is not UNSET:
            field_dict["description"] = description
        if start_date is not UNSET:
            field_dict["start_date"] = start_date
        if end_date is not UNSET:
            field_dict["end_date"] = end_date
        if status is not UNSET:
            field_dict["status"] = status
        if parent is not UNSET:
            field_dict["$parent"] = parent
        if children is not UNSET:
            field_dict["$children"] = children

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

        description = d.pop("description", UNSET)

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

        status = d.pop("status", UNSET)

        _parent = d.pop("$parent", UNSET)
        parent: Any
        if _parent is UNSET:
            parent = UNSET
        else:
            parent = (LAZY, _parent)

        _children = d.pop("$children", UNSET)
        children: Any = UNSET
        if _children is not UNSET:
            children = (LAZY, _children)

        term = cls(
            sys,
            ext,
            name,
            description,
            start_date,
            end_date,
            status,
            parent,
            children,
        )

        term.additional_properties = d
        return term

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
from ..models.term_ref_type import TermRefType  # noqa: E402
from ..models.term_sys_type import TermSysType  # noqa: E402

lazy_fields(
    Term,
    sys=TermSysType.from_dict,
    ext=ExtensionData.from_dict,
    parent=TermRefType.from_dict,
    children=parse_each(TermRefType.from_dict),
)
