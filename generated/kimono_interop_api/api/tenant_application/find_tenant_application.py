from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_type import ErrorType
from ...models.tenant_application_response import TenantApplicationResponse
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/tenant/application",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorType | TenantApplicationResponse | None:
    if response.status_code == 200:
        response_200 = TenantApplicationResponse.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorType.from_dict(response.json())

        return response_401

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorType | TenantApplicationResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorType | TenantApplicationResponse]:
    """Find the tenant application

     The endpoint returns tenant application's authentication parameters (defined in the
    integration blueprint), as well as configuration options. The tenant (identified by actor
    authentication credentials) must be an integration. The response should be cached by
    driver implementations in memory.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorType | TenantApplicationResponse]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> ErrorType | TenantApplicationResponse | None:
    """Find the tenant application

     The endpoint returns tenant application's authentication parameters (defined in the
    integration blueprint), as well as configuration options. The tenant (identified by actor
    authentication credentials) must be an integration. The response should be cached by
    driver implementations in memory.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorType | TenantApplicationResponse
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[ErrorType | TenantApplicationResponse]:
    """Find the tenant application

     The endpoint returns tenant application's authentication parameters (defined in the
    integration blueprint), as well as configuration options. The tenant (identified by actor
    authentication credentials) must be an integration. The response should be cached by
    driver implementations in memory.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorType | TenantApplicationResponse]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> ErrorType | TenantApplicationResponse | None:
    """Find the tenant application

     The endpoint returns tenant application's authentication parameters (defined in the
    integration blueprint), as well as configuration options. The tenant (identified by actor
    authentication credentials) must be an integration. The response should be cached by
    driver implementations in memory.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorType | TenantApplicationResponse
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
