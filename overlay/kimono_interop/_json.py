"""Reading and writing JSON, in one place: orjson when it is installed, else the standard library.

``pip install kimono-interop[orjson]`` makes pages, single objects, task batches, the
acks' request bodies and the export command's JSON lines faster to read and write. The
results are the same either way, so nothing else in the SDK knows which one is in use
(:data:`BACKEND` says):

* :func:`loads` returns exactly what ``json.loads`` returns, and fails where it fails,
  with its exceptions (``json.JSONDecodeError``, ``UnicodeDecodeError``,
  ``RecursionError``). orjson reads a body first; a body it refuses is read again by
  ``json.loads``, which accepts more: ``NaN``, ``Infinity`` and ``-Infinity`` (read as
  floats, as the SDK has always read them, though they are not JSON), lone UTF-16
  surrogates, a UTF-8 byte order mark, UTF-16 and UTF-32 bodies, numbers too large for
  a float (read as ``inf``). orjson reads an integer of more than 64 bits as a float;
  a body with a run of 19 digits or more (such an integer, or an id made of digits)
  is therefore read by ``json.loads`` alone. Duplicate keys: the last one wins in both.
* :func:`dumps` writes a request body as httpx does (compact, UTF-8, ``NaN`` refused
  with ``ValueError``); :func:`dumps_line` writes one line of a JSON lines file
  (compact, UTF-8, ``NaN`` written as ``NaN``, a lone surrogate escaped as ``\\ud800``,
  and the line breaks json leaves as they are, U+0085, U+2028 and U+2029, as ``\\u0085``,
  ``\\u2028`` and ``\\u2029``, so that a line stays one line for ``str.splitlines()``
  and JavaScript too).
  orjson writes what it writes as json does; the rest (``NaN`` and ``Infinity``, which
  it would write as ``null``; integers of more than 64 bits; lone surrogates; datetimes,
  dataclasses, subclasses) is left to json, which writes it, or raises, as it always
  did. The SDK gives them JSON values only (orjson would also write a ``uuid.UUID`` or
  a plain ``Enum``, which json refuses). The one difference in the text: a float with
  an exponent is spelled ``1e16`` by orjson and ``1e+16`` by json, the same float.

Set ``KIMONO_JSON=json`` in the environment (before the SDK is imported) to use the
standard library even where orjson is installed.
"""

from __future__ import annotations

import importlib
import json
import os
from typing import Any

__all__ = ["BACKEND", "dumps", "dumps_line", "loads"]


def _import_orjson() -> Any:
    if os.environ.get("KIMONO_JSON", "").strip().lower() in ("json", "stdlib"):
        return None
    try:
        return importlib.import_module("orjson")
    except ImportError:
        return None


_orjson = _import_orjson()

#: Which library reads and writes JSON: ``"orjson"`` or ``"json"``.
BACKEND = "json" if _orjson is None else "orjson"

#: Digits to "0" and every other byte to " ": a run of digits is then a run of "0".
_ZEROS_AND_SPACES = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))
_ZEROS = {code: "0" for code in range(0x30, 0x3A)}
#: Nineteen digits in a row: the shortest integer orjson may read as a float.
_LONG_RUN = 19


def _has_long_run(data: bytes | str) -> bool:
    """Whether ``data`` has 19 digits in a row (in a number, or in a string)."""
    if isinstance(data, str):
        return "0" * _LONG_RUN in data.translate(_ZEROS)
    return b"0" * _LONG_RUN in data.translate(_ZEROS_AND_SPACES)


def _stdlib_loads(data: bytes | str) -> Any:
    """A JSON body as Python values: ``json.loads``."""
    return json.loads(data)


def _stdlib_dumps(value: Any) -> bytes:
    """A request body as httpx writes ``json=``: compact UTF-8, NaN refused (ValueError)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


def _stdlib_dumps_line(value: Any) -> str:
    """One line of a JSON lines file, without its newline: compact, not ASCII-escaped but
    for lone surrogates (written ``\\ud800``, so that the line encodes to UTF-8) and the
    line breaks of :func:`_one_line`."""
    line = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: the same JSON, \u-escaped
        return json.dumps(value, separators=(",", ":"))
    return _one_line(line)


#: The line breaks of ``str.splitlines()`` that json writes unescaped (it escapes the
#: others, control characters all), each with its escape.
_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _one_line(line: str) -> str:
    """``line`` with U+0085, U+2028 and U+2029 escaped, where ``str.splitlines()`` (and
    JavaScript, at the last two) would break it. They stand only inside a JSON string,
    where the escape is the same text."""
    for character, escape in _LINE_BREAKS.items():
        if character in line:
            line = line.replace(character, escape)
    return line


# -- with orjson (these need it installed) ------------------------------------------------------
def _refuse(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is left to json")


def _orjson_loads(data: bytes | str) -> Any:
    if _has_long_run(data):
        return json.loads(data)  # maybe an integer that orjson would read as a float
    try:
        return _orjson.loads(data)
    except _orjson.JSONDecodeError:
        # What orjson refuses, json may read (NaN, a byte order mark, UTF-16...), or
        # refuse with its own error.
        return json.loads(data)


def _orjson_text(value: Any) -> bytes | None:
    """orjson's text for ``value``; None where json's could differ."""
    try:
        # Datetimes, dataclasses and subclasses of str, int, dict or list go to `default`,
        # which refuses them: json writes them, or raises, as it always did.
        text: bytes = _orjson.dumps(
            value,
            default=_refuse,
            option=_orjson.OPT_PASSTHROUGH_DATETIME
            | _orjson.OPT_PASSTHROUGH_DATACLASS
            | _orjson.OPT_PASSTHROUGH_SUBCLASS,
        )
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return None
    # orjson writes NaN and Infinity as null, json does not: where a null is in the text,
    # json writes the value (items of the service's lists rarely hold a null).
    return None if b"null" in text else text


def _orjson_dumps(value: Any) -> bytes:
    text = _orjson_text(value)
    return _stdlib_dumps(value) if text is None else text


def _orjson_dumps_line(value: Any) -> str:
    text = _orjson_text(value)
    return _stdlib_dumps_line(value) if text is None else _one_line(text.decode("utf-8"))


if _orjson is None:
    loads, dumps, dumps_line = _stdlib_loads, _stdlib_dumps, _stdlib_dumps_line
else:
    loads, dumps, dumps_line = _orjson_loads, _orjson_dumps, _orjson_dumps_line
