"""kimono-interop: the Python SDK for the Kimono (Instructure DataSync) Interop APIs.

    from kimono_interop import KimonoClient

    with KimonoClient.from_env() as kimono:
        for student in kimono.rostering.students.list():
            print(student.name.last)

:class:`KimonoClient` and :class:`AsyncKimonoClient` cover both APIs with one
connection pool and one token. They stand on two generated packages that ship
in the same distribution, produced from the contracts in ``spec/``:

* :mod:`kimono_interop_data_api` -- the Interop Data API (rostering, grades, tasks);
* :mod:`kimono_interop_api` -- the Interop API (clouds, integrations, tenants, ...).
"""

import importlib
from typing import TYPE_CHECKING, Any

from ._logging import setup_logging as _setup_logging
from ._version import __version__

# The public names load on first use (PEP 562), so `import kimono_interop` and the command
# line's --help do not wait for httpx and the generated models. Type checkers read the
# imports below; _EXPORTS is where each name lives at run time (a test keeps the two equal).
if TYPE_CHECKING:
    from kimono_interop_data_api.models import TaskAckStatus as TaskAckStatus
    from kimono_interop_data_api.types import (
        UNSET as UNSET,
    )
    from kimono_interop_data_api.types import (
        Unset as Unset,
    )

    from ._async.consumer import AsyncTaskConsumer as AsyncTaskConsumer
    from ._auth import (
        BasicAuth as BasicAuth,
    )
    from ._auth import (
        BearerToken as BearerToken,
    )
    from ._auth import (
        OAuth2ClientCredentials as OAuth2ClientCredentials,
    )
    from ._client import (
        AsyncKimonoClient as AsyncKimonoClient,
    )
    from ._client import (
        KimonoClient as KimonoClient,
    )
    from ._constants import (
        DEFAULT_BASE_URL as DEFAULT_BASE_URL,
    )
    from ._constants import (
        DEFAULT_TIMEOUT as DEFAULT_TIMEOUT,
    )
    from ._exceptions import (
        AckError as AckError,
    )
    from ._exceptions import (
        APIConnectionError as APIConnectionError,
    )
    from ._exceptions import (
        APIStatusError as APIStatusError,
    )
    from ._exceptions import (
        APITimeoutError as APITimeoutError,
    )
    from ._exceptions import (
        AuthenticationError as AuthenticationError,
    )
    from ._exceptions import (
        BadRequestError as BadRequestError,
    )
    from ._exceptions import (
        ClientClosedError as ClientClosedError,
    )
    from ._exceptions import (
        ConfigurationError as ConfigurationError,
    )
    from ._exceptions import (
        ConflictError as ConflictError,
    )
    from ._exceptions import (
        InternalServerError as InternalServerError,
    )
    from ._exceptions import (
        InvalidItem as InvalidItem,
    )
    from ._exceptions import (
        InvalidItemsError as InvalidItemsError,
    )
    from ._exceptions import (
        KimonoError as KimonoError,
    )
    from ._exceptions import (
        NotFoundError as NotFoundError,
    )
    from ._exceptions import (
        PermissionDeniedError as PermissionDeniedError,
    )
    from ._exceptions import (
        RateLimitError as RateLimitError,
    )
    from ._exceptions import (
        ResponseTooLargeError as ResponseTooLargeError,
    )
    from ._exceptions import (
        ResponseValidationError as ResponseValidationError,
    )
    from ._exceptions import (
        TokenServiceError as TokenServiceError,
    )
    from ._exceptions import (
        UnauthorizedError as UnauthorizedError,
    )
    from ._exceptions import (
        UnprocessableEntityError as UnprocessableEntityError,
    )
    from ._exceptions import (
        UnsafeRedirectError as UnsafeRedirectError,
    )
    from ._pagination import (
        AsyncPager as AsyncPager,
    )
    from ._pagination import (
        Page as Page,
    )
    from ._pagination import (
        SyncPager as SyncPager,
    )
    from ._references import ref_id as ref_id
    from ._response import APIResponse as APIResponse
    from ._retry import RetryPolicy as RetryPolicy
    from ._runtime import TaskTimeoutError as TaskTimeoutError
    from ._sync.consumer import TaskConsumer as TaskConsumer
    from ._task_view import (
        AckResult as AckResult,
    )
    from ._task_view import (
        AsyncTaskHandler as AsyncTaskHandler,
    )
    from ._task_view import (
        ConsumerStats as ConsumerStats,
    )
    from ._task_view import (
        HandlerResult as HandlerResult,
    )
    from ._task_view import (
        ReauthenticateTask as ReauthenticateTask,
    )
    from ._task_view import (
        RetryTask as RetryTask,
    )
    from ._task_view import (
        TaskHandler as TaskHandler,
    )
    from ._task_view import (
        TaskKind as TaskKind,
    )
    from ._task_view import (
        TaskResult as TaskResult,
    )
    from ._task_view import (
        TaskStatus as TaskStatus,
    )
    from ._task_view import (
        TaskView as TaskView,
    )
    from ._types import (
        NOT_GIVEN as NOT_GIVEN,
    )
    from ._types import (
        NotGiven as NotGiven,
    )

