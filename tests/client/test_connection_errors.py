"""A request that gets no answer says why in its message, with a hint that fits the cause:
a refused port, an unknown host, a TLS failure (the wrong scheme, an untrusted certificate),
a timeout (a smaller page only where there are pages)."""

from __future__ import annotations

import asyncio
import socket
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kimono_interop import APIConnectionError, APITimeoutError, AsyncKimonoClient, KimonoClient
from kimono_interop._constants import PROXY_EXTENSION
from kimono_interop._exceptions import transport_error
from tests.support.cli import free_port
from tests.support.tls import self_signed_context


def failure(base_url: str, *, use_async: bool) -> APIConnectionError:
    """The error of one call (no retries) to ``base_url`` by the sync or async client."""
    if use_async:

        async def call() -> None:
            async with AsyncKimonoClient("a", "b", base_url=base_url, max_retries=0) as kimono:
                await kimono.tenants.current()

        with pytest.raises(APIConnectionError) as raised:
            asyncio.run(call())
    else:
        with (
            KimonoClient("a", "b", base_url=base_url, max_retries=0) as kimono,
            pytest.raises(APIConnectionError) as raised,
        ):
            kimono.tenants.current()
    return raised.value


@pytest.fixture
def plain_server() -> Iterator[int]:
    """A port where a plain (non-TLS) HTTP answer comes back to the one connection made."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(10)
        port = server.getsockname()[1]

        def serve() -> None:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            with connection:
                connection.recv(4096)
                connection.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        yield port
    thread.join(timeout=10)


@pytest.fixture
def self_signed_server(tmp_path: Path) -> Iterator[int]:
    """A TLS port whose certificate (made with the openssl command) no one trusts."""
    context, _ = self_signed_context(tmp_path)
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(10)
        port = server.getsockname()[1]

        def serve() -> None:
            for _ in range(2):  # one connection per client, sync and async
                try:
                    connection, _ = server.accept()
                    with context.wrap_socket(connection, server_side=True):
                        pass
                except OSError:  # the client refuses the certificate mid-handshake
                    continue

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        yield port
    thread.join(timeout=10)


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_a_refused_port_says_connection_refused(use_async: bool) -> None:
    port = free_port()
    error = failure(f"http://127.0.0.1:{port}", use_async=use_async)
    assert error.cause == "refused"
    assert f"connection refused by 127.0.0.1:{port}" in str(error)
    assert "start the sandbox" in str(error)
    assert "page_size" not in str(error)


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_an_unknown_host_says_it_could_not_be_resolved(use_async: bool) -> None:
    error = failure("http://no-such-host.invalid", use_async=use_async)
    assert error.cause == "dns"
    assert "could not resolve host 'no-such-host.invalid'" in str(error)
    assert "DNS" in str(error)


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_https_to_a_plain_server_says_tls_failed_and_to_check_the_scheme(
    plain_server: int, use_async: bool
) -> None:
    error = failure(f"https://127.0.0.1:{plain_server}", use_async=use_async)
    assert error.cause == "tls"
    assert "TLS handshake failed" in str(error)
    assert "scheme" in str(error)


def test_an_untrusted_certificate_says_so_and_names_ssl_cert_file(
    self_signed_server: int,
) -> None:
    for use_async in (False, True):
        error = failure(f"https://127.0.0.1:{self_signed_server}", use_async=use_async)
        assert error.cause == "tls"
        assert "CERTIFICATE_VERIFY_FAILED" in str(error)
        assert "SSL_CERT_FILE" in str(error)


@pytest.mark.parametrize(
    ("url", "hint"),
    [
        ("https://h/v2/interop/data/rostering/persons?page=0&page_size=2000", True),
        ("https://h/v2/interop/tenant", False),
    ],
)
def test_a_timeout_suggests_a_smaller_page_only_for_calls_with_pages(url: str, hint: bool) -> None:
    request = httpx.Request("GET", url)
    error = transport_error(httpx.ReadTimeout("read timed out", request=request), request)
    assert isinstance(error, APITimeoutError)
    assert "timed out waiting for the answer" in str(error)
    assert ("smaller page_size" in str(error)) is hint


def test_a_password_in_an_error_text_is_not_shown() -> None:
    request = httpx.Request("GET", "https://h/v2/interop/tenant")
    exc = httpx.UnsupportedProtocol("Request URL has an unsupported protocol 'x://u:pw123@h'")
    assert "pw123" not in str(transport_error(exc, request))


def test_a_header_value_httpx_refuses_is_not_quoted() -> None:
    """An invalid header that still reaches httpx (set by an auth of the caller's):
    h11 quotes the value in its error; the SDK's message leaves it out and says why."""
    request = httpx.Request("GET", "https://api.example.test/v2/interop/tenant")
    exc = httpx.LocalProtocolError("Illegal header value b'k-SECRET-987\\n'")
    error = transport_error(exc, request)
    assert "k-SECRET-987" not in str(error)
    assert "not valid HTTP" in str(error) and "strip line breaks" in str(error)


@pytest.mark.parametrize("use_async", [False, True])
def test_a_header_an_auth_sets_wrong_stays_out_of_the_traceback(use_async: bool) -> None:
    """Through a client: an auth of the caller's sets a header value with a newline; the
    error and its traceback (no chained h11 error) hold no trace of the value."""

    class Broken(httpx.Auth):
        def auth_flow(self, request: httpx.Request):  # type: ignore[no-untyped-def]
            request.headers["X-Api-Key"] = "k-SECRET-987\n"
            yield request

    with socket.socket() as listener:  # connections complete in its backlog: h11 then refuses
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        base_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        if use_async:

            async def call() -> None:
                async with AsyncKimonoClient(auth=Broken(), base_url=base_url, max_retries=0) as k:
                    await k.tenants.current()

            with pytest.raises(APIConnectionError) as raised:
                asyncio.run(call())
        else:
            kimono = KimonoClient(auth=Broken(), base_url=base_url, max_retries=0)
            with kimono, pytest.raises(APIConnectionError) as raised:
                kimono.tenants.current()
    shown = "".join(traceback.format_exception(raised.value))
    assert "k-SECRET-987" not in shown and "not valid HTTP" in shown
    # nor on the error as its context (the h11 error, held there, quotes the value)
    assert raised.value.__cause__ is None and raised.value.__context__ is None


def test_a_proxy_whose_name_does_not_resolve_is_named_with_its_own_hint() -> None:
    """Through a proxy, the name that did not resolve is the proxy's: the error names it
    and points at the proxy's URL, not at base_url."""
    request = httpx.Request("GET", "https://api.example.test/v2/interop/tenant")
    request.extensions[PROXY_EXTENSION] = "http://proxy.corp.invalid:3128"
    exc = httpx.ConnectError("name resolution failed")
    exc.__cause__ = socket.gaierror(-2, "Name or service not known")
    message = str(transport_error(exc, request))
    assert "could not resolve host 'proxy.corp.invalid'" in message
    assert "the proxy's URL" in message and "base_url" not in message
