"""The service's fixed facts the SDK, its sandbox and its tools share: one definition each.

Importing it imports nothing else: the command line reads it for its ``--help``, which
must not wait for httpx. ``DEFAULT_TIMEOUT``, an ``httpx.Timeout``, is made when first
asked for (by :func:`__getattr__`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

#: The vendor's US production origin; ``base_url`` (or ``KIMONO_BASE_URL``) replaces it.
DEFAULT_BASE_URL = "https://api.us2.kimonocloud.com"
#: Base paths of the two APIs, below the origin.
DATA_API_PATH = "/v2/interop/data"
INTEROP_API_PATH = "/v2/interop"
#: The base path of each API by the short name the operation table uses.
API_PATHS = {"data": DATA_API_PATH, "interop": INTEROP_API_PATH}
#: The OAuth2 token endpoint, below the origin.
TOKEN_PATH = "/oauth/token"
#: Largest page the lists hand out (and the size they use when none is asked).
MAX_PAGE_SIZE = 2000
#: Most tasks the managed queue hands out in one batch, whatever is asked.
TASK_BATCH = 100
#: Read timeout a little above 30 s: the vendor's own clients read for 30 s, and its example
#: code says the service gives up then (no reference states it), so a 504 would reach us first.
#: (Seconds: read, then connect. ``DEFAULT_TIMEOUT`` is the ``httpx.Timeout`` of them.)
_READ_TIMEOUT, _CONNECT_TIMEOUT = 35.0, 10.0
if TYPE_CHECKING:
    DEFAULT_TIMEOUT: httpx.Timeout
#: Most bytes an answer may have once decoded (a page of 2,000 rich persons is ~3 MB).
DEFAULT_MAX_RESPONSE_SIZE = 64 * 1024 * 1024
#: Most bytes a token answer may have (a token is a few kB).
MAX_TOKEN_RESPONSE_SIZE = 64 * 1024
#: One exchange's deadline, as a multiple of the read timeout when none is given.
DEADLINE_PER_READ_TIMEOUT = 3
#: Headers that carry the service's (or a gateway's) id of a request, in order of preference.
REQUEST_ID_HEADERS = ("x-request-id", "x-amzn-requestid", "x-correlation-id", "request-id")
#: The environment variables a client (and the command line) reads for settings not given.
ENV_BASE_URL = "KIMONO_BASE_URL"
ENV_CLIENT_ID = "KIMONO_CLIENT_ID"
ENV_CLIENT_SECRET = "KIMONO_CLIENT_SECRET"
ENV_TOKEN_URL = "KIMONO_TOKEN_URL"


#: How a task-queue loop (the consumer, the mirror's run, a fleet worker) waits after an
#: empty batch: ``POLL_INTERVAL`` seconds, doubling up to ``MAX_POLL_INTERVAL``.
POLL_INTERVAL = 1.0
MAX_POLL_INTERVAL = 30.0
#: The mirror's apply: a chunk is committed and acknowledged after ``TASK_BATCH`` tasks
#: or ``ACK_INTERVAL`` seconds; a full sync may tombstone ``SWEEP_THRESHOLD`` of a type
#: without approval; a task failing ``MAX_ATTEMPTS`` times is parked.
ACK_INTERVAL = 10.0
SWEEP_THRESHOLD = 0.10
MAX_ATTEMPTS = 5

#: A fleet worker's defaults: tenants at work at once, seconds a lease lasts unrenewed,
#: seconds between two listings of the tenants, seconds a tenant's cycle may take before
#: the worker reports itself unhealthy.
FLEET_CONCURRENCY = 16
FLEET_LEASE_TTL = 30.0
FLEET_DISCOVER_INTERVAL = 60.0
FLEET_STUCK_AFTER = 120.0

#: A fleet worker's retention, in seconds, of its logs of writes and claims (an hour).
FLEET_WRITES_RETENTION = 3600.0
#: How long a long-running loop (``Mirror.run``, a fleet worker) keeps the mirror's record
#: of each task, in seconds (a week: a task delivered again after its record is gone is
#: guarded by its sequence alone; docs/mirror.md, pruning), and how often it prunes older
#: ones (hourly, or twice per retention if that is shorter).
INBOX_RETENTION = 7 * 24 * 3600.0
INBOX_PRUNE_INTERVAL = 3600.0


def __getattr__(name: str) -> httpx.Timeout:
    """``DEFAULT_TIMEOUT``, made (with httpx imported) the first time it is asked for."""
    if name != "DEFAULT_TIMEOUT":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import httpx

    timeout = globals()[name] = httpx.Timeout(_READ_TIMEOUT, connect=_CONNECT_TIMEOUT)
    return timeout


#: The request extension in which the SDK's transport names the proxy a request goes
#: through (its errors then name the proxy, not the service's host).
PROXY_EXTENSION = "kimono_interop.proxy"

#: The request extension in which the SDK's sender gives the retry policy of the client
#: that sends (a with_options() copy's own): the token flow retries by it.
RETRY_EXTENSION = "kimono_interop.retry"
