from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_type import ErrorType
from ...models.integration_version_response import IntegrationVersionResponse
from ...types import File, Response


def _get_kwargs(
    id: UUID,
    *,
    body: File,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/integrations/{id}/versions".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["content"] = body.payload
    headers["Content-Type"] = "application/xml"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorType | IntegrationVersionResponse | None:
    if response.status_code == 200:
        response_200 = IntegrationVersionResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorType.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorType.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorType.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorType | IntegrationVersionResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: File,
) -> Response[ErrorType | IntegrationVersionResponse]:
    """Create Integration Version

     Create a new version of an Integration from its Integration Blueprint (an XML document).

    Args:
        id (UUID):
        body (File): The Integration Blueprint document (XML). Typed as binary so the generated
            client
            sends the caller's bytes unchanged; the generator has no XML serializer.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorType | IntegrationVersionResponse]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: File,
) -> ErrorType | IntegrationVersionResponse | None:
    """Create Integration Version

     Create a new version of an Integration from its Integration Blueprint (an XML document).

    Args:
        id (UUID):
        body (File): The Integration Blueprint document (XML). Typed as binary so the generated
            client
            sends the caller's bytes unchanged; the generator has no XML serializer.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorType | IntegrationVersionResponse
    """

    return sync_detailed(
        id=id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: File,
) -> Response[ErrorType | IntegrationVersionResponse]:
    """Create Integration Version

     Create a new version of an Integration from its Integration Blueprint (an XML document).

    Args:
        id (UUID):
        body (File): The Integration Blueprint document (XML). Typed as binary so the generated
            client
            sends the caller's bytes unchanged; the generator has no XML serializer.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorType | IntegrationVersionResponse]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: File,
) -> ErrorType | IntegrationVersionResponse | None:
    """Create Integration Version

     Create a new version of an Integration from its Integration Blueprint (an XML document).

    Args:
        id (UUID):
        body (File): The Integration Blueprint document (XML). Typed as binary so the generated
            client
            sends the caller's bytes unchanged; the generator has no XML serializer.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorType | IntegrationVersionResponse
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
