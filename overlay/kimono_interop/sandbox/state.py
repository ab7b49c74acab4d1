"""Everything the sandbox holds in memory: the roster, tenants, tokens, queues, Interop objects.

A restart loses all of it: tokens issued, acks recorded, tasks in the queues, and
anything created through the Interop API. The roster comes back identical (it is
seeded), and so do the ids of the tenants and of their credentials.
"""

from __future__ import annotations

import random
import secrets
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kimono_interop_api.models import AuthKind

from .config import SandboxConfig
from .fragments import Fragments
from .interop.seeding import seed_interop
from .queue import TaskQueue
from .seed import Roster, seed_roster

#: How many requests ``SandboxState.log`` keeps (the latest), so a long run stays bounded.
LOG_LIMIT = 10_000
#: How many issued tokens the sandbox holds at most; past it, expired ones go, then the oldest.
TOKEN_LIMIT = 10_000


def _same(given: str, expected: str) -> bool:
    """Constant-time equality of two strings (compare_digest takes str only when ASCII)."""
    return secrets.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode())


@dataclass
class Principal:
    """Who a request acts as: the vendor account, or one tenant."""

    kind: str  # "vendor" or "tenant"
    client_id: str
    tenant_id: str | None = None


@dataclass
class Token:
    principal: Principal
    expires_at: float


@dataclass
class SandboxState:
    config: SandboxConfig
    roster: Roster
    queue: TaskQueue
    tenants: dict[str, dict[str, Any]]
    clock: Callable[[], float] = time.monotonic
    tokens: dict[str, Token] = field(default_factory=dict)
    #: Interop API objects by collection name ("clouds", "integrations", ...), then id.
    interop: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    #: The latest requests (LOG_LIMIT), as (method, path, status), for tests and summaries.
    log: deque[tuple[str, str, int]] = field(default_factory=lambda: deque(maxlen=LOG_LIMIT))
    lock: threading.RLock = field(default_factory=threading.RLock)
    #: The JSON text of the roster's objects, for the lists (kept while they are unchanged).
    fragments: Fragments = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.fragments = Fragments(self.roster.holds, self.roster.size, objects=self.roster.objects)

    @classmethod
    def create(
        cls, config: SandboxConfig, *, clock: Callable[[], float] = time.monotonic
    ) -> SandboxState:
        roster = seed_roster(
            seed=config.seed,
            students=config.students,
            schools=config.schools,
            school_year=config.school_year,
            references=config.references,
        )
        rng = random.Random(config.seed + 2)

        def new_id() -> str:
            return str(uuid.UUID(int=rng.getrandbits(128), version=4))

        queue = TaskQueue(
            schema=config.task_schema,
            ack_timeout=config.ack_timeout,
            duplicate_rate=config.duplicate_rate,
            seed=config.seed,
            clock=clock,
        )
        account = {"id": new_id(), "name": "Sandbox Vendor"}
        cloud = {"id": new_id(), "name": "Sandbox Cloud"}
        integration = {"id": new_id(), "name": "sandbox-driver"}
        tenants: dict[str, dict[str, Any]] = {}
        for n in range(config.tenants):
            tenant_id = new_id()
            tenants[tenant_id] = {
                "id": tenant_id,
                "name": f"Sandbox District {n + 1}",
                "actor_id": new_id(),
                "account": dict(account),
                "cloud": dict(cloud),
                "integration": dict(integration),
                "status": {"op_state": "active", "setup_state": "complete"},
                "sis_status": {"op_state": "active", "setup_state": "complete"},
                "auth": {
                    "type": AuthKind.OAUTH2.value,
                    "client_id": f"sandbox-tenant-{n + 1}",
                    "client_secret": f"sandbox-tenant-secret-{n + 1}",
                },
            }
        state = cls(config=config, roster=roster, queue=queue, tenants=tenants, clock=clock)
        seed_interop(state)
        if config.initial_sync:
            for tenant_id in tenants:
                queue.initial_sync(tenant_id, state.sync_collections())
                queue.grades_queries(
                    tenant_id, list(roster.sections.values()), config.grades_queries
                )
                queue.authenticate_requests(tenant_id, config.authenticate_requests)
        return state

    def sync_collections(self) -> dict[str, dict[str, dict[str, Any]]]:
        """The collections an initial sync sends, in the order it sends them."""
        r = self.roster
        return {
            "orgs": r.orgs,
            "terms": r.terms,
            "courses": r.courses,
            "sections": r.sections,
            "persons": r.persons,
        }

    # -- credentials ------------------------------------------------------------------
    def principal_for(self, client_id: str, client_secret: str) -> Principal | None:
        """The principal these credentials belong to, or None (any text, ASCII or not)."""
        config = self.config
        if _same(client_id, config.client_id) and _same(client_secret, config.client_secret):
            return Principal("vendor", client_id)
        for tenant in self.tenants.values():
            auth = tenant["auth"]
            if _same(client_id, auth["client_id"]) and _same(client_secret, auth["client_secret"]):
                return Principal("tenant", client_id, tenant["id"])
        return None

    def issue_token(self, principal: Principal) -> tuple[str, float]:
        value = secrets.token_urlsafe(24)
        lifetime = self.config.token_lifetime
        with self.lock:
            now = self.clock()
            if len(self.tokens) >= TOKEN_LIMIT:
                self.tokens = {k: t for k, t in self.tokens.items() if t.expires_at > now}
                while len(self.tokens) >= TOKEN_LIMIT:  # the oldest go first
                    del self.tokens[next(iter(self.tokens))]
            self.tokens[value] = Token(principal, now + lifetime)
        return value, lifetime

    def principal_of_token(self, value: str) -> Principal | None:
        token = self.tokens.get(value)
        if token is None or self.clock() >= token.expires_at:
            return None
        return token.principal

    def expire_tokens(self) -> None:
        """Make every issued token invalid (tests of refresh on 401)."""
        with self.lock:
            self.tokens.clear()

    def tenant_ids_for(self, principal: Principal, tenant_id: str | None = None) -> list[str]:
        """The tenants a request may see: its own, or (vendor) all or the one asked for."""
        if principal.tenant_id is not None:
            return [principal.tenant_id]
        if tenant_id is not None:
            return [tenant_id] if tenant_id in self.tenants else []
        return list(self.tenants)

    # -- changes ----------------------------------------------------------------------
    def inject(
        self,
        action: str,
        object_type: str,
        obj: dict[str, Any],
        changes: dict[str, Any] | None = None,
    ) -> None:
        """Apply a change to the roster and queue the task every tenant receives for it."""
        collection = getattr(self.roster, object_type)
        object_id = obj["$sys"]["id"]
        with self.lock:
            if action == "DELETE":
                collection.pop(object_id, None)
            else:
                collection[object_id] = obj
                self.fragments.warm((obj,))  # rendered now, not by the next list that holds it
        for tenant_id in self.tenants:
            self.queue.push(
                tenant_id, "data_event", action, object_type=object_type, obj=obj, changes=changes
            )
