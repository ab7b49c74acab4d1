from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_type import ErrorType
from ...models.scoping_school_response import ScopingSchoolResponse
from ...models.scoping_schools_bulk_request import ScopingSchoolsBulkRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: ScopingSchoolsBulkRequest,
    replace: bool | Unset = True,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["replace"] = replace

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/tenant/scoping/schools",
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorType | ScopingSchoolResponse | None:
    if response.status_code == 200:
        response_200 = ScopingSchoolResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorType.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorType.from_dict(response.json())

        return response_401

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorType | ScopingSchoolResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ScopingSchoolsBulkRequest,
    replace: bool | Unset = True,
) -> Response[ErrorType | ScopingSchoolResponse]:
    """Create Scoping Schools

     Create Scoping Schools for this tenant, replacing or appending to the existing ones.

    Args:
        replace (bool | Unset):  Default: True.
        body (ScopingSchoolsBulkRequest): Scoping Schools to create.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorType | ScopingSchoolResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        replace=replace,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: ScopingSchoolsBulkRequest,
    replace: bool | Unset = True,
) -> ErrorType | ScopingSchoolResponse | None:
    """Create Scoping Schools

     Create Scoping Schools for this tenant, replacing or appending to the existing ones.

    Args:
        replace (bool | Unset):  Default: True.
        body (ScopingSchoolsBulkRequest): Scoping Schools to create.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorType | ScopingSchoolResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        replace=replace,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ScopingSchoolsBulkRequest,
    replace: bool | Unset = True,
) -> Response[ErrorType | ScopingSchoolResponse]:
    """Create Scoping Schools

     Create Scoping Schools for this tenant, replacing or appending to the existing ones.

    Args:
        replace (bool | Unset):  Default: True.
        body (ScopingSchoolsBulkRequest): Scoping Schools to create.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorType | ScopingSchoolResponse]
    """

    kwargs = _get_kwargs(
        body=body,
        replace=replace,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ScopingSchoolsBulkRequest,
    replace: bool | Unset = True,
) -> ErrorType | ScopingSchoolResponse | None:
    """Create Scoping Schools

     Create Scoping Schools for this tenant, replacing or appending to the existing ones.

    Args:
        replace (bool | Unset):  Default: True.
        body (ScopingSchoolsBulkRequest): Scoping Schools to create.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorType | ScopingSchoolResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            replace=replace,
        )
    ).parsed
