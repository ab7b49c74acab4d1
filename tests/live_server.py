"""A real HTTP server on 127.0.0.1 for tests: the project's one loopback server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from starlette.types import ASGIApp

from kimono_interop.sandbox.loopback import LoopbackServer


@contextmanager
def serve(app: ASGIApp) -> Iterator[str]:
    """Serve ``app`` on a free loopback port; yield its origin (``http://127.0.0.1:PORT``)."""
    with LoopbackServer(app, name="test") as server:
        yield server.url
