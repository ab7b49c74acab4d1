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

from kimono_interop_data_api.models import TaskAckStatus
from kimono_interop_data_api.types import UNSET, Unset

from ._async.consumer import AsyncTaskConsumer
from ._auth import BasicAuth, BearerToken, OAuth2ClientCredentials
from ._client import AsyncKimonoClient, KimonoClient
from ._constants import DEFAULT_BASE_URL, DEFAULT_TIMEOUT
from ._exceptions import (
    AckError,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConfigurationError,
    ConflictError,
    InternalServerError,
    InvalidItem,
    InvalidItemsError,
    KimonoError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    ResponseValidationError,
    TokenServiceError,
    UnauthorizedError,
    UnprocessableEntityError,
    UnsafeRedirectError,
)
from ._logging import setup_logging as _setup_logging
from ._pagination import AsyncPager, Page, SyncPager
from ._references import ref_id
from ._response import APIResponse
from ._retry import RetryPolicy
from ._runtime import TaskTimeoutError
from ._sync.consumer import TaskConsumer
from ._task_view import (
    AckResult,
    ConsumerStats,
    ReauthenticateTask,
    RetryTask,
    TaskKind,
    TaskResult,
    TaskStatus,
    TaskView,
)
from ._types import NOT_GIVEN, NotGiven
from ._version import __version__

_setup_logging()

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "UNSET",
    "APIConnectionError",
    "APIResponse",
    "APIStatusError",
    "APITimeoutError",
    "AckError",
    "AckResult",
    "AsyncKimonoClient",
    "AsyncPager",
    "AsyncTaskConsumer",
    "AuthenticationError",
    "BadRequestError",
    "BasicAuth",
    "BearerToken",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "ConsumerStats",
    "InternalServerError",
    "InvalidItem",
    "InvalidItemsError",
    "KimonoClient",
    "KimonoError",
    "NotFoundError",
    "NotGiven",
    "OAuth2ClientCredentials",
    "Page",
    "PermissionDeniedError",
    "RateLimitError",
    "ReauthenticateTask",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "RetryPolicy",
    "RetryTask",
    "SyncPager",
    "TaskAckStatus",
    "TaskConsumer",
    "TaskKind",
    "TaskResult",
    "TaskStatus",
    "TaskTimeoutError",
    "TaskView",
    "TokenServiceError",
    "UnauthorizedError",
    "UnprocessableEntityError",
    "UnsafeRedirectError",
    "Unset",
    "__version__",
    "ref_id",
]

# Public names show the module users import them from, as openai-python's do: a traceback
# says kimono_interop.NotFoundError, not kimono_interop._exceptions.NotFoundError.
for _name in __all__:
    _value = globals()[_name]
    if getattr(_value, "__module__", "").startswith(f"{__name__}._"):
        _value.__module__ = __name__
del _name, _value
