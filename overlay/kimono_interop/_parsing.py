"""Reading successful answers into models: one envelope rule, one error for a misfit body."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

import httpx

from . import _json
from ._exceptions import ResponseValidationError

T = TypeVar("T")
M = TypeVar("M", covariant=True)


class Model(Protocol[M]):
    """A generated model class: anything with ``from_dict``."""

    def from_dict(self, src_dict: Mapping[str, Any], /) -> M: ...


def read_json(response: httpx.Response, what: str = "The response") -> Any:
    """The JSON body of ``response``; ResponseValidationError if it is not JSON."""
    try:
        return _json.loads(response.content)
    except (ValueError, RecursionError):  # RecursionError: JSON nested absurdly deep
        raise ResponseValidationError(f"{what} is not valid JSON", response=response) from None


def parse_model(response: httpx.Response, parse: Callable[[Any], T]) -> T:
    """Parse a successful JSON body with ``parse`` (a model's ``from_dict``, or a reader below)."""
    body = read_json(response)
    try:
        return parse(body)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise ResponseValidationError(
            f"The response does not match the contract ({type(exc).__name__}: {exc})",
            response=response,
        ) from exc


def parse_count(response: httpx.Response) -> int:
    """A ``/count`` body: a bare JSON integer."""
    count = parse_model(response, lambda body: body)
    if isinstance(count, bool) or not isinstance(count, int):
        raise ResponseValidationError(
            f"A count must be a JSON integer, got {type(count).__name__}", response=response
        )
    return count


def enveloped(model: Model[M]) -> Callable[[Any], M]:
    """A reader for ``{"data": {...}}``: the object in ``data``, as ``model``."""

    def read(body: Any) -> M:
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise TypeError("expected a JSON object with a `data` object")
        return model.from_dict(data)

    return read


def bare_or_enveloped(model: Model[M]) -> Callable[[Any], M]:
    """A reader for a single-object read that answers ``{"data": {...}}`` or the bare object.

    The vendor's artifacts disagree on which reads are enveloped (spec/: OrgRead and
    its siblings), so both are read: a body is an envelope when its ``data`` member is
    an object and it has no ``$sys`` of its own.
    """

    def read(body: Any) -> M:
        if isinstance(body, dict) and isinstance(body.get("data"), dict) and "$sys" not in body:
            body = body["data"]
        if not isinstance(body, dict):
            raise TypeError(f"expected a JSON object, got {type(body).__name__}")
        return model.from_dict(body)

    return read
