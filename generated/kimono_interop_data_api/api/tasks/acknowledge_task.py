from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_type import ErrorType
from ...models.task_ack import TaskAck
from ...types import Response


def _get_kwargs(
    id: str,
    *,
    body: TaskAck,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/tasks/{id}/ack".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

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
    id: str,
    *,
    client: AuthenticatedClient | Client,
    body: TaskAck,
) -> Response[Any | ErrorType]:
    """Acknowledge Task

     Each Task that is returned from `listTasks` must be acknowledged to remove it from the Task
    Queue. If a Task is not acknowledged in a timely fashion Kimono may consider it to have
    timed-out and will return it in the next `listTasks` response for an Integration tenant.

    Args:
        id (str):
        body (TaskAck): The acknowledgement of one Task.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorType]
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
    id: str,
    *,
    client: AuthenticatedClient | Client,
    body: TaskAck,
) -> Any | ErrorType | None:
    """Acknowledge Task

     Each Task that is returned from `listTasks` must be acknowledged to remove it from the Task
    Queue. If a Task is not acknowledged in a timely fashion Kimono may consider it to have
    timed-out and will return it in the next `listTasks` response for an Integration tenant.

    Args:
        id (str):
        body (TaskAck): The acknowledgement of one Task.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorType
    """

    return sync_detailed(
        id=id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    body: TaskAck,
) -> Response[Any | ErrorType]:
    """Acknowledge Task

     Each Task that is returned from `listTasks` must be acknowledged to remove it from the Task
    Queue. If a Task is not acknowledged in a timely fashion Kimono may consider it to have
    timed-out and will return it in the next `listTasks` response for an Integration tenant.

    Args:
        id (str):
        body (TaskAck): The acknowledgement of one Task.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorType]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    body: TaskAck,
) -> Any | ErrorType | None:
    """Acknowledge Task

     Each Task that is returned from `listTasks` must be acknowledged to remove it from the Task
    Queue. If a Task is not acknowledged in a timely fashion Kimono may consider it to have
    timed-out and will return it in the next `listTasks` response for an Integration tenant.

    Args:
        id (str):
        body (TaskAck): The acknowledgement of one Task.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorType
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
