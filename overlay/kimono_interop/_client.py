"""``KimonoClient``: one client for both Interop APIs, sharing auth and a connection pool.

The client owns one ``httpx`` transport (one connection pool) and one auth
object, used by two ``httpx.Client``s: one rooted at the Interop Data API
(``/v2/interop/data``), one at the Interop API (``/v2/interop``). Resource
objects (``client.rostering`` ...) give one method per operation; the generated
low-level packages stay reachable through ``client.data_api`` and
``client.interop_api``, authenticated the same way.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx

from kimono_interop_api.client import Client as InteropApiClient
from kimono_interop_data_api.client import Client as DataApiClient

from ._auth import OAuth2ClientCredentials
from ._base_client import DEFAULT_TIMEOUT, NOT_GIVEN, Sender, Timeout
from ._exceptions import ConfigurationError
from ._retry import RetryPolicy
from .resources.rostering import Rostering

DEFAULT_BASE_URL = "https://api.us2.kimonocloud.com"
DATA_API_PATH = "/v2/interop/data"
INTEROP_API_PATH = "/v2/interop"
TOKEN_PATH = "/oauth/token"


class KimonoClient:
    """Synchronous client for the Interop Data API and the Interop API.

    Give OAuth2 client credentials (``client_id``/``client_secret``), or any
    ``httpx.Auth`` as ``auth`` (e.g. :class:`BearerToken` for an LTI JWT, or
    :class:`BasicAuth`). Use it as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        client_id: str | None = None,
        client_secret: str | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        auth: httpx.Auth | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        origin = httpx.URL(base_url.rstrip("/"))
        if origin.scheme not in ("http", "https") or not origin.host:
            raise ConfigurationError(
                f"base_url must be an absolute http(s) URL such as {DEFAULT_BASE_URL!r}, "
                f"got {base_url!r}"
            )
        if auth is None:
            if not client_id or not client_secret:
                raise ConfigurationError(
                    "Give client_id and client_secret (or set KIMONO_CLIENT_ID and "
                    "KIMONO_CLIENT_SECRET and use KimonoClient.from_env()), or pass auth=."
                )
            auth = OAuth2ClientCredentials(client_id, client_secret, str(origin) + TOKEN_PATH)
        self.base_url = origin
        self.auth = auth
        self.retry = retry or RetryPolicy(max_retries=max_retries)
        self._transport = transport or httpx.HTTPTransport()
        common: dict[str, Any] = {
            "auth": auth,
            "timeout": timeout,
            "transport": self._transport,
            "headers": {"User-Agent": _user_agent(), **(headers or {})},
            "follow_redirects": False,
        }
        self._data_http = httpx.Client(base_url=str(origin) + DATA_API_PATH, **common)
        self._interop_http = httpx.Client(base_url=str(origin) + INTEROP_API_PATH, **common)
        self.data = Sender(self._data_http, self.retry)
        self.interop = Sender(self._interop_http, self.retry)
        self.rostering = Rostering(self)

    @classmethod
    def from_env(cls, **overrides: Any) -> KimonoClient:
        """Build a client from KIMONO_BASE_URL, KIMONO_CLIENT_ID and KIMONO_CLIENT_SECRET."""
        settings: dict[str, Any] = {
            "client_id": os.environ.get("KIMONO_CLIENT_ID"),
            "client_secret": os.environ.get("KIMONO_CLIENT_SECRET"),
            "base_url": os.environ.get("KIMONO_BASE_URL") or DEFAULT_BASE_URL,
        }
        settings.update(overrides)
        return cls(**settings)

    @property
    def data_api(self) -> DataApiClient:
        """The generated Interop Data API client, on this client's connection and auth."""
        low_level = DataApiClient(base_url=str(self._data_http.base_url))
        return low_level.set_httpx_client(self._data_http)

    @property
    def interop_api(self) -> InteropApiClient:
        """The generated Interop API client, on this client's connection and auth."""
        low_level = InteropApiClient(base_url=str(self._interop_http.base_url))
        return low_level.set_httpx_client(self._interop_http)

    def close(self) -> None:
        """Close the connection pool."""
        self._data_http.close()
        self._interop_http.close()
        self._transport.close()

    def __enter__(self) -> KimonoClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"KimonoClient(base_url={str(self.base_url)!r}, auth={self.auth!r})"


def _user_agent() -> str:
    from . import __version__

    return f"kimono-interop-python/{__version__}"


__all__ = ["NOT_GIVEN", "KimonoClient", "Timeout"]
