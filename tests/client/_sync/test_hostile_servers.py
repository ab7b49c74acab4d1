# Written by scripts/unasync.py from tests/client/_async/test_hostile_servers.py: edit that file,
# then run `make generate`.
"""Servers that mean harm: dripping answers, bodies that never end or inflate, over real HTTP.

Every server here is bounded (it stops after a fixed number of bytes or seconds), so a
test that the SDK fails would still end; the assertions check that the SDK stops much
earlier, with the documented error. The servers are in tests.support.hostile.
"""

from __future__ import annotations

import gzip
import json
import time
import tracemalloc
import zlib
from typing import Any

import pytest

from kimono_interop import (
    APITimeoutError,
    BearerToken,
    KimonoClient,
    ResponseTooLargeError,
    ResponseValidationError,
)
from tests.support.fixtures import Serve
from tests.support.hostile import (
    cookie_setter,
    dripping_body,
    dripping_headers,
    endless_chunks,
    endless_refusal,
    gzip_bomb,
    json_answer,
    oversized_token,
    recording_headers,
)

PERSON = "4f0e1c1a-5b2d-4b1e-9a3c-1e2f3a4b5c6d"


def client(url: str, **options: Any) -> KimonoClient:
    """A client of ``url`` with a fixed bearer token and no retries."""
    return KimonoClient(base_url=url, auth=BearerToken("t"), max_retries=0, **options)


def test_a_body_dripping_a_byte_at_a_time_is_cut_off_at_the_deadline(serve: Serve) -> None:
    """Each byte comes within the read timeout; the deadline still ends the exchange."""
    url = serve(dripping_body(bytes_total=100, every=0.05))
    with client(url, timeout=1.0, deadline=0.6) as kimono:
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match="timed out"):
            kimono.rostering.persons.get(PERSON)
        elapsed = time.monotonic() - started
    assert elapsed < 2.0  # the server would drip for 5 s


def test_headers_dripping_a_byte_at_a_time_are_cut_off_at_the_deadline() -> None:
    """The SDK's own transport bounds every socket wait by what is left of the deadline."""
    with dripping_headers(bytes_total=200, every=0.05) as url:
        with client(url, timeout=1.0, deadline=0.6) as kimono:
            started = time.monotonic()
            with pytest.raises(APITimeoutError):
                kimono.rostering.persons.get(PERSON)
            elapsed = time.monotonic() - started
    assert elapsed < 2.0  # the server would drip for 10 s


def test_the_default_deadline_is_three_read_timeouts() -> None:
    """Derived from the timeout unless given; None turns it off."""
    deadlines = []
    for options in ({}, {"timeout": 2.0}, {"timeout": None}, {"deadline": None}):
        with KimonoClient("c", "s", **options) as kimono:
            deadlines.append(kimono.deadline)
    assert deadlines == [105.0, 6.0, None, None]


def test_a_calls_timeout_moves_the_default_deadline_with_it(serve: Serve) -> None:
    """The default deadline follows the call's ``timeout=`` (as with_options' does): a
    call given a longer timeout is not cut off by the client's default deadline, which
    the timeout error then told the caller to raise. A deadline the client was given
    stays."""
    url = serve(dripping_body(bytes_total=20, every=0.05))  # 1 s, a byte each 50 ms
    with client(url, timeout=0.2) as kimono:  # default deadline: 0.6 s
        with pytest.raises(ResponseValidationError):  # whole, and not a person
            kimono.rostering.persons.get(PERSON, timeout=1.0)
        with pytest.raises(APITimeoutError, match="deadline="):
            kimono.rostering.persons.get(PERSON)
    # given, it stays; 3 x 0.2 s, the default's value, was taken for the default
    for given in (0.6, 3 * 0.2):
        with client(url, timeout=0.2, deadline=given) as kimono:
            with pytest.raises(APITimeoutError):
                kimono.rostering.persons.get(PERSON, timeout=1.0)


def test_a_small_gzip_body_that_inflates_past_the_limit_is_not_read(serve: Serve) -> None:
    """The limit counts decoded bytes: 10 MiB inflated from a few kB stops at 1 MiB."""
    app, compressed = gzip_bomb(10 * 1024 * 1024)
    assert compressed < 50_000
    limit = r"larger than max_response_size \(1,048,576"
    with client(serve(app), max_response_size=1024 * 1024) as kimono:
        with pytest.raises(ResponseTooLargeError, match=limit):
            kimono.rostering.persons.get(PERSON)


def test_an_endless_chunked_page_stops_at_the_limit(serve: Serve) -> None:
    """A list page that never ends (bounded here at 64 MiB) is cut at 2 MiB."""
    url = serve(endless_chunks(64 * 1024 * 1024))
    with client(url, max_response_size=2 * 1024 * 1024) as kimono:
        started = time.monotonic()
        with pytest.raises(ResponseTooLargeError) as caught:
            [person for person in kimono.rostering.persons.list()]
        elapsed = time.monotonic() - started
    assert caught.value.limit == 2 * 1024 * 1024
    assert elapsed < 5.0


def test_a_declared_length_past_the_limit_is_refused_before_reading(serve: Serve) -> None:
    """Content-Length above the limit: nothing of the body is read."""
    app, compressed = gzip_bomb(1024)
    with client(serve(app), max_response_size=compressed - 1) as kimono:
        with pytest.raises(ResponseTooLargeError):
            kimono.rostering.persons.get(PERSON)


