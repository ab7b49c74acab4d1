"""The SDK's JSON (``kimono_interop._json``): the same values and errors with or without orjson.

The comparisons against the standard library run on every machine, on whichever
library the SDK picked; those that call the orjson path by name run where orjson is
installed (the ``dev`` extra installs it); a subprocess without orjson checks that
the SDK picks json and still reads pages.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from kimono_interop import _json
from kimono_interop._exceptions import ResponseValidationError
from kimono_interop._parsing import read_json

ROOT = Path(__file__).resolve().parents[2]

#: Bodies where orjson and json could part ways, and some where they must not.
BODIES: dict[str, bytes] = {
    "page": json.dumps(
        {
            "data": [
                {"$sys": {"id": "2a4a2e06-7755-43bb-9766-4f398079ef8c"}, "name": "Zoë", "n": 1},
                {"$sys": {"id": "3b4a2e06-7755-43bb-9766-4f398079ef8c"}, "grade": 9.5},
            ],
            "paging": {"next": None},
        }
    ).encode(),
    "unicode": '{"name": "Ærøskøbing 東京 🐈", "escaped": "\\u00e9\\n\\t\\"\\\\"}'.encode(),
    "int 64-bit": b"[9223372036854775807, -9223372036854775807, 18446744073709551615]",
    "int past 64 bits": b"[100000000000000000000, 18446744073709551616]",
    "negative past 64 bits": b"[-9223372036854775809, -237462374673276894279832749832]",
    "digits in a string": b'{"sourcedId": "12345678901234567890123", "n": 1}',
    "floats": b"[0.1, -0.0, 1e16, 1.5e-7, 2.2250738585072014e-308, 1E400, -1e400, 1e-400]",
    "minus zero": b"[-0, 0e5, -0.0]",
    "NaN and Infinity": b'{"a": NaN, "b": Infinity, "c": -Infinity}',
    "duplicate keys": b'{"a": 1, "b": 2, "a": 3}',
    "lone surrogate escape": b'{"s": "\\ud800", "pair": "\\ud83d\\ude80"}',
    "lone surrogate bytes": b'{"s": "\xed\xa0\x80"}',
    "byte order mark": b'\xef\xbb\xbf{"a": 1}',
    "UTF-16": '{"a": "é"}'.encode("utf-16"),
    "invalid UTF-8": b'{"s": "\xff\xfe"}',
    "control character": b'{"s": "a\x01b"}',
    "trailing garbage": b'{"a": 1} x',
    "empty": b"",
    "whitespace only": b" \n ",
    "nested 2000 deep": b"[" * 2000 + b"]" * 2000,
    "bare scalar": b"42",
}


@pytest.fixture
def with_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    """The orjson path callable by name, where orjson is installed (even with KIMONO_JSON=json)."""
    monkeypatch.setattr(_json, "_orjson", pytest.importorskip("orjson"))


def same(a: Any, b: Any) -> bool:
    """Equal values of the same types, NaN equal to NaN and -0.0 told from 0.0."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a):
            return math.isnan(b)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def outcome(loads: Callable[[bytes], Any], body: bytes) -> tuple[str, Any]:
    """What ``loads`` makes of ``body``: ("value", it) or ("error", the exception's class)."""
    try:
        return "value", loads(body)
    except (ValueError, RecursionError) as exc:
        return "error", type(exc)


def assert_reads_like_json(loads: Callable[[bytes], Any], name: str) -> None:
    body = BODIES[name]
    got, want = outcome(loads, body), outcome(json.loads, body)
    assert got[0] == want[0], f"{name}: {got} != {want}"
    if got[0] == "value":
        assert same(got[1], want[1]), f"{name}: {got[1]!r} != {want[1]!r}"
    else:
        assert got[1] is want[1], f"{name}: {got[1]} != {want[1]}"


@pytest.mark.parametrize("name", BODIES)
def test_the_sdk_reads_every_body_as_json_loads_does(name: str) -> None:
    """Whichever library is in use: json.loads's values (types, -0.0, NaN, big ints), or its
    exception class."""
    assert_reads_like_json(_json.loads, name)


