"""Types the client's signatures share: the "not given" sentinel, timeouts, sleep functions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypedDict
from uuid import UUID

import httpx

if TYPE_CHECKING:
    from ._retry import RetryPolicy
    from ._task_view import TaskView


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

#: Accounts to filter tenants by: ids, as an iterable or one comma-separated string.
AccountIds = str | Iterable[str | UUID] | None
#: Integrations to filter tenants by: names, as an iterable or one comma-separated string.
IntegrationNames = str | Iterable[str] | None


class ClientSettings(TypedDict, total=False):
    """The settings of :class:`~kimono_interop.KimonoClient` and ``AsyncKimonoClient``
    but ``transport`` (each client's own kind), by keyword: what ``from_env`` and a fleet
    ``Worker`` pass on, so that a type checker refuses a misspelt one (``timout=5``),
    which failed only at run time. The constructors say what each does (a test keeps
    the names equal to theirs)."""

    client_id: str | None
    client_secret: str | None
    base_url: str | None
    token_url: str | None
    auth: httpx.Auth | None
    timeout: float | httpx.Timeout | None
    max_retries: int
    retry: RetryPolicy | None
    headers: Mapping[str, str] | None
    deadline: float | NotGiven | None
    max_response_size: int


class ConsumerOptions(TypedDict, total=False):
    """The options of a task consumer (``tasks.consumer``, ``run``, ``run_tenants`` ...).

    Each is a keyword argument of :class:`~kimono_interop.TaskConsumer`, which says what
    it does; this type lets a type checker refuse a misspelt or mistyped one
    (``stop_when_emtpy=True``) where the options are passed on.
    """

    tenant_id: str | UUID | None
    driver: str | None
    schema: str | None
    stop_when_empty: bool
    max_tasks: int | None
    poll_interval: float
    max_poll_interval: float
    task_timeout: float | None
    remember: int
    handle_signals: bool
    on_unackable: Callable[[TaskView], Any] | None
    on_exception: Literal["error", "retry"]
