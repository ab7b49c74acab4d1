"""The clients go through the proxies the environment names (HTTP_PROXY, HTTPS_PROXY,
ALL_PROXY, NO_PROXY), as httpx's own clients do: httpx reads them only when it makes its
transport, and the SDK makes its own."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from kimono_interop import APIConnectionError, AsyncKimonoClient, ConfigurationError, KimonoClient
from kimono_interop._auth import BearerToken
from kimono_interop._transports import _bypassed, _no_proxy_entries, environment_proxies

TENANT = "2a4a2e06-7755-43bb-9766-4f398079ef8c"


class _Recorder(BaseHTTPRequestHandler):
    """Answers any GET with a tenant named after the server; records the request target
    (absolute, as a client sends it to a proxy; a path, as it sends it to a server)."""

    def do_GET(self) -> None:
        self.server.targets.append(self.path)  # type: ignore[attr-defined]
        body = json.dumps({"data": {"id": TENANT, "name": self.server.name}}).encode()  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def servers() -> Iterator[dict[str, ThreadingHTTPServer]]:
    """A "proxy" and a "service", each on a free port of 127.0.0.1."""
    made = {}
    for name in ("proxy", "service"):
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
        server.name = name  # type: ignore[attr-defined]
        server.targets = []  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        made[name] = server
    yield made
    for server in made.values():
        server.shutdown()
        server.server_close()


def _url(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def _name(use_async: bool, base_url: str) -> str:
    options = {"auth": BearerToken("t0ken"), "base_url": base_url, "max_retries": 0}
    if use_async:

        async def call() -> str:
            async with AsyncKimonoClient(**options) as kimono:
                return str((await kimono.tenants.current()).name)

        return asyncio.run(call())
    with KimonoClient(**options) as kimono:
        return str(kimono.tenants.current().name)


@pytest.fixture(autouse=True)
def _no_proxies_of_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.mark.parametrize("use_async", [False, True])
@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_requests_go_through_the_proxy_the_environment_names(
    servers: dict[str, ThreadingHTTPServer],
    monkeypatch: pytest.MonkeyPatch,
    use_async: bool,
    variable: str,
) -> None:
    """The service's host is never resolved here: the proxy is asked for its URL."""
    monkeypatch.setenv(variable, _url(servers["proxy"]))
    assert _name(use_async, "http://kimono.invalid") == "proxy"
    assert servers["proxy"].targets == ["http://kimono.invalid/v2/interop/tenant"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("use_async", [False, True])
def test_loopback_and_other_schemes_go_direct(
    servers: dict[str, ThreadingHTTPServer], monkeypatch: pytest.MonkeyPatch, use_async: bool
) -> None:
    """A proxy for https only leaves http alone; a service on this machine (the sandbox)
    is never reached through a proxy, NO_PROXY or not."""
    service = _url(servers["service"])
    monkeypatch.setenv("HTTPS_PROXY", _url(servers["proxy"]))
    assert _name(use_async, service) == "service"
    monkeypatch.setenv("HTTP_PROXY", _url(servers["proxy"]))
    assert _name(use_async, service) == "service"
    assert servers["proxy"].targets == []  # type: ignore[attr-defined]
    assert servers["service"].targets == ["/v2/interop/tenant"] * 2  # type: ignore[attr-defined]


def test_the_proxies_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert environment_proxies() == {}
    monkeypatch.setenv("HTTPS_PROXY", "proxy.corp:3128")
    monkeypatch.setenv("NO_PROXY", "localhost")
    assert environment_proxies() == {"https": "http://proxy.corp:3128", "no": "localhost"}


@pytest.mark.parametrize(
    ("url", "no_proxy", "direct"),
    [
        ("https://api.example.com/x", "example.com", True),
        ("https://api.example.com/x", ".example.com:443", True),
        ("https://API.Example.com/x", "x, *", True),
        ("https://example.com/x", "http://example.com", False),  # that scheme only
        ("http://example.com/x", "http://example.com", True),
        ("https://api.example.com/x", "all://example.com", True),  # httpx's own form
        ("http://example.com/x", "all://*", True),
        ("https://api.example.com/x", "all://*.example.com", True),
        ("https://example.com/x", "all://*example.com", True),  # httpx's, from example.com
        ("https://api.example.com/x", "*.example.com", True),
        ("https://badexample.com/x", "example.com", False),
        ("https://example.com/x", "", False),
        ("http://127.0.0.1:8080/x", "", True),  # loopback: always direct
        ("http://localhost/x", "", True),
        ("http://[::1]:8080/x", "", True),
        ("http://[fe80::1]/x", "[fe80::1]:8080", True),
        ("http://127.corp.example.com/x", "", False),  # a name, not an address
        ("http://127.0.0.1.nip.io/x", "", False),
        ("http://[0:0:0:0:0:0:0:1]/x", "", True),
        ("http://api.localhost/x", "", True),
    ],
)
def test_which_hosts_go_direct(url: str, no_proxy: str, direct: bool) -> None:
    assert _bypassed(httpx.URL(url), _no_proxy_entries(no_proxy)) is direct


@pytest.mark.parametrize("use_async", [False, True])
def test_a_proxy_that_refuses_is_named_in_the_error(
    monkeypatch: pytest.MonkeyPatch, use_async: bool
) -> None:
    """Through a proxy, the host and port that refused are the proxy's: the error names
    them and the variable that set them, never the service's as if it had refused."""
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("HTTP_PROXY", f"http://user:pw-SECRET@127.0.0.1:{port}")
    with pytest.raises(APIConnectionError) as raised:
        _name(use_async, "http://kimono.invalid:8080")
    message = str(raised.value)
    assert f"connection refused by 127.0.0.1:{port}" in message
    assert f"through the proxy http://127.0.0.1:{port}" in message and "HTTP_PROXY" in message
    assert "pw-SECRET" not in message


def test_a_proxy_that_refuses_the_token_request_is_named_in_the_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With client credentials the first request through the proxy is the token's: the
    error named the API request, its host as the one that refused, and base_url to check.
    It names the token request, the proxy, and what the token was for."""
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    options = {"base_url": "http://kimono.invalid:8080", "max_retries": 0}
    kimono = KimonoClient("id", "secret", **options)  # type: ignore[arg-type]
    with kimono, pytest.raises(APIConnectionError) as raised:
        kimono.tenants.current()
    message = str(raised.value)
    token = "POST http://kimono.invalid:8080/oauth/token"
    assert message.startswith(f"{token} (getting a token for GET")
    # the error's request is the API call's, and the token request (its body holds the
    # secret) is not chained to it
    assert (raised.value.method, raised.value.request.content) == ("GET", b"")
    assert raised.value.url.endswith("/v2/interop/tenant")
    assert raised.value.__cause__ is None and raised.value.__context__ is None
    assert f"connection refused by 127.0.0.1:{port}" in message
    assert f"through the proxy http://127.0.0.1:{port}" in message


@pytest.mark.parametrize("use_async", [False, True])
@pytest.mark.parametrize(
    "proxy",
    ["http://user:pa/SECRET@127.0.0.1:9", "http://localhost:9/pw-SECRET@proxy.example.com:8080"],
)
def test_a_proxy_url_that_does_not_read_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, proxy: str, use_async: bool
) -> None:
    """A password holding '/' made httpx read part of it as the proxy's host or port:
    every request raised httpx.InvalidURL quoting it, or went to the wrong proxy with the
    password in its errors. A request that would go through it is refused, masked."""
    monkeypatch.setenv("HTTPS_PROXY", proxy)
    with pytest.raises(ConfigurationError, match="HTTPS_PROXY") as raised:
        _name(use_async, "https://kimono.invalid")
    assert "SECRET" not in str(raised.value) and "pa/" not in str(raised.value)


@pytest.mark.parametrize("use_async", [False, True])
def test_a_proxy_url_that_does_not_read_stops_only_the_requests_it_would_carry(
    servers: dict[str, ThreadingHTTPServer], monkeypatch: pytest.MonkeyPatch, use_async: bool
) -> None:
    """An unreadable HTTPS_PROXY refused every client when it was made, one whose
    requests all use http (or go direct by NO_PROXY) among them."""
    monkeypatch.setenv("HTTPS_PROXY", "http://user:pa/SECRET@127.0.0.1:9")
    monkeypatch.setenv("HTTP_PROXY", _url(servers["proxy"]))
    assert _name(use_async, "http://kimono.invalid") == "proxy"
    monkeypatch.setenv("NO_PROXY", "kimono.invalid")
    with pytest.raises(APIConnectionError):  # direct, to a host that does not resolve
        _name(use_async, "https://kimono.invalid")
