"""One TLS context per process, shared by every client that makes its own transport.

Reading the CA bundle into a context is slow; made once, a second client costs next to
nothing. Certificates are still verified (``test_connection_errors`` refuses a
self-signed server), and ``SSL_CERT_FILE`` still chooses what is trusted, for the clients
made after it changes.
"""

from __future__ import annotations

import asyncio
import gc
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kimono_interop import APIConnectionError, AsyncKimonoClient, BearerToken, KimonoClient
from kimono_interop._transports import tls_context
from tests.support.tls import self_signed_context

TENANT_ID = "2a4a2e06-7755-43bb-9766-4f398079ef8c"
TENANT = b'{"data": {"id": "%s", "name": "Tenant"}}' % TENANT_ID.encode()


def contexts() -> int:
    """How many SSLContext objects this process holds (found by the garbage collector)."""
    gc.collect()
    return sum(isinstance(obj, ssl.SSLContext) for obj in gc.get_objects())


def clients(**options: Any) -> list[Any]:
    """Clients of both kinds, for http and https origins, and the copies they make."""
    made: list[Any] = []
    for base_url in ("http://127.0.0.1:9", "https://api.us2.kimonocloud.com"):
        for cls in (KimonoClient, AsyncKimonoClient):
            client = cls(auth=BearerToken("t"), base_url=base_url, **options)
            tenant = {
                "id": TENANT_ID,
                "auth": {"type": "basic", "client_id": "a", "client_secret": "b"},
            }
            made += [client, client.with_options(timeout=5), client.for_tenant(tenant)]
    return made


def close(made: list[Any]) -> None:
    async def aclose_all() -> None:
        for client in made:
            if isinstance(client, AsyncKimonoClient):
                await client.aclose()

    for client in made:
        if isinstance(client, KimonoClient):
            client.close()
    asyncio.run(aclose_all())


def test_clients_share_one_tls_context() -> None:
    """Twelve clients (sync and async, http and https, copies and tenants' clients) add no
    SSLContext to the process but the one they share."""
    shared = tls_context()
    before = contexts()
    made = clients()
    try:
        assert contexts() == before
        assert tls_context() is shared
    finally:
        close(made)


def test_a_client_given_a_transport_makes_no_tls_context() -> None:
    """With transport= (a mock, in tests) no context is made at all."""
    before = contexts()
    made: list[Any] = []
    for cls in (KimonoClient, AsyncKimonoClient):
        transport: Any = httpx.MockTransport(lambda request: httpx.Response(200))
        made.append(cls(auth=BearerToken("t"), base_url="https://x.test", transport=transport))
    try:
        assert contexts() <= before
    finally:
        close(made)


@pytest.fixture
def trusted_server(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A TLS port for 127.0.0.1 with a self-signed certificate (in the returned file) that
    answers every request with a tenant."""
    context, cert = self_signed_context(tmp_path)
    answer = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n"
    answer += b"content-length: %d\r\n\r\n%s" % (len(TENANT), TENANT)
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(10)
        port = server.getsockname()[1]

        def serve() -> None:
            for _ in range(2):  # the untrusted attempt, then the trusted one
                try:
                    connection, _ = server.accept()
                    with context.wrap_socket(connection, server_side=True) as tls:
                        tls.recv(65536)
                        tls.sendall(answer)
                except OSError:  # the client refused the certificate mid-handshake
                    continue

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        yield port, cert
    thread.join(timeout=10)


def test_ssl_cert_file_chooses_what_clients_made_after_it_trust(
    trusted_server: tuple[int, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without SSL_CERT_FILE the self-signed server is refused; with it pointing at the
    server's certificate, a client made afterwards gets its answer, on a new context."""
    port, cert = trusted_server
    url = f"https://127.0.0.1:{port}"
    default = tls_context()
    with (
        KimonoClient(auth=BearerToken("t"), base_url=url, max_retries=0) as kimono,
        pytest.raises(APIConnectionError) as refused,
    ):
        kimono.tenants.current()
    assert refused.value.cause == "tls"
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    with KimonoClient(auth=BearerToken("t"), base_url=url, max_retries=0) as kimono:
        assert kimono.tenants.current().name == "Tenant"
    trusting = tls_context()
    assert trusting is not default
    assert trusting is tls_context()  # made once for these settings
