from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_type import ErrorType
from ...models.tasks_response import TasksResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    schema: str | Unset = UNSET,
    driver: str | Unset = UNSET,
    page: int | Unset = 0,
    page_size: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["schema"] = schema

    params["driver"] = driver

    params["page"] = page

    params["page_size"] = page_size

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/tasks/admin",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorType | TasksResponse | None:
    if response.status_code == 200:
        response_200 = TasksResponse.from_dict(response.json())

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
) -> Response[ErrorType | TasksResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    schema: str | Unset = UNSET,
    driver: str | Unset = UNSET,
    page: int | Unset = 0,
    page_size: int | Unset = UNSET,
) -> Response[ErrorType | TasksResponse]:
    """List Tasks (Admin)

     List Tasks for the authenticated actor through the Task Admin API. Pages hold up to 2000
    Tasks. Tasks that are not acknowledged are simply delivered again.

    Args:
        schema (str | Unset):
        driver (str | Unset):
        page (int | Unset):  Default: 0.
        page_size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorType | TasksResponse]
    """

    kwargs = _get_kwargs(
        schema=schema,
        driver=driver,
        page=page,
        page_size=page_size,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    schema: str | Unset = UNSET,
    driver: str | Unset = UNSET,
    page: int | Unset = 0,
    page_size: int | Unset = UNSET,
) -> ErrorType | TasksResponse | None:
    """List Tasks (Admin)

     List Tasks for the authenticated actor through the Task Admin API. Pages hold up to 2000
    Tasks. Tasks that are not acknowledged are simply delivered again.

    Args:
        schema (str | Unset):
        driver (str | Unset):
        page (int | Unset):  Default: 0.
        page_size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorType | TasksResponse
    """

    return sync_detailed(
        client=client,
        schema=schema,
        driver=driver,
        page=page,
        page_size=page_size,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    schema: str | Unset = UNSET,
    driver: str | Unset = UNSET,
    page: int | Unset = 0,
    page_size: int | Unset = UNSET,
) -> Response[ErrorType | TasksResponse]:
    """List Tasks (Admin)

     List Tasks for the authenticated actor through the Task Admin API. Pages hold up to 2000
    Tasks. Tasks that are not acknowledged are simply delivered again.

    Args:
        schema (str | Unset):
        driver (str | Unset):
        page (int | Unset):  Default: 0.
        page_size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorType | TasksResponse]
    """

    kwargs = _get_kwargs(
        schema=schema,
        driver=driver,
        page=page,
        page_size=page_size,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    schema: str | Unset = UNSET,
    driver: str | Unset = UNSET,
    page: int | Unset = 0,
    page_size: int | Unset = UNSET,
) -> ErrorType | TasksResponse | None:
    """List Tasks (Admin)

     List Tasks for the authenticated actor through the Task Admin API. Pages hold up to 2000
    Tasks. Tasks that are not acknowledged are simply delivered again.

    Args:
        schema (str | Unset):
        driver (str | Unset):
        page (int | Unset):  Default: 0.
        page_size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorType | TasksResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            schema=schema,
            driver=driver,
            page=page,
            page_size=page_size,
        )
    ).parsed
