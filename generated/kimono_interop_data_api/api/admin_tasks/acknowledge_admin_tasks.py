from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_type import ErrorType
from ...models.task_ack import TaskAck
from ...types import Response


def _get_kwargs(
    *,
    body: list[TaskAck],
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/tasks/admin/ack",
    }

    _kwargs["json"] = []
    for body_item_data in body:
        body_item = body_item_data.to_dict()
        _kwargs["json"].append(body_item)

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorType | None:
    if response.status_code == 200:
        response_200 = cast(Any, None)
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
) -> Response[Any | ErrorType]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: list[TaskAck],
) -> Response[Any | ErrorType]:
    """Acknowledge Tasks (Admin)

     Acknowledge a group of Tasks through the Task Admin API; every TaskAck must carry its
    `task_id`. Answers 404 when some of the ids are unknown to Kimono.

    Args:
        body (list[TaskAck]): TaskAcks, one per Task.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorType]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: list[TaskAck],
) -> Any | ErrorType | None:
    """Acknowledge Tasks (Admin)

     Acknowledge a group of Tasks through the Task Admin API; every TaskAck must carry its
    `task_id`. Answers 404 when some of the ids are unknown to Kimono.

    Args:
        body (list[TaskAck]): TaskAcks, one per Task.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorType
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: list[TaskAck],
) -> Response[Any | ErrorType]:
    """Acknowledge Tasks (Admin)

     Acknowledge a group of Tasks through the Task Admin API; every TaskAck must carry its
    `task_id`. Answers 404 when some of the ids are unknown to Kimono.

    Args:
        body (list[TaskAck]): TaskAcks, one per Task.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorType]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: list[TaskAck],
) -> Any | ErrorType | None:
    """Acknowledge Tasks (Admin)

     Acknowledge a group of Tasks through the Task Admin API; every TaskAck must carry its
    `task_id`. Answers 404 when some of the ids are unknown to Kimono.

    Args:
        body (list[TaskAck]): TaskAcks, one per Task.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorType
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
