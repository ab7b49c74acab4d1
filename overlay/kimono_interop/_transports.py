"""Transports several httpx clients share: both APIs of a client, and its for_tenant children."""

from __future__ import annotations

import httpx


class SharedTransport(httpx.BaseTransport):
    """A transport several httpx clients share; closing a client leaves it open.

    The Kimono client closes the real transport itself, once, and only if it owns it.
    """

    def __init__(self, transport: httpx.BaseTransport) -> None:
        self.transport = transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.transport.handle_request(request)

    def close(self) -> None:
        pass


class AsyncSharedTransport(httpx.AsyncBaseTransport):
    """The async twin of :class:`SharedTransport`."""

    def __init__(self, transport: httpx.AsyncBaseTransport) -> None:
        self.transport = transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.transport.handle_async_request(request)

    async def aclose(self) -> None:
        pass