@pytest.mark.usefixtures("with_orjson")
@pytest.mark.parametrize("name", BODIES)
def test_the_orjson_path_reads_every_body_as_json_loads_does(name: str) -> None:
    """orjson's reading, called by name: the same values and errors as json.loads."""
    assert_reads_like_json(_json._orjson_loads, name)


@pytest.mark.parametrize("offset", range(13))
@pytest.mark.parametrize("number", [b"-9223372036854775809", b"18446744073709551616"])
def test_an_integer_past_64_bits_is_found_wherever_it_sits(offset: int, number: bytes) -> None:
    """The first integer orjson would read as a float, at every offset in a body: int."""
    body = b'{"pad": "' + b"x" * offset + b'", "n": ' + number + b"}"
    assert _json.loads(body) == {"pad": "x" * offset, "n": int(number)}
    assert _json._has_long_run(body)
    assert not _json._has_long_run(body.replace(number, number[:-2]))


@pytest.mark.parametrize("loads", ["json", "orjson"])
@pytest.mark.parametrize(
    "name", ["invalid UTF-8", "trailing garbage", "empty", "control character"]
)
def test_a_body_that_is_not_json_is_the_same_sdk_error_with_either_library(
    loads: str, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ResponseValidationError ("not valid JSON"), whichever library reads the body."""
    if loads == "orjson":
        monkeypatch.setattr(_json, "_orjson", pytest.importorskip("orjson"))
    monkeypatch.setattr(
        _json, "loads", _json._stdlib_loads if loads == "json" else _json._orjson_loads
    )
    response = httpx.Response(200, content=BODIES[name], request=httpx.Request("GET", "https://x"))
    with pytest.raises(ResponseValidationError, match="not valid JSON"):
        read_json(response)


@pytest.mark.parametrize("loads", ["json", "orjson"])
def test_json_with_an_integer_python_refuses_says_so(
    loads: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An integer of 5,000 digits is valid JSON that Python refuses to read: the error
    said the body was not valid JSON, pointing at the service for the wrong reason."""
    if loads == "orjson":
        monkeypatch.setattr(_json, "_orjson", pytest.importorskip("orjson"))
    monkeypatch.setattr(
        _json, "loads", _json._stdlib_loads if loads == "json" else _json._orjson_loads
    )
    body = b'{"data": [{"n": ' + b"9" * 5000 + b"}]}"
    response = httpx.Response(200, content=body, request=httpx.Request("GET", "https://x"))
    with pytest.raises(ResponseValidationError, match="4300 digits") as raised:
        read_json(response)
    assert "not valid JSON" not in str(raised.value)


#: Values the SDK writes (request bodies, JSON lines), and some it must write as json does.
VALUES: dict[str, Any] = {
    "acks": [
        {"task_id": "2a4a2e06-7755-43bb-9766-4f398079ef8c", "status": "success"},
        {"task_id": "x-1", "status": "error", "message": 'Zoë: "quoted"\n\t\x01', "$sys": {}},
    ],
    "item": {"$sys": {"id": "2a4a2e06"}, "name": {"given": "東京 🐈"}, "n": 3, "ok": True},
    "null": {"a": None, "b": [None]},
    "big int": {"n": 2**70, "m": -(2**64)},
    "floats": [0.1, -0.0, 123.456, 2.5],
    "NaN": {"a": math.nan},
    "Infinity": [math.inf, -math.inf],
    "lone surrogate": {"s": "a\ud800b"},
    "control and separators": "\x00\x1f\x7f\u2028\u2029</script>",
    "non-str keys": {1: "one", 2.5: "half", None: "none", False: "no"},
    "tuple": (1, 2),
}


def write_outcome(dump: Callable[[Any], Any], value: Any) -> tuple[str, Any]:
    try:
        return "value", dump(value)
    except (ValueError, TypeError) as exc:
        return "error", type(exc)


@pytest.mark.parametrize("path", ["sdk", "orjson"])
@pytest.mark.parametrize("name", VALUES)
def test_request_bodies_and_json_lines_are_written_as_json_writes_them(
    path: str, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same text (or the same exception) as json: NaN refused in a request body and
    written NaN in a line, big ints, lone surrogates escaped in a line, nulls."""
    if path == "orjson":
        monkeypatch.setattr(_json, "_orjson", pytest.importorskip("orjson"))
        dumps, dumps_line = _json._orjson_dumps, _json._orjson_dumps_line
    else:
        dumps, dumps_line = _json.dumps, _json.dumps_line
    value = VALUES[name]
    assert write_outcome(dumps, value) == write_outcome(_json._stdlib_dumps, value)
    assert write_outcome(dumps_line, value) == write_outcome(_json._stdlib_dumps_line, value)


def test_a_float_with_an_exponent_reads_back_the_same_whoever_wrote_it() -> None:
    """The one difference allowed in the text: 1e16 or 1e+16, the same float."""
    value = [1e16, 1.5e-7, 1e300]
    assert same(json.loads(_json.dumps(value)), value)
    assert same(json.loads(_json.dumps_line(value)), value)


def test_a_json_line_always_encodes_to_utf8() -> None:
    """A lone surrogate is written \\ud800 (valid JSON, valid UTF-8); other text as it is."""
    line = _json.dumps_line({"s": "é\ud800"})
    line.encode("utf-8")
    assert json.loads(line) == {"s": "é\ud800"}
    assert "é" in _json.dumps_line({"s": "é"})


#: Every character ``str.splitlines()`` breaks a line at.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


@pytest.mark.parametrize("path", ["json", "orjson"])
def test_a_json_line_is_one_line_for_splitlines_whatever_its_strings_hold(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """json leaves U+0085, U+2028 and U+2029 unescaped: a reader splitting a JSON lines file
    with ``splitlines()`` (or JavaScript) found a record cut in two."""
    if path == "orjson":
        monkeypatch.setattr(_json, "_orjson", pytest.importorskip("orjson"))
        dumps_line = _json._orjson_dumps_line
    else:
        dumps_line = _json._stdlib_dumps_line
    value = {f"key{LINE_BREAKS}": [LINE_BREAKS, {"n": 1, "s": f"a{LINE_BREAKS}\ud800"}]}
    for item in (value, {"s": LINE_BREAKS}):
        line = dumps_line(item)
        assert line.splitlines() == [line]
        assert json.loads(line) == item


def run_python(code: str, **env: str) -> str:
    """``code`` in a fresh interpreter on this checkout; what it printed."""
    paths = [str(ROOT / "overlay"), str(ROOT / "generated"), os.environ.get("PYTHONPATH", "")]
    inherited = {name: value for name, value in os.environ.items() if name != "KIMONO_JSON"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**inherited, "PYTHONPATH": os.pathsep.join(p for p in paths if p), **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


READ_A_PAGE = """
import sys
{block}
import httpx
from kimono_interop import _json
from kimono_interop._parsing import read_json
body = b'{{"data": [{{"n": 100000000000000000000, "s": "\\\\u00e9"}}], "paging": {{"next": null}}}}'
page = read_json(httpx.Response(200, content=body, request=httpx.Request("GET", "https://x")))
print(_json.BACKEND, page["data"][0]["n"], page["data"][0]["s"] == "\\u00e9")
"""


def test_without_orjson_the_sdk_uses_json_and_reads_pages() -> None:
    """orjson not importable (as on an install without the extra): json, the same values."""
    code = READ_A_PAGE.format(block="sys.modules['orjson'] = None  # import orjson fails")
    assert run_python(code) == "json 100000000000000000000 True"


def test_kimono_json_in_the_environment_asks_for_json() -> None:
    """KIMONO_JSON=json picks the standard library even where orjson is installed."""
    assert run_python(READ_A_PAGE.format(block=""), KIMONO_JSON="json").startswith("json ")


def test_orjson_is_used_where_it_is_installed() -> None:
    """With orjson importable, the SDK picks it (the `orjson` extra is worth installing)."""
    pytest.importorskip("orjson")
    assert run_python(READ_A_PAGE.format(block="")) == "orjson 100000000000000000000 True"