def test_a_token_answer_past_its_limit_is_refused(serve: Serve) -> None:
    """The token endpoint's answer is capped too (64 KiB: a token is a few kB); the error
    says to check token_url (it told to ask for a smaller page_size or raise
    max_response_size, neither of which has to do with a token)."""
    url = serve(oversized_token(200_000))
    with KimonoClient("c", "s", base_url=url, max_retries=0) as kimono:
        with pytest.raises(ResponseTooLargeError, match="65,536") as raised:
            kimono.rostering.persons.get(PERSON)
    assert "check token_url" in str(raised.value) and "page_size" not in str(raised.value)
    # kept without the token request's body (the client secret) or the answer's
    assert raised.value.response.request.content == b"" and not raised.value.response.content


def test_a_refusal_retried_with_a_new_token_is_not_read_whatever_its_size(
    serve: Serve,
) -> None:
    """A 401 is retried once with a new token: its body is not needed, and httpx read it
    whole before sending again, past max_response_size (a 401 that goes on, or a gzip
    bomb, held the process's memory). It is dropped unread."""
    app, counts = endless_refusal(256 * 1024 * 1024, PERSON)
    url = serve(app)
    with KimonoClient("c", "s", base_url=url, max_retries=0) as kimono:
        found = kimono.rostering.persons.get(PERSON)
    assert found.sys.id == PERSON and counts["api"] == 2
    assert counts["sent"] < 32 * 1024 * 1024  # the client hung up early


def test_a_gzip_bomb_is_inflated_in_steps_never_a_whole_network_read_at_once(
    serve: Serve,
) -> None:
    """64 KiB of gzip can inflate to 64 MiB: decoding a network read in one go would take
    that much memory before the limit is checked. With a 1 MiB limit, the client holds
    little more than 1 MiB at any time (tracemalloc's peak)."""
    app, _ = gzip_bomb(64 * 1024 * 1024)
    url = serve(app)
    tracemalloc.start()
    try:
        with client(url, max_response_size=1024 * 1024) as kimono:
            with pytest.raises(ResponseTooLargeError):
                kimono.rostering.persons.get(PERSON)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, peak


def test_a_stacked_gzip_bomb_is_inflated_in_steps_too(serve: Serve) -> None:
    """``Content-Encoding: gzip, gzip``: 2 kB that inflate to 256 MiB went to httpx,
    which inflated each read whole (about 2 GiB held for 1.8 kB of "gzip, gzip" of 2 GiB);
    each layer is inflated a step at a time, and the limit stops it at 1 MiB."""
    inner = zlib.compressobj(9, zlib.DEFLATED, 31)
    once = b"".join(inner.compress(b"\0" * (1 << 20)) for _ in range(256)) + inner.flush()
    twice = gzip.compress(once, compresslevel=9)
    assert len(twice) < 4_000
    url = serve(json_answer(twice, "gzip, gzip"))
    tracemalloc.start()
    try:
        with client(url, max_response_size=1024 * 1024) as kimono:
            with pytest.raises(ResponseTooLargeError):
                kimono.rostering.persons.get(PERSON)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, peak


def test_layers_of_gzip_and_deflate_decode_to_the_body(serve: Serve) -> None:
    """Stacked encodings are undone from the last listed, each as it is."""
    person = json.dumps({"data": {"$sys": {"id": PERSON}, "x": "y" * 1_000_000}}).encode()
    body = gzip.compress(zlib.compress(person))  # deflate, then gzip
    with client(serve(json_answer(body, "deflate, gzip"))) as kimono:
        got = kimono.rostering.persons.get(PERSON)
    assert (str(got.sys.id), len(got["x"])) == (PERSON, 1_000_000)


@pytest.mark.parametrize("encoding", ["br", "gzip, zstd"])
def test_an_encoding_not_asked_for_is_refused(serve: Serve, encoding: str) -> None:
    """The SDK asks for gzip and deflate alone; br and zstd, which httpx inflates in one
    go when their libraries are installed, are refused, not decoded."""
    from kimono_interop import KimonoError

    seen: list[str] = []
    app = recording_headers(json_answer(b"{}", encoding), b"accept-encoding", seen)
    with client(serve(app)) as kimono:
        with pytest.raises(KimonoError, match="not asked for"):
            kimono.rostering.persons.get(PERSON)
    assert seen == ["gzip, deflate"]


def test_cookies_the_server_sets_are_neither_kept_nor_sent(serve: Serve) -> None:
    """The API needs no cookie: a server setting a new one on every answer grew the
    client's jar, and the Cookie header of each request (55 kB after 2,000 calls)."""
    seen: list[str] = []
    body = json.dumps({"data": {"$sys": {"id": PERSON}}}).encode()
    app = recording_headers(cookie_setter(body), b"cookie", seen)
    with client(serve(app)) as kimono:
        for _ in range(5):
            kimono.rostering.persons.get(PERSON)
    assert seen == [""] * 5


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw deflate"])
def test_a_body_inflated_in_steps_is_the_same_body(serve: Serve, encoding: str) -> None:
    """gzip and deflate (zlib-wrapped or raw, as servers send it) decode to the same bytes."""
    person = json.dumps({"data": {"$sys": {"id": PERSON}, "x": "y" * 3_000_000}}).encode()
    if encoding == "gzip":
        body = gzip.compress(person)
    elif encoding == "deflate":
        body = zlib.compress(person)
    else:
        raw_deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        body = raw_deflate.compress(person) + raw_deflate.flush()
    with client(serve(json_answer(body, encoding.split()[-1]))) as kimono:
        got = kimono.rostering.persons.get(PERSON)
    assert (str(got.sys.id), len(got["x"])) == (PERSON, 3_000_000)
