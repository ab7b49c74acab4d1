"""The servers of the reliability suite, and the run that hands them out.

Both are the project's one loopback server (``kimono_interop.sandbox.loopback``):
:class:`SandboxServer` serves a fresh sandbox behind the fault middleware, and
:class:`Elsewhere` is another origin that must never be called (redirects and
``paging.next`` links that point away). :class:`Run` holds one run's sizes, its
distinctive secrets and its secret watch, and makes every sandbox with them.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any

from kimono_interop.sandbox import SandboxConfig, SandboxState, create_app
from kimono_interop.sandbox.loopback import LoopbackServer
from scripts.reliability.middleware import FaultMiddleware, send_whole
from scripts.reliability.sizes import Sizes
from scripts.reliability.watch import SecretWatch

#: The client id of every sandbox the suite starts.
CLIENT_ID = "reliability-client"


class SandboxServer(LoopbackServer):
    """The sandbox (its own state and app) behind a :class:`FaultMiddleware`."""

    def __init__(
        self,
        config: SandboxConfig,
        *,
        on_token: Callable[[str], None] | None = None,
    ) -> None:
        self.config = config
        self.state = SandboxState.create(config)
        self.faults = FaultMiddleware(create_app(self.state), on_token=on_token)
        super().__init__(self.faults, name="reliability-sandbox")

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    @property
    def credentials(self) -> dict[str, str]:
        """A client's keyword arguments as the vendor account (as ``Sandbox.credentials``)."""
        return {
            "client_id": self.config.client_id,
            "client_secret": self.config.client_secret,
            "base_url": self.url,
        }

    @property
    def tenant_id(self) -> str:
        return next(iter(self.state.tenants))


class Elsewhere(LoopbackServer):
    """Another origin (another port): records every request; must receive none."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, bool]] = []

        async def app(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                return
            headers = dict(scope["headers"])
            self.requests.append((scope["method"], scope["path"], b"authorization" in headers))
            body = json.dumps({"data": [], "paging": {"next": None}}).encode()
            await send_whole(send, 200, [], body)

        super().__init__(app, name="reliability-elsewhere")

    def __enter__(self) -> Elsewhere:
        self.start()
        return self


class Run:
    """One run of the suite: sizes, distinctive secrets, and the secret watch."""

    def __init__(self, sizes: Sizes, *, watch: SecretWatch | None = None) -> None:
        self.sizes = sizes
        tag = secrets.token_hex(6)
        self.client_secret = f"rel-client-secret-{tag}"
        self.tenant_secret_prefix = f"rel-tenant-secret-{tag}-"
        self.watch = watch or SecretWatch()
        self.watch.add_secret(self.client_secret, "the client secret")
        # What `make record` and the sandbox use by default: must not be in cassettes either.
        for default in ("sandbox-secret", "sandbox-tenant-secret-", "replay-secret"):
            self.watch.add_secret(default, f"the default secret {default!r}")

    def config(self, **settings: Any) -> SandboxConfig:
        settings.setdefault("initial_sync", False)
        return SandboxConfig(client_id=CLIENT_ID, client_secret=self.client_secret, **settings)

    def server(self, config: SandboxConfig) -> SandboxServer:
        server = SandboxServer(config, on_token=self.watch.add_token)
        for n, tenant in enumerate(server.state.tenants.values(), start=1):
            tenant["auth"]["client_secret"] = f"{self.tenant_secret_prefix}{n}"
            self.watch.add_secret(tenant["auth"]["client_secret"], f"tenant {n}'s secret")
        return server
