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
    parse_id,
    secrets_hidden,
)

T = TypeVar("T", bound="TenantInfo")


@_attrs_define
class TenantInfo:
    """An Integration tenant you are licensed and authorized to serve, with its credentials."""

    id: str | Unset = UNSET
    """ Identifier of the tenant. """
    name: str | Unset = UNSET
    """ Name of the tenant. """
    actor_id: str | Unset = UNSET
    """ Actor that represents the tenant. """
    account: AccountRefType | None | Unset = UNSET
    """ Account the tenant belongs to. """
    cloud: CloudRefType | None | Unset = UNSET
    """ Interop Cloud the tenant lives in. """
    integration: IntegrationRefType | None | Unset = UNSET
    """ Integration (and version) the tenant runs. """
    license_: TenantLicense | Unset = UNSET
    """ The license under which the tenant runs the Integration. """
    status: IntegrationStatusType | Unset = UNSET
    """ Operational and setup state of an Integration (or SIS) in a tenant. """
    sis_status: IntegrationStatusType | Unset = UNSET
    """ Operational and setup state of an Integration (or SIS) in a tenant. """
    auth: AuthType | Unset = UNSET
    """ Credentials to call the Kimono APIs as an actor or tenant. Secret; never log it. """
    app_auth: AppAuth | Unset = UNSET
    """ Credentials the Integration uses to reach the tenant's target system, as configured in
    Kimono. Every member but `scheme`, `client_id` and `username` is secret.
     """
    lti_developer_id: str | Unset = UNSET
    """ LTI developer key id of the tenant's application. """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=secrets_hidden
    )

    def to_dict(self) -> dict[str, Any]:
        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        name = self.name

        actor_id: str | Unset = UNSET
        if not isinstance(self.actor_id, Unset):
            actor_id = str(self.actor_id)

        account: dict[str, Any] | None | Unset
        if isinstance(self.account, Unset):
            account = UNSET
        elif isinstance(self.account, AccountRefType):
            account = self.account.to_dict()
        else:
            account = self.account

        cloud: dict[str, Any] | None | Unset
        if isinstance(self.cloud, Unset):
            cloud = UNSET
        elif isinstance(self.cloud, CloudRefType):
            cloud = self.cloud.to_dict()
        else:
            cloud = self.cloud

        integration: dict[str, Any] | None | Unset
        if isinstance(self.integration, Unset):
            integration = UNSET
        elif isinstance(self.integration, IntegrationRefType):
            integration = self.integration.to_dict()
        else:
            integration = self.integration

        license_: dict[str, Any] | Unset = UNSET
        if not isinstance(self.license_, Unset):
            license_ = self.license_.to_dict()

        status: dict[str, Any] | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.to_dict()

        sis_status: dict[str, Any] | Unset = UNSET
        if not isinstance(self.sis_status, Unset):
            sis_status = self.sis_status.to_dict()

        auth: dict[str, Any] | Unset = UNSET
        if not isinstance(self.auth, Unset):
            auth = self.auth.to_dict()

        app_auth: dict[str, Any] | Unset = UNSET
        if not isinstance(self.app_auth, Unset):
            app_auth = self.app_auth.to_dict()

        lti_developer_id = self.lti_developer_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if actor_id is not UNSET:
            field_dict["actor_id"] = actor_id
        if account is not UNSET:
            field_dict["account"] = account
        if cloud is not UNSET:
            field_dict["cloud"] = cloud
        if integration is not UNSET:
            field_dict["integration"] = integration
        if license_ is not UNSET:
            field_dict["license"] = license_
        if status is not UNSET:
            field_dict["status"] = status
        if sis_status is not UNSET:
            field_dict["sis_status"] = sis_status
        if auth is not UNSET:
            field_dict["auth"] = auth
        if app_auth is not UNSET:
            field_dict["app_auth"] = app_auth
        if lti_developer_id is not UNSET:
            field_dict["lti_developer_id"] = lti_developer_id

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

        _actor_id = d.pop("actor_id", UNSET)
        actor_id: str | Unset
        if _actor_id is UNSET:
            actor_id = UNSET
        else:
            actor_id = parse_id(_actor_id)

        def _parse_account(data: object) -> AccountRefType | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                account_type_0 = AccountRefType.from_dict(data)

                return account_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AccountRefType | None | Unset, data)

        account = _parse_account(d.pop("account", UNSET))

        def _parse_cloud(data: object) -> CloudRefType | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                cloud_type_0 = CloudRefType.from_dict(data)

                return cloud_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CloudRefType | None | Unset, data)

        cloud = _parse_cloud(d.pop("cloud", UNSET))

        def _parse_integration(data: object) -> IntegrationRefType | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                integration_type_0 = IntegrationRefType.from_dict(data)

                return integration_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(IntegrationRefType | None | Unset, data)

        integration = _parse_integration(d.pop("integration", UNSET))

        _license_ = d.pop("license", UNSET)
        license_: Any
        if _license_ is UNSET:
            license_ = UNSET
        else:
            license_ = (LAZY, _license_)

        _status = d.pop("status", UNSET)
        status: Any
        if _status is UNSET:
            status = UNSET
        else:
            status = (LAZY, _status)

        _sis_status = d.pop("sis_status", UNSET)
        sis_status: Any
        if _sis_status is UNSET:
            sis_status = UNSET
        else:
            sis_status = (LAZY, _sis_status)

        _auth = d.pop("auth", UNSET)
        auth: Any
        if _auth is UNSET:
            auth = UNSET
        else:
            auth = (LAZY, _auth)

        _app_auth = d.pop("app_auth", UNSET)
        app_auth: Any
        if _app_auth is UNSET:
            app_auth = UNSET
        else:
            app_auth = (LAZY, _app_auth)

        lti_developer_id = d.pop("lti_developer_id", UNSET)

        tenant_info = cls(
            id,
            name,
            actor_id,
            account,
            cloud,
            integration,
            license_,
            status,
            sis_status,
            auth,
            app_auth,
            lti_developer_id,
        )

        tenant_info.additional_properties = d
        return tenant_info

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


from ..models.account_ref_type import AccountRefType  # noqa: E402
from ..models.app_auth import AppAuth  # noqa: E402
from ..models.auth_type import AuthType  # noqa: E402
from ..models.cloud_ref_type import CloudRefType  # noqa: E402
from ..models.integration_ref_type import IntegrationRefType  # noqa: E402
from ..models.integration_status_type import IntegrationStatusType  # noqa: E402
from ..models.tenant_license import TenantLicense  # noqa: E402

lazy_fields(
    TenantInfo,
    license_=TenantLicense.from_dict,
    status=IntegrationStatusType.from_dict,
    sis_status=IntegrationStatusType.from_dict,
    auth=AuthType.from_dict,
    app_auth=AppAuth.from_dict,
)
