"""Running the sandbox: in a background thread for tests and examples, or in the foreground."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn

from .app import create_app
from .config import SandboxConfig
from .state import SandboxState


class Sandbox:
    """A running sandbox on 127.0.0.1 (a free port unless given), in a background thread.

        with Sandbox(SandboxConfig(students=500)) as sandbox:
            with KimonoClient(**sandbox.credentials) as kimono:
                ...
            sandbox.state.queue.acks  # what was acknowledged

    ``url`` is the origin to use as ``base_url``; ``credentials`` the keyword
    arguments of a client acting as the vendor account.
    """

    def __init__(
        self,
        config: SandboxConfig | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        **settings: Any,
    ) -> None:
        self.config = config or SandboxConfig(**settings)
        self.state = SandboxState.create(self.config)
        self.host = host
        self._port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def url(self) -> str:
        if self._socket is None:
            raise RuntimeError("the sandbox is not running; use it as a context manager")
        host, port = self._socket.getsockname()[:2]
        return f"http://{host}:{port}"

    @property
    def credentials(self) -> dict[str, str]:
        return {
            "client_id": self.config.client_id,
            "client_secret": self.config.client_secret,
            "base_url": self.url,
        }

    def start(self) -> Sandbox:
        # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP;
        # without it each answer on a kept-alive connection waits ~40 ms for a delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._port))
        self._socket = sock
        config = uvicorn.Config(
            create_app(self.state), log_level="warning", lifespan="off", access_log=False
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="kimono-sandbox", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the sandbox did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=15)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve(config: SandboxConfig, *, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Run the sandbox in the foreground until interrupted (the ``sandbox`` command)."""
    state = SandboxState.create(config)
    uvicorn.run(create_app(state), host=host, port=port, log_level="info", lifespan="off")
