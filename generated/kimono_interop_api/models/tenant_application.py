from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.tenant_application_auth_state import TenantApplicationAuthState
from ..models.tenant_application_auth_type import TenantApplicationAuthType
from ..types import (
    LAZY,
    UNSET,
    Unset,
    lazy_fields,
    parse_enum,
    parse_id,
    secrets_hidden,
)

T = TypeVar("T", bound="TenantApplication")


@_attrs_define
class TenantApplication:
    """The tenant application's authentication parameters and configuration options."""

    account_id: str | Unset = UNSET
    """ Account of the tenant. """
    tenant_id: str | Unset = UNSET
    """ The tenant. """
    deliver_tasks: bool | Unset = UNSET
    """ Kimono delivers Tasks to the application. """
    validate_tasks: bool | Unset = UNSET
    """ Kimono validates Tasks before delivering them. """
    auth_type: TenantApplicationAuthType | Unset = UNSET
    """ Kind of authentication the tenant's application uses (defined in the Integration Blueprint). """
    auth_state: TenantApplicationAuthState | Unset = UNSET
    """ State of the application's authentication setup. The pending state is `updating` while a
    setup runs and can be set to `confirmed` or `error` by the driver.
     """
    options: StringMap | Unset = UNSET
    """ Named string values. """
    auth_props: StringMap | Unset = UNSET
    """ Named string values. """
    auth_session_id_pending: str | Unset = UNSET
    """ Authentication session waiting to complete. """
    auth_message: str | Unset = UNSET
    """ Message about the authentication, shown in Kimono. """
    auth_props_pending: StringMap | Unset = UNSET
    """ Named string values. """
    auth_state_pending: TenantApplicationAuthState | Unset = UNSET
    """ State of the application's authentication setup. The pending state is `updating` while a
    setup runs and can be set to `confirmed` or `error` by the driver.
     """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        account_id: str | Unset = UNSET
        if not isinstance(self.account_id, Unset):
            account_id = str(self.account_id)

        tenant_id: str | Unset = UNSET
        if not isinstance(self.tenant_id, Unset):
            tenant_id = str(self.tenant_id)

        deliver_tasks = self.deliver_tasks

        validate_tasks = self.validate_tasks

        auth_type: str | Unset = UNSET
        if not isinstance(self.auth_type, Unset):
            auth_type = self.auth_type.value

        auth_state: str | Unset = UNSET
        if not isinstance(self.auth_state, Unset):
            auth_state = self.auth_state.value

        options: dict[str, Any] | Unset = UNSET
        if not isinstance(self.options, Unset):
            options = self.options.to_dict()

        auth_props: dict[str, Any] | Unset = UNSET
        if not isinstance(self.auth_props, Unset):
            auth_props = self.auth_props.to_dict()

        auth_session_id_pending: str | Unset = UNSET
        if not isinstance(self.auth_session_id_pending, Unset):
            auth_session_id_pending = str(self.auth_session_id_pending)

        auth_message = self.auth_message

        auth_props_pending: dict[str, Any] | Unset = UNSET
        if not isinstance(self.auth_props_pending, Unset):
            auth_props_pending = self.auth_props_pending.to_dict()

        auth_state_pending: str | Unset = UNSET
        if not isinstance(self.auth_state_pending, Unset):
            auth_state_pending = self.auth_state_pending.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if account_id is not UNSET:
            field_dict["account_id"] = account_id
        if tenant_id is not UNSET:
            field_dict["tenant_id"] = tenant_id
        if deliver_tasks is not UNSET:
            field_dict["deliver_tasks"] = deliver_tasks
        if validate_tasks is not UNSET:
            field_dict["validate_tasks"] = validate_tasks
        if auth_type is not UNSET:
            field_dict["auth_type"] = auth_type
        if auth_state is not UNSET:
            field_dict["auth_state"] = auth_state
        if options is not UNSET:
            field_dict["options"] = options
        if auth_props is not UNSET:
            field_dict["auth_props"] = auth_props
        if auth_session_id_pending is not UNSET:
            field_dict["auth_session_id_pending"] = auth_session_id_pending
        if auth_message is not UNSET:
            field_dict["auth_message"] = auth_message
        if auth_props_pending is not UNSET:
            field_dict["auth_props_pending"] = auth_props_pending
        if auth_state_pending is not UNSET:
            field_dict["auth_state_pending"] = auth_state_pending

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _account_id = d.pop("account_id", UNSET)
        account_id: str | Unset
        if _account_id is UNSET:
            account_id = UNSET
        else:
            account_id = parse_id(_account_id)

        _tenant_id = d.pop("tenant_id", UNSET)
        tenant_id: str | Unset
        if _tenant_id is UNSET:
            tenant_id = UNSET
        else:
            tenant_id = parse_id(_tenant_id)

        deliver_tasks = d.pop("deliver_tasks", UNSET)

        validate_tasks = d.pop("validate_tasks", UNSET)

        _auth_type = d.pop("auth_type", UNSET)
        auth_type: TenantApplicationAuthType | Unset
        if _auth_type is UNSET:
            auth_type = UNSET
        else:
            auth_type = parse_enum(TenantApplicationAuthType, _auth_type)

        _auth_state = d.pop("auth_state", UNSET)
        auth_state: TenantApplicationAuthState | Unset
        if _auth_state is UNSET:
            auth_state = UNSET
        else:
            auth_state = parse_enum(TenantApplicationAuthState, _auth_state)

        _options = d.pop("options", UNSET)
        options: Any
        if _options is UNSET:
            options = UNSET
        else:
            options = (LAZY, _options)

        _auth_props = d.pop("auth_props", UNSET)
        auth_props: Any
        if _auth_props is UNSET:
            auth_props = UNSET
        else:
            auth_props = (LAZY, _auth_props)

        _auth_session_id_pending = d.pop("auth_session_id_pending", UNSET)
        auth_session_id_pending: str | Unset
        if _auth_session_id_pending is UNSET:
            auth_session_id_pending = UNSET
        else:
            auth_session_id_pending = parse_id(_auth_session_id_pending)

        auth_message = d.pop("auth_message", UNSET)

        _auth_props_pending = d.pop("auth_props_pending", UNSET)
        auth_props_pending: Any
        if _auth_props_pending is UNSET:
            auth_props_pending = UNSET
        else:
            auth_props_pending = (LAZY, _auth_props_pending)

        _auth_state_pending = d.pop("auth_state_pending", UNSET)
        auth_state_pending: TenantApplicationAuthState | Unset
        if _auth_state_pending is UNSET:
            auth_state_pending = UNSET
        else:
            auth_state_pending = parse_enum(
                TenantApplicationAuthState, _auth_state_pending
            )

        tenant_application = cls(
            account_id,
            tenant_id,
            deliver_tasks,
            validate_tasks,
            auth_type,
            auth_state,
            options,
            auth_props,
            auth_session_id_pending,
            auth_message,
            auth_props_pending,
            auth_state_pending,
        )

        tenant_application.additional_properties = d
        return tenant_application

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


from ..models.string_map import StringMap  # noqa: E402

lazy_fields(
    TenantApplication,
    options=StringMap.from_dict,
    auth_props=StringMap.from_dict,
    auth_props_pending=StringMap.from_dict,
)
