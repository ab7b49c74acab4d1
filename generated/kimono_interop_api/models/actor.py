from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.actor_kind import ActorKind
from ..types import (
    LAZY,
    UNSET,
    Unset,
    lazy_fields,
    parse_enum,
    parse_id,
    secrets_hidden,
)

T = TypeVar("T", bound="Actor")


@_attrs_define
class Actor:
    """An actor installed in an Interop Cloud."""

    id: str | Unset = UNSET
    """ Identifier of the resource. """
    created_at: datetime.datetime | Unset = UNSET
    """ When the resource was created. """
    updated_at: datetime.datetime | Unset = UNSET
    """ When the resource was last changed. """
    account_id: str | Unset = UNSET
    """ Account that owns the resource. """
    name: str | Unset = UNSET
    """ Name of the actor. """
    type_: ActorKind | Unset = UNSET
    """ Kind of actor. """
    connector_type: str | Unset = UNSET
    """ For connectors, which connector (the kind of source system). """
    auth: AuthType | Unset = UNSET
    """ Credentials to call the Kimono APIs as an actor or tenant. Secret; never log it. """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        account_id: str | Unset = UNSET
        if not isinstance(self.account_id, Unset):
            account_id = str(self.account_id)

        name = self.name

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value

        connector_type = self.connector_type

        auth: dict[str, Any] | Unset = UNSET
        if not isinstance(self.auth, Unset):
            auth = self.auth.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at
        if account_id is not UNSET:
            field_dict["account_id"] = account_id
        if name is not UNSET:
            field_dict["name"] = name
        if type_ is not UNSET:
            field_dict["type"] = type_
        if connector_type is not UNSET:
            field_dict["connector_type"] = connector_type
        if auth is not UNSET:
            field_dict["auth"] = auth

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

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if _created_at is UNSET:
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(
                _created_at.replace("Z", "+00:00")
            )

        _updated_at = d.pop("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if _updated_at is UNSET:
            updated_at = UNSET
        else:
            updated_at = datetime.datetime.fromisoformat(
                _updated_at.replace("Z", "+00:00")
            )

        _account_id = d.pop("account_id", UNSET)
        account_id: str | Unset
        if _account_id is UNSET:
            account_id = UNSET
        else:
            account_id = parse_id(_account_id)

        name = d.pop("name", UNSET)

        _type_ = d.pop("type", UNSET)
        type_: ActorKind | Unset
        if _type_ is UNSET:
            type_ = UNSET
        else:
            type_ = parse_enum(ActorKind, _type_)

        connector_type = d.pop("connector_type", UNSET)

        _auth = d.pop("auth", UNSET)
        auth: Any
        if _auth is UNSET:
            auth = UNSET
        else:
            auth = (LAZY, _auth)

        actor = cls(
            id,
            created_at,
            updated_at,
            account_id,
            name,
            type_,
            connector_type,
            auth,
        )

        actor.additional_properties = d
        return actor

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


from ..models.auth_type import AuthType  # noqa: E402

lazy_fields(Actor, auth=AuthType.from_dict)
