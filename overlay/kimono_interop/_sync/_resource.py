# Written by scripts/unasync.py from kimono_interop/_async/_resource.py: edit that file,
# then run `make generate`.
"""What every resource shares: building a request from a generated operation and sending it.

A resource method names the generated operation module (which knows the path,
the parameter names and how to serialise the body), checks the caller's
arguments, and hands the rest to :meth:`Resource._list` (a lazy pager),
:meth:`Resource._request` (one call, parsed by the given function) or
:meth:`Resource._count`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from .._base_client import NOT_GIVEN, Timeout, parse_count, parse_model, without_none
from .._pagination import SyncPager
from .._validation import validate_page_size
from ._sender import Sender

if TYPE_CHECKING:
    from ._client import KimonoClient

T = TypeVar("T")


class Resource:
    """Base of the resource objects: one per area of the APIs."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client

    @property
    def _data(self) -> Sender:
        return self._client._data_sender

    @property
    def _interop(self) -> Sender:
        return self._client._interop_sender

    def _list(
        self,
        sender: Sender,
        operation: Any,
        parse_item: Callable[[Any], T],
        *path_args: str,
        page_size: int | None,
        timeout: Timeout = NOT_GIVEN,
        max_page_size: int | None = None,
        **params: Any,
    ) -> SyncPager[T]:
        if page_size is not None:
            validate_page_size(page_size, **({"maximum": max_page_size} if max_page_size else {}))
        kwargs = operation._get_kwargs(*path_args, **without_none(params))
        query = {**kwargs.get("params", {}), **({"page_size": page_size} if page_size else {})}

        def fetch(target: str, query: Mapping[str, Any] | None) -> httpx.Response:
            return sender.send("GET", target, params=query, timeout=timeout)

        return SyncPager(
            fetch=fetch,
            path=kwargs["url"],
            params=query,
            parse_item=parse_item,
            origin=self._client.base_url,
        )

    def _send(
        self,
        sender: Sender,
        operation: Any,
        *path_args: str,
        timeout: Timeout = NOT_GIVEN,
        **params: Any,
    ) -> httpx.Response:
        kwargs = operation._get_kwargs(*path_args, **without_none(params))
        return sender.send(
            kwargs["method"],
            kwargs["url"],
            params=kwargs.get("params"),
            json=kwargs.get("json"),
            content=kwargs.get("content"),
            headers=kwargs.get("headers"),
            timeout=timeout,
        )

    def _request(
        self,
        sender: Sender,
        operation: Any,
        parse: Callable[[Any], T],
        *path_args: str,
        timeout: Timeout = NOT_GIVEN,
        **params: Any,
    ) -> T:
        response = self._send(sender, operation, *path_args, timeout=timeout, **params)
        return parse_model(response, parse)

    def _no_content(
        self,
        sender: Sender,
        operation: Any,
        *path_args: str,
        timeout: Timeout = NOT_GIVEN,
        **params: Any,
    ) -> None:
        """A call whose answer has no body worth parsing (204, or an empty 200)."""
        self._send(sender, operation, *path_args, timeout=timeout, **params)

    def _count(
        self,
        sender: Sender,
        operation: Any,
        *,
        timeout: Timeout = NOT_GIVEN,
    ) -> int:
        response = self._send(sender, operation, timeout=timeout)
        return parse_count(response)


def coerce(model: type[T], value: T | Mapping[str, Any], name: str) -> T:
    """A request body as the generated model: the model itself, or a dict parsed into one."""
    if isinstance(value, model):
        return value
    if isinstance(value, Mapping):
        try:
            return model.from_dict(dict(value))  # type: ignore[attr-defined,no-any-return]
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise ValueError(
                f"{name} is not a valid {model.__name__} object: {type(exc).__name__}: {exc}"
            ) from exc
    raise TypeError(f"{name} must be a {model.__name__} or a dict, not {type(value).__name__}")
