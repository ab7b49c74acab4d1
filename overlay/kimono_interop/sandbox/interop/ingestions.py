"""Ingestions: the loads of data into the tenants' repositories, and when a pending one ends.

The seeding gives each tenant three finished ingestions; running a collection
schedule (see ``schedules``) starts another, which succeeds after
:data:`INGESTION_SECONDS` of the sandbox's clock. The list shows a tenant only its
own, and the vendor every tenant's.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kimono_interop_api.models import IngestionState

from ..api import Handler, principal, sandbox_state
from ..state import SandboxState
from . import clock
from .answers import one, page
from .common import find, path_id
from .store import INGESTIONS, col

#: How long an ingestion started by ``POST /tenant/schedules/{id}/run`` stays pending
#: (seconds); ``SandboxConfig(extra={"ingestion_seconds": ...})`` overrides it.
INGESTION_SECONDS = 1.0
PENDING_STATES = tuple(
    state.value
    for state in (IngestionState.PREPARING, IngestionState.SCHEDULED, IngestionState.EXECUTING)
)


def ingestion_seconds(state: SandboxState) -> float:
    """How long a started ingestion stays pending in this sandbox."""
    value = state.config.extra.get("ingestion_seconds", INGESTION_SECONDS)
    return float(value) if isinstance(value, (int, float)) else INGESTION_SECONDS


def settle(state: SandboxState) -> None:
    """Ingestions started by a schedule run succeed once their time is up."""
    now = state.clock()
    with state.lock:
        for ingestion in col(state, INGESTIONS).values():
            done_at = ingestion.get("_done_at")
            if isinstance(done_at, float) and now >= done_at:
                del ingestion["_done_at"]
                ingestion.update(
                    state=IngestionState.SUCCESS.value,
                    has_pending_task=False,
                    updated_at=clock.now(),
                )


def _visible(request: Request) -> dict[str, dict[str, Any]]:
    """The ingestions the caller sees, settled first."""
    who = principal(request)
    state = sandbox_state(request)
    settle(state)
    visible = set(state.tenant_ids_for(who))
    return {k: v for k, v in col(state, INGESTIONS).items() if v.get("tenant_id") in visible}


async def list_ingestions(request: Request) -> Response:
    """``GET /ingestions``."""
    return page(request, _visible(request).values())


async def count_ingestions(request: Request) -> Response:
    """``GET /ingestions/count``."""
    return JSONResponse(len(_visible(request)))


async def find_ingestion(request: Request) -> Response:
    """``GET /ingestions/{id}``."""
    return one(find(_visible(request), path_id(request, "Ingestion"), "Ingestion"))


HANDLERS: dict[str, Handler] = {
    "listIngestions": list_ingestions,
    "countIngestions": count_ingestions,
    "findIngestion": find_ingestion,
}
