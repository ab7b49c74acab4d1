"""Running the sandbox: in a background thread for tests and examples, or in the foreground."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypedDict

from .app import create_app
from .config import SandboxConfig
from .loopback import LoopbackServer
from .state import SandboxState


class Credentials(TypedDict):
    """The keyword arguments of a client acting as the sandbox's vendor account."""

    client_id: str
    client_secret: str
    base_url: str


class Sandbox(LoopbackServer):
    """A running sandbox on 127.0.0.1 (a free port unless given), in a background thread.

        with Sandbox(SandboxConfig(students=500)) as sandbox:
            with KimonoClient(**sandbox.credentials) as kimono:
                ...
            sandbox.state.queue.acks  # what was acknowledged

    ``url`` is the origin to use as ``base_url``; ``credentials`` the keyword
    arguments of a client acting as the vendor account. Starting, stopping and the
    context manager are :class:`LoopbackServer`'s.
    """

    def __init__(
        self,
        config: SandboxConfig | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        access_log: bool = False,
        **settings: Any,
    ) -> None:
        self.config = config or SandboxConfig(**settings)
        self.state = SandboxState.create(self.config)
        super().__init__(
            create_app(self.state),
            host=host,
            port=port,
            name="kimono-sandbox",
            access_log=access_log,
        )

    @property
    def credentials(self) -> Credentials:
        """``client_id``, ``client_secret`` and ``base_url``: ``KimonoClient(**credentials)``."""
        return {
            "client_id": self.config.client_id,
            "client_secret": self.config.client_secret,
            "base_url": self.url,
        }


def serve(
    config: SandboxConfig,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    ready: Callable[[Sandbox], object] | None = None,
) -> None:
    """Run the sandbox in the foreground until Ctrl-C (the ``sandbox`` command).

    The port is bound first: OSError if it is taken (``errno.EADDRINUSE``), before
    anything is announced. ``ready(sandbox)`` is called once it accepts connections;
    ``sandbox.port`` is the port it listens on (the one the system chose, for port 0).
    Each request is logged on the ``uvicorn.access`` logger. Ctrl-C stops it and returns.
    """
    try:
        with Sandbox(config, host=host, port=port, access_log=True) as sandbox:
            if ready is not None:
                ready(sandbox)
            sandbox.wait()
    except KeyboardInterrupt:
        pass
