"""``AsyncKimonoClient``: one client for both Interop APIs, sharing auth and a connection pool.

The client owns one httpx transport (one connection pool) and one auth object,
used by two httpx clients: one rooted at the Interop Data API
(``/v2/interop/data``), one at the Interop API (``/v2/interop``). Resource
objects (``client.rostering``, ``client.tenants`` ...) give one method per
operation; the generated low-level packages stay reachable through
``client.data_api`` and ``client.interop_api``, authenticated the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from kimono_interop_api.client import Client as InteropApiClient
from kimono_interop_api.models import TenantInfo
from kimono_interop_data_api.client import Client as DataApiClient

from .. import _settings as settings
from .._auth import BasicAuth, OAuth2ClientCredentials
from .._constants import (
    DATA_API_PATH,
    DEFAULT_MAX_RESPONSE_SIZE,
    DEFAULT_TIMEOUT,
    ENV_CLIENT_ID,
    ENV_CLIENT_SECRET,
    INTEROP_API_PATH,
)
from .._exceptions import ClientClosedError, ConfigurationError
from .._parsing import parse_nested
from .._retry import RetryPolicy
from .._secrets import redact_url
from .._transports import (
    ACCEPT_ENCODING,
    AsyncSharedTransport,
    new_async_transport,
    no_cookies,
)
from .._types import NOT_GIVEN, ClientSettings, NotGiven, Timeout
from .._version import __version__
from ._sender import AsyncSender
from .resources import AsyncResources

if TYPE_CHECKING:
    from typing_extensions import Unpack  # typing.Unpack from Python 3.11


class AsyncKimonoClient(AsyncResources):
    """Client for the Interop Data API and the Interop API.

    Give OAuth2 client credentials (``client_id``/``client_secret``), or any
    ``httpx.Auth`` as ``auth`` (:class:`BearerToken` for an LTI JWT,
    :class:`BasicAuth` for Basic). Use it as a context manager, or close it.

    Every setting not given is read from the environment, as ``OpenAI()`` does:
    ``KIMONO_CLIENT_ID``, ``KIMONO_CLIENT_SECRET``, ``KIMONO_BASE_URL`` and
    ``KIMONO_TOKEN_URL``; so ``KimonoClient()`` works with the variables set, and a
    ``KIMONO_BASE_URL`` pointing at a sandbox is never bypassed by passing only the
    credentials. Each setting is checked here: a wrong one raises
    :class:`ConfigurationError` before any request is sent.

    Args:
        client_id: OAuth2 client id (default ``KIMONO_CLIENT_ID``).
        client_secret: OAuth2 client secret (default ``KIMONO_CLIENT_SECRET``).
        base_url: The service's origin, without a path (default ``KIMONO_BASE_URL``,
            else the US production origin); the SDK appends ``/v2/interop/data``,
            ``/v2/interop`` and ``/oauth/token``.
        token_url: Where client credentials get a token (default ``KIMONO_TOKEN_URL``,
            else ``/oauth/token`` on ``base_url``); tenants' clients use it too.
        auth: Any ``httpx.Auth``, instead of client credentials (the credential
            variables are then not read).
        timeout: Default timeout of every request (overridable per call): seconds,
            an ``httpx.Timeout``, or None.
        max_retries: Retries of a failed request (connection errors, timeouts,
            429, 502, 503, 504); ``retry`` gives full control.
        transport: An ``httpx.AsyncBaseTransport``, e.g. ``httpx.MockTransport`` in tests.
        headers: Extra headers sent with every request.
        deadline: Seconds one exchange (connect, send, the whole answer) may take in
            all; each retry gets its own. Default: 3 times the read timeout (105 s);
            ``None`` for none. The read timeout alone bounds each wait for bytes,
            which a server sending a byte at a time never exceeds.
        max_response_size: Most bytes an answer may have once decoded (default
            64 MiB); a larger one raises :class:`ResponseTooLargeError` unread.
    """

    def __init__(
        self,
        client_id: str | None = None,
        client_secret: str | None = None,
        *,
        base_url: str | None = None,
        token_url: str | None = None,
        auth: httpx.Auth | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
        deadline: float | NotGiven | None = NOT_GIVEN,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
    ) -> None:
        origin = settings.base_url(base_url)
        timeout = settings.timeout(timeout)
        max_retries = settings.count(max_retries, "max_retries", minimum=0)
        settings.instance(retry, RetryPolicy, "retry", "a RetryPolicy")
        settings.instance(
            transport, httpx.AsyncBaseTransport, "transport", "an httpx.AsyncBaseTransport"
        )
        settings.instance(auth, httpx.Auth, "auth", "an httpx.Auth (BasicAuth, BearerToken...)")
        extra_headers = settings.headers(headers)
        settings.count(max_response_size, "max_response_size", minimum=1)
        self.token_url = settings.token_url(token_url, origin)
        if auth is None:
            client_id = settings.credential(client_id, "client_id", ENV_CLIENT_ID)
            client_secret = settings.credential(client_secret, "client_secret", ENV_CLIENT_SECRET)
            if not client_id or not client_secret:
                missing = " and ".join(
                    name
                    for name, value in (("client_id", client_id), ("client_secret", client_secret))
                    if not value
                )
                raise ConfigurationError(
                    f"No {missing}: give client_id= and client_secret= (or set "
                    f"{ENV_CLIENT_ID} and {ENV_CLIENT_SECRET}), or pass auth=."
                )
            auth = OAuth2ClientCredentials(
                client_id,
                client_secret,
                self.token_url,
                retry=retry or RetryPolicy(max_retries=max_retries),
            )
        elif client_id is not None or client_secret is not None:
            raise ConfigurationError("Give client_id/client_secret or auth=, not both")
        self.base_url = origin
        self.auth = auth
        self.timeout = timeout
        self.retry = retry or RetryPolicy(max_retries=max_retries)
        self.deadline = (
            settings.default_deadline(timeout)
            if isinstance(deadline, NotGiven)
            else settings.deadline(deadline)
        )
        #: Whether the deadline was given (it stays whatever the timeout) or follows the
        #: timeout (a few read timeouts: a call's own timeout moves it).
        self._deadline_given = not isinstance(deadline, NotGiven)
        self.max_response_size = max_response_size
        self._headers = extra_headers
        # Like httpx, the client closes the transport it uses, given or made; clients made
        # by for_tenant() share their parent's and leave it open.
        self._owns_transport = True
        self._transport = transport or new_async_transport()
        # A transport the client made is made again in a forked child (see _fork.py).
        self._shared = AsyncSharedTransport(
            self._transport, remake=None if transport else new_async_transport
        )
        common: dict[str, Any] = {
            "auth": auth,
            "timeout": timeout,
            "transport": self._shared,
            # (the encodings it inflates in bounded steps: see _transports)
            "headers": {
                "User-Agent": _user_agent(),
                "Accept-Encoding": ACCEPT_ENCODING,
                **self._headers,
            },
            "follow_redirects": False,
            # No cookie kept: the API needs none, and a server setting a new one on
            # every answer grew the jar, and each request's Cookie header, for ever.
            "cookies": no_cookies(),
        }
        self._data_http = httpx.AsyncClient(base_url=str(origin) + DATA_API_PATH, **common)
        self._interop_http = httpx.AsyncClient(base_url=str(origin) + INTEROP_API_PATH, **common)
        #: The sender of each API, by the name the operation table uses.
        limits: dict[str, Any] = {
            "deadline": self.deadline,
            "deadline_given": self._deadline_given,
            "max_response_size": max_response_size,
        }
        self._senders = {
            "data": AsyncSender(self._data_http, self.retry, **limits),
            "interop": AsyncSender(self._interop_http, self.retry, **limits),
        }

    @classmethod
    def from_env(
        cls,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        **overrides: Unpack[ClientSettings],
    ) -> AsyncKimonoClient:
        """The same as the constructor, which reads KIMONO_CLIENT_ID, KIMONO_CLIENT_SECRET,
        KIMONO_BASE_URL and KIMONO_TOKEN_URL for every setting not given; kept as an
        explicit name for code that wants to say where its settings come from."""
        return cls(transport=transport, **overrides)

    def for_tenant(self, tenant: TenantInfo | Mapping[str, Any]) -> AsyncKimonoClient:
        """A client that acts as ``tenant``, using the credentials in its ``auth``.

        ``tenant`` is a :class:`TenantInfo` (from ``client.tenants.list()``) or its
        dict. ``auth.type`` ``oauth2`` gets client credentials at this client's
        token URL; ``basic`` sends HTTP Basic. The new client shares this
        client's connection pool, base URL, timeout, retries and headers; close
        it when done, and keep this client open while it is in use.
        """
        if self._data_http.is_closed or self._shared.closed:
            # (its client would open connections nothing closes)
            raise ClientClosedError(parent=not self._data_http.is_closed)
        info = tenant if isinstance(tenant, TenantInfo) else _tenant_info(tenant)
        name = str(info.id) if info.id else "(no id)"
        credentials = info.auth
        client_id = getattr(credentials, "client_id", None)
        client_secret = getattr(credentials, "client_secret", None)
        if not client_id or not client_secret:
            raise ConfigurationError(
                f"Tenant {name} has no auth.client_id/auth.client_secret; list tenants "
                "with credentials your account may read (GET /tenants as the vendor)."
            )
        assert isinstance(client_id, str) and isinstance(client_secret, str)
        # The vendor's driver framework matches the type without regard to case
        # (client-kit-java Credentials.forTenant upper-cases it).
        kind = str(getattr(getattr(credentials, "type_", None), "value", "oauth2")).lower()
        auth: httpx.Auth
        if kind == "basic":
            auth = BasicAuth(client_id, client_secret)
        elif kind == "oauth2":
            auth = OAuth2ClientCredentials(
                client_id, client_secret, self.token_url, retry=self.retry
            )
        else:
            raise ConfigurationError(
                f"Tenant {name} uses auth type {kind!r}, which this SDK does not know; "
                "pass auth= yourself."
            )
        child = type(self)(
            base_url=str(self.base_url),
            token_url=self.token_url,
            auth=auth,
            timeout=self.timeout,
            retry=self.retry,
            # The shared transport itself, as with_options() gives it: after a fork, the
            # child uses the pool its parent makes for the new process, not one of its own.
            transport=self._shared,
            headers=self._headers,
            deadline=self.deadline if self._deadline_given else NOT_GIVEN,
            max_response_size=self.max_response_size,
        )
        child._owns_transport = False
        return child

    def with_options(
        self,
        *,
        timeout: Timeout = NOT_GIVEN,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        deadline: float | NotGiven | None = NOT_GIVEN,
        max_response_size: int | None = None,
    ) -> AsyncKimonoClient:
        """A copy of this client with the settings given changed, on its pool and auth.

        ``kimono.with_options(timeout=5, max_retries=0).tenants.current()``: the copy
        shares this client's connection pool, auth (and token) and base URL, and keeps
        every setting not given. ``headers`` are merged over this client's;
        ``max_retries`` changes only that field of the retry policy, ``retry`` replaces
        it. A deadline left at the default for this client's timeout becomes the default
        for the new one; a deadline this client was given is kept unless ``deadline=`` is.
        Closing the copy (or dropping it unclosed) leaves the pool open; keep this client
        open while the copy is in use. Works on a ``for_tenant`` client too.
        """
        if self._data_http.is_closed or self._shared.closed:
            # (a copy would open connections nothing closes)
            raise ClientClosedError(parent=not self._data_http.is_closed)
        new_timeout = self.timeout if isinstance(timeout, NotGiven) else timeout
        if retry is None:
            retry = (
                self.retry
                if max_retries is None
                else replace(
                    self.retry, max_retries=settings.count(max_retries, "max_retries", minimum=0)
                )
            )
        elif max_retries is not None:
            raise ConfigurationError("Give max_retries or retry, not both")
        if isinstance(deadline, NotGiven) and self._deadline_given:
            deadline = self.deadline  # (one not given follows the new timeout)
        copy = type(self)(
            base_url=str(self.base_url),
            token_url=self.token_url,
            auth=self.auth,
            timeout=new_timeout,
            retry=retry,
            # The shared transport itself: after a fork, the copy uses whatever pool this
            # client makes for the new process.
            transport=self._shared,
            headers={**self._headers, **settings.headers(headers)},
            deadline=deadline,
            max_response_size=(
                self.max_response_size if max_response_size is None else max_response_size
            ),
        )
        copy._owns_transport = False
        return copy

    @property
    def data_api(self) -> DataApiClient:
        """The generated Interop Data API client, on this client's connection and auth."""
        low_level = DataApiClient(base_url=str(self._data_http.base_url))
        return low_level.set_async_httpx_client(self._data_http)

    @property
    def interop_api(self) -> InteropApiClient:
        """The generated Interop API client, on this client's connection and auth."""
        low_level = InteropApiClient(base_url=str(self._interop_http.base_url))
        return low_level.set_async_httpx_client(self._interop_http)

    async def aclose(self) -> None:
        """Close the connection pool (unless it belongs to the client this one came from)."""
        await self._data_http.aclose()
        await self._interop_http.aclose()
        if self._owns_transport:
            self._shared.closed = True  # (the clients made from this one: see current())
            await self._shared.transport.aclose()  # after a fork, the child's own one

    async def __aenter__(self) -> AsyncKimonoClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={redact_url(self.base_url)!r}, auth={self.auth!r})"


def _tenant_info(tenant: Mapping[str, Any]) -> TenantInfo:
    if not isinstance(tenant, Mapping):
        raise TypeError(f"tenant must be a TenantInfo or a dict, not {type(tenant).__name__}")
    if not isinstance(tenant.get("auth", {}), Mapping):
        raise ConfigurationError("The tenant's `auth` is not an object; it holds no credentials.")
    try:
        return parse_nested(TenantInfo.from_dict(dict(tenant)))
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise ConfigurationError(f"Not a TenantInfo: {type(exc).__name__}: {exc}") from exc


def _user_agent() -> str:
    return f"kimono-interop-python/{__version__}"
