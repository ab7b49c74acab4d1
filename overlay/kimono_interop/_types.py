"""Types the client's signatures share: the "not given" sentinel, timeouts, sleep functions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx


class NotGiven:
    """Sentinel for "argument not given", which differs from ``None`` ("no timeout")."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> bool:
        return False


NOT_GIVEN = NotGiven()
#: A call's timeout: seconds, an ``httpx.Timeout``, ``None`` for none, or the client's default.
Timeout = float | httpx.Timeout | None | NotGiven
#: A call's ``extra_headers``: added to the client's headers, replacing those of the same name.
Headers = Mapping[str, str]
#: A call's ``extra_query``: added to the call's query parameters (a ``None`` value leaves one out).
Query = Mapping[str, Any]

#: How the sync sender waits between retries (``time.sleep``), and the async one (``anyio.sleep``).
Sleep = Callable[[float], None]
AsyncSleep = Callable[[float], Awaitable[None]]
