from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.app_auth_scheme import AppAuthScheme
from ..types import UNSET, Unset, parse_enum

T = TypeVar("T", bound="AppAuth")


@_attrs_define
class AppAuth:
    """Credentials the Integration uses to reach the tenant's target system, as configured in
    Kimono. Every member but `scheme`, `client_id` and `username` is secret.

    """

    scheme: AppAuthScheme | Unset = UNSET
    """ Scheme of the credentials the tenant's application uses with the target system. """
    token: str | Unset = _attrs_field(repr=False, default=UNSET)
    """ Access token. Secret. """
    refresh_token: str | Unset = _attrs_field(repr=False, default=UNSET)
    """ Refresh token. Secret. """
    client_id: str | Unset = UNSET
    """ OAuth2 client id. """
    client_secret: str | Unset = _attrs_field(repr=False, default=UNSET)
    """ OAuth2 client secret. Secret. """
    username: str | Unset = UNSET
    """ User name. """
    password: str | Unset = _attrs_field(repr=False, default=UNSET)
    """ Password. Secret. """
    api_key: str | Unset = _attrs_field(repr=False, default=UNSET)
    """ API key. Secret. """
    additional_properties: dict[str, Any] = _attrs_field(
        init=False, factory=dict, repr=False
    )

    def to_dict(self) -> dict[str, Any]:
        scheme: str | Unset = UNSET
        if not isinstance(self.scheme, Unset):
            scheme = self.scheme.value

        token = self.token

        refresh_token = self.refresh_token

        client_id = self.client_id

        client_secret = self.client_secret

        username = self.username

        password = self.password

        api_key = self.api_key

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if scheme is not UNSET:
            field_dict["scheme"] = scheme
        if token is not UNSET:
            field_dict["token"] = token
        if refresh_token is not UNSET:
            field_dict["refresh_token"] = refresh_token
        if client_id is not UNSET:
            field_dict["client_id"] = client_id
        if client_secret is not UNSET:
            field_dict["client_secret"] = client_secret
        if username is not UNSET:
            field_dict["username"] = username
        if password is not UNSET:
            field_dict["password"] = password
        if api_key is not UNSET:
            field_dict["api_key"] = api_key

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _scheme = d.pop("scheme", UNSET)
        scheme: AppAuthScheme | Unset
        if _scheme is UNSET:
            scheme = UNSET
        else:
            scheme = parse_enum(AppAuthScheme, _scheme)

        token = d.pop("token", UNSET)

        refresh_token = d.pop("refresh_token", UNSET)

        client_id = d.pop("client_id", UNSET)

        client_secret = d.pop("client_secret", UNSET)

        username = d.pop("username", UNSET)

        password = d.pop("password", UNSET)

        api_key = d.pop("api_key", UNSET)

        app_auth = cls(
            scheme,
            token,
            refresh_token,
            client_id,
            client_secret,
            username,
            password,
            api_key,
        )

        app_auth.additional_properties = d
        return app_auth

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
