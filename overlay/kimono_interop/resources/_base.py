"""What every resource shares: building a request from a generated operation and sending it.

A resource method names the generated operation module (which knows the path and
the parameter names), checks the caller's arguments, and hands the rest to
:meth:`Resource._list` (a lazy pager) or :meth:`Resource._get` (one object).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .._base_client import NOT_GIVEN, Sender, Timeout, parse_model
from .._pagination import SyncPager
from .._validation import validate_page_size

if TYPE_CHECKING:
    from .._client import KimonoClient

T = TypeVar("T")


class Operation(Protocol):
    """A generated operation module: it builds the request for its path and parameters."""

    def _get_kwargs(self, *args: Any, **kwargs: Any) -> dict[str, Any]: ...


class Resource:
    """Base of the resource objects."""

    def __init__(self, client: KimonoClient) -> None:
        self._client = client

    def _list(
        self,
        sender: Sender,
        operation: Any,
        parse_item: Callable[[Any], T],
        *path_args: str,
        page_size: int | None,
        timeout: Timeout = NOT_GIVEN,
        **params: Any,
    ) -> SyncPager[T]:
        if page_size is not None:
            validate_page_size(page_size)
        kwargs = operation._get_kwargs(*path_args, **_without_none(params))
        query = {**kwargs.get("params", {}), **({"page_size": page_size} if page_size else {})}

        def fetch(target: str, query: Any) -> Any:
            return sender.send("GET", target, params=query, timeout=timeout)

        return SyncPager(
            fetch=fetch,
            path=kwargs["url"],
            params=query,
            parse_item=parse_item,
            origin=self._client.base_url,
        )

    def _get(
        self,
        sender: Sender,
        operation: Any,
        parse: Callable[[Any], T],
        *path_args: str,
        timeout: Timeout = NOT_GIVEN,
        **params: Any,
    ) -> T:
        kwargs = operation._get_kwargs(*path_args, **_without_none(params))
        response = sender.send(
            kwargs["method"], kwargs["url"], params=kwargs.get("params"), timeout=timeout
        )
        return parse_model(response, parse)


def _without_none(params: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in params.items() if value is not None}
