"""Fixtures every folder of the suite may use: a loopback server, a sandbox, the async backend.

Helpers that are plain functions and classes live in ``tests/support/``; what is here
needs pytest's setup and teardown.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kimono_interop._constants import ENV_BASE_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_TOKEN_URL
from kimono_interop.sandbox import Sandbox
from kimono_interop.sandbox.loopback import LoopbackServer


@pytest.fixture(autouse=True)
def _no_kimono_settings_from_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clients read KIMONO_* variables for settings not given: a developer's own must not
    reach the tests (a test that wants one sets it)."""
    for name in (ENV_BASE_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_TOKEN_URL):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def anyio_backend() -> str:
    """The async tests (``@pytest.mark.anyio``) run on asyncio, the backend the SDK is used with."""
    return "asyncio"


@pytest.fixture
def serve() -> Iterator[Callable[[Any], str]]:
    """Serve ASGI apps over real HTTP for one test: ``serve(app)`` returns the origin.

    Each app gets the project's one loopback server (``LoopbackServer``) on a free
    port of 127.0.0.1; every server started in the test stops when the test ends.
    """
    with contextlib.ExitStack() as servers:

        def start(app: Any) -> str:
            return str(servers.enter_context(LoopbackServer(app, name="test")).url)

        yield start


@pytest.fixture(scope="module")
def sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """One running sandbox for the module, over loopback HTTP.

    Its settings are the module's ``SANDBOX`` dict (``SandboxConfig``'s fields, e.g.
    ``SANDBOX = {"students": 30, "seed": 7}``); without one, the defaults.
    """
    settings: dict[str, Any] = getattr(request.module, "SANDBOX", {})
    with Sandbox(**settings) as running:
        yield running


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a throwaway PostgreSQL server's ``postgres`` database, for the session
    (tests/support/postgres.py); the tests that need it skip without PostgreSQL binaries."""
    from tests.support.postgres import server

    with server() as url:
        yield url
