"""How big each scenario of the reliability suite is: full for the report, quick for the tests.

``python -m scripts.reliability`` (``make reliability``) runs :data:`FULL` and writes
docs/reliability.md; ``tests/scripts/test_reliability.py`` and ``--quick`` run :data:`QUICK`,
small enough for ``make test`` and free of time bounds a slow machine could miss.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    """How big each scenario is: full for ``make reliability``, quick for the tests."""

    name: str
    persons: int  # roster pull
    page_size: int
    retry_after: float  # Retry-After of the injected 429s, seconds
    tasks: int  # task draining, sync consumer
    async_tasks: int  # task draining, async consumer
    ack_timeout: float  # sandbox: seconds before an unacknowledged batch comes back
    token_lifetime: float  # seconds a token lives in the token scenario
    token_pull: int  # persons of the "long pull" with short-lived tokens
    token_seconds: float  # how long the concurrent callers hammer one client
    token_tasks: int  # tasks drained with short-lived tokens
    sigterm_tasks: int
    sigterm_delay: float  # seconds the SIGTERM scenario's handler spends on each task
    sigterm_ack_timeout: float  # long enough for the next consumer to ask before it passes
    load_seconds: float
    load_persons: int  # persons each load iterator walks, again and again
    load_rate: float  # tasks produced per second per tenant during the load
    load_token_lifetime: float
    deadline: float  # seconds any one drain may take before it counts as hung
    fork_fetches: int  # persons each process of the fork fetches, over one client
    loss_tasks: int  # tasks of each silent-loss part (return values, lost acks, poison items)
    stall_seconds: float  # how long a consumer follows a queue of nothing but unackable items
    drip_timeout: float  # read timeout against the dripping servers (the deadline is 3x)
    drip_every: float  # seconds between two bytes of a dripping server
    outage_seconds: float  # 503 on GET /tasks and the token endpoint for this long
    outage_tasks: int
    bomb_bytes: int  # what the gzip bomb inflates to, and where the endless page stops
    #: The sandbox's LOG_LIMIT and TOKEN_LIMIT for the bounded-state check; None: the real ones.
    state_limit: int | None
    hostile_requests: int  # hostile requests of each kind sent to the sandbox
    export_students: int  # the roster the CLI exports
    #: Check time bounds (exit within 5 s of SIGTERM) and RSS growth: in the script only,
    #: never in the tests (a slow or busy machine must not fail them).
    timed: bool


FULL = Sizes(
    name="full",
    persons=50_000,
    page_size=500,
    retry_after=1.0,
    tasks=10_000,
    async_tasks=10_000,
    ack_timeout=2.0,
    token_lifetime=3.0,
    token_pull=20_000,
    token_seconds=10.0,
    token_tasks=5_000,
    sigterm_tasks=1_000,
    sigterm_delay=0.01,
    sigterm_ack_timeout=3.0,
    load_seconds=60.0,
    load_persons=1_000,
    load_rate=20.0,
    load_token_lifetime=20.0,
    deadline=600.0,
    fork_fetches=2_000,
    loss_tasks=1_300,
    stall_seconds=3.0,
    drip_timeout=1.0,
    drip_every=0.3,
    outage_seconds=6.0,
    outage_tasks=1_000,
    bomb_bytes=1 << 30,
    state_limit=None,
    hostile_requests=20,
    export_students=2_000,
    timed=True,
)

QUICK = Sizes(
    name="quick",
    persons=5_000,
    page_size=250,
    retry_after=0.2,
    tasks=2_000,
    async_tasks=500,
    ack_timeout=0.5,
    token_lifetime=3.0,
    token_pull=4_000,
    token_seconds=1.6,
    token_tasks=1_200,
    sigterm_tasks=600,
    sigterm_delay=0.004,
    sigterm_ack_timeout=1.5,
    load_seconds=10.0,
    load_persons=500,
    load_rate=20.0,
    load_token_lifetime=4.0,
    deadline=120.0,
    fork_fetches=200,
    loss_tasks=130,
    stall_seconds=1.0,
    drip_timeout=0.3,
    drip_every=0.1,
    outage_seconds=1.5,
    outage_tasks=300,
    bomb_bytes=128 << 20,
    state_limit=300,
    hostile_requests=2,
    export_students=100,
    timed=False,
)
