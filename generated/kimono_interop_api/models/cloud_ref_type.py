from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    LAZY,
    UNSET,
    Unset,
    lazy_fields,
    parse_id,
    secrets_hidden,
)

T = TypeVar("T", bound="CloudRefType")


@_attrs_define
class CloudRefType:
    """A reference to an Interop Cloud."""

    id: str | Unset = UNSET
    """ Identifier of the cloud. """
    name: str | Unset = UNSET
    """ Name of the cloud. """
    generation: int | Unset = UNSET
    """ Generation of the cloud. """
    env: CloudEnvRefType | Unset = UNSET
    """ A reference to the environment of a cloud. """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        name = self.name

        generation = self.generation

        env: dict[str, Any] | Unset = UNSET
        if not isinstance(self.env, Unset):
            env = self.env.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if generation is not UNSET:
            field_dict["generation"] = generation
        if env is not UNSET:
            field_dict["env"] = env

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _id = d.pop("id", UNSET)
        id: str | Unset
        if _id is UNSET:
            id = UNSET
        else:
            id = parse_id(_id)

        name = d.pop("name", UNSET)

        generation = d.pop("generation", UNSET)

        _env = d.pop("env", UNSET)
        env: Any
        if _env is UNSET:
            env = UNSET
        else:
            env = (LAZY, _env)

        cloud_ref_type = cls(
            id,
            name,
            generation,
            env,
        )

        cloud_ref_type.additional_properties = d
        return cloud_ref_type

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


from ..models.cloud_env_ref_type import CloudEnvRefType  # noqa: E402

lazy_fields(CloudRefType, env=CloudEnvRefType.from_dict)
