"""Reading successful answers into models: one envelope rule, one error for a misfit body.

The generated models parse a nested object or list at its first read, not in
``from_dict()`` (spec/templates/README.md, "lazy nested models"); a nested value that
does not fit raises :class:`NestedValidationError` there, a ``ResponseValidationError``.

A page of a list, or a batch of tasks, becomes tens of thousands of objects (the
decoded JSON, then the models), none of them in reference cycles. Left on, the cyclic
garbage collector would scan them again and again while they are made (half the time
of typed iteration), so :func:`gc_paused` pauses it from the decoding of a page to its
last model, and puts back the state it found.
"""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NoReturn, Protocol, TypeVar

import httpx

from kimono_interop_data_api.types import LazyParseError, on_lazy_parse_error

from . import _json
from ._exceptions import ResponseValidationError
from ._fork import reset_after_fork

T = TypeVar("T")
M = TypeVar("M", covariant=True)
D = TypeVar("D", bound="_Serialisable")


class Model(Protocol[M]):
    """A generated model class: anything with ``from_dict``."""

    def from_dict(self, src_dict: Mapping[str, Any], /) -> M: ...


class NestedValidationError(ResponseValidationError, LazyParseError):
    """A model's nested object or list does not match the contract, found at its first read.

    It has no ``response``: the model does not keep the answer it came from.
    """


def _raise_nested(where: str, error: Exception, data: Any) -> NoReturn:
    """How a model's lazy parse fails: ``where`` is ``"Model.field"``, ``data`` the JSON
    that did not fit, whose values its message (and its cause's) withholds."""
    error = withheld(error, data)
    raise NestedValidationError(
        f"{where} does not match the contract ({type(error).__name__}: {error})", response=None
    ) from error


#: How many of an item's strings :func:`values_withheld` looks for (an item is small).
_MAX_STRINGS = 10_000


def values_withheld(message: str, data: Any) -> str:
    """``message`` with each string value of the JSON ``data`` that it quotes (as
    ``repr()`` does: a malformed ``dob`` in ``Invalid isoformat string: '...'``) written
    ``'***'``.

    The answers hold personal data (the items themselves are kept out of reprs); the
    keys, the names of fields, stay, as do quotes of anything else (a type's name, say).
    """
    strings: set[str] = set()
    pending = [data]
    while pending and len(strings) < _MAX_STRINGS:
        value = pending.pop()
        if isinstance(value, str):
            strings.add(value)
        elif isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    # As the parsers quote them: as given, and a timestamp as parsed (its "Z" rewritten)
    quoted = {repr(value) for value in strings}
    quoted |= {repr(value.replace("Z", "+00:00")) for value in strings if "Z" in value}
    for text in sorted(quoted, key=len, reverse=True):  # a longer one first, whole
        if text in message:
            message = message.replace(text, "'***'")
    return message


def withheld(error: Exception, data: Any) -> Exception:
    """``error``, or, if its message quotes a value of ``data``, an exception of its type
    and traceback whose message withholds them (:func:`values_withheld`): a cause that
    a logged traceback prints too."""
    if isinstance(error, KeyError):  # the name of a missing field: no value of the data
        return error
    text = str(error)
    masked = values_withheld(text, data)
    if masked == text:
        return error
    try:
        copy = type(error)(masked)
    except Exception:  # a type that takes other arguments
        copy = ValueError(masked)
    return copy.with_traceback(error.__traceback__)


on_lazy_parse_error(_raise_nested)


class _Serialisable(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


def parse_nested(model: D) -> D:
    """``model`` with its nested objects and lists parsed now, so one that does not fit raises
    here and not at its first read (for what the caller gave: a body, a tenant)."""
    model.to_dict()
    return model


class _GCPause:
    """Who is inside :func:`gc_paused`, in every thread; the collector runs again when the
    last one leaves, if it ran when the first one came in."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.depth = 0
        self.was_enabled = False
        reset_after_fork(self)

    def enter(self) -> None:
        with self.lock:
            if self.depth == 0:
                self.was_enabled = gc.isenabled()
                gc.disable()
            self.depth += 1

    def leave(self) -> None:
        with self.lock:
            self.depth -= 1
            if self.depth == 0 and self.was_enabled:
                gc.enable()

    def _after_fork(self) -> None:
        # A fork while another thread was inside: that thread is not in the child, which
        # would keep the collector off for good (and the lock perhaps held).
        self.lock = threading.Lock()
        if self.depth:
            self.depth = 0
            if self.was_enabled:
                gc.enable()


_PAUSE = _GCPause()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector inside the block (see the module).

    Nested blocks and blocks in several threads at once are one pause: the collector's
    state from before the first is put back when the last one ends, whatever ends it.
    Keep the block free of ``yield`` and ``await``: a pause must not outlive the code
    that needs it.
    """
    _PAUSE.enter()
    try:
        yield
    finally:
        _PAUSE.leave()


def read_json(response: httpx.Response, what: str = "The response") -> Any:
    """The JSON body of ``response``; ResponseValidationError if it is not JSON."""
    try:
        return _json.loads(response.content)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):  # (nested absurdly deep)
        raise ResponseValidationError(f"{what} is not valid JSON", response=response) from None
    except ValueError as exc:  # JSON Python refuses: an integer of more than 4,300 digits
        raise ResponseValidationError(
            f"{what} is JSON that Python cannot read ({str(exc).partition(';')[0]})",
            response=response,
        ) from None


def parse_model(response: httpx.Response, parse: Callable[[Any], T]) -> T:
    """Parse a successful JSON body with ``parse`` (a model's ``from_dict``, or a reader below)."""
    body = read_json(response)
    try:
        return parse(body)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        error = withheld(exc, body)  # (a value of the answer: personal data, maybe)
        raise ResponseValidationError(
            f"The response does not match the contract ({type(error).__name__}: {error})",
            response=response,
        ) from error


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