_EXPORTS: dict[str, str] = {
    "TaskAckStatus": "kimono_interop_data_api.models",
    "UNSET": "kimono_interop_data_api.types",
    "Unset": "kimono_interop_data_api.types",
    "AsyncTaskConsumer": "._async.consumer",
    "BasicAuth": "._auth",
    "BearerToken": "._auth",
    "OAuth2ClientCredentials": "._auth",
    "AsyncKimonoClient": "._client",
    "KimonoClient": "._client",
    "DEFAULT_BASE_URL": "._constants",
    "DEFAULT_TIMEOUT": "._constants",
    "APIConnectionError": "._exceptions",
    "APIStatusError": "._exceptions",
    "APITimeoutError": "._exceptions",
    "AckError": "._exceptions",
    "AuthenticationError": "._exceptions",
    "BadRequestError": "._exceptions",
    "ClientClosedError": "._exceptions",
    "ConfigurationError": "._exceptions",
    "ConflictError": "._exceptions",
    "InternalServerError": "._exceptions",
    "InvalidItem": "._exceptions",
    "InvalidItemsError": "._exceptions",
    "KimonoError": "._exceptions",
    "NotFoundError": "._exceptions",
    "PermissionDeniedError": "._exceptions",
    "RateLimitError": "._exceptions",
    "ResponseTooLargeError": "._exceptions",
    "ResponseValidationError": "._exceptions",
    "TokenServiceError": "._exceptions",
    "UnauthorizedError": "._exceptions",
    "UnprocessableEntityError": "._exceptions",
    "UnsafeRedirectError": "._exceptions",
    "AsyncPager": "._pagination",
    "Page": "._pagination",
    "SyncPager": "._pagination",
    "ref_id": "._references",
    "APIResponse": "._response",
    "RetryPolicy": "._retry",
    "TaskTimeoutError": "._runtime",
    "TaskConsumer": "._sync.consumer",
    "AckResult": "._task_view",
    "AsyncTaskHandler": "._task_view",
    "ConsumerStats": "._task_view",
    "HandlerResult": "._task_view",
    "ReauthenticateTask": "._task_view",
    "RetryTask": "._task_view",
    "TaskKind": "._task_view",
    "TaskResult": "._task_view",
    "TaskHandler": "._task_view",
    "TaskStatus": "._task_view",
    "TaskView": "._task_view",
    "NOT_GIVEN": "._types",
    "NotGiven": "._types",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    # Public names show the module users import them from, as openai-python's do: a
    # traceback says kimono_interop.NotFoundError, not kimono_interop._exceptions.NotFoundError.
    if getattr(value, "__module__", "").startswith(f"{__name__}._"):
        value.__module__ = __name__
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


# The redacting log filter goes on the SDK's, httpx's and httpcore's loggers now, before
# anything can log (importing it loads neither httpx nor the client).
_setup_logging()
