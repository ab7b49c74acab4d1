"""The sandbox serves what the generated tables say: one route per operation of OPERATIONS,
with its method and path, each reachable; and the contract's enums, none left out."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from starlette.routing import BaseRoute, Match, Route

from kimono_interop._constants import API_PATHS, TOKEN_PATH
from kimono_interop._operations import OPERATIONS
from kimono_interop.sandbox import SandboxConfig, SandboxState, create_app
from kimono_interop.sandbox.interop import integrations
from kimono_interop_api.models import ReleaseState


@pytest.fixture(scope="module")
def served() -> list[Route]:
    """The routes of a sandbox's app that serve operations (not the token, not the catch-all)."""
    app: Any = create_app(SandboxState.create(SandboxConfig(students=10, seed=3)))
    routes: list[BaseRoute] = app.app.routes  # Faults wraps the Starlette app
    others = (TOKEN_PATH, "/{path:path}")
    return [r for r in routes if isinstance(r, Route) and r.path not in others]


def _filled(path: str) -> str:
    """``path`` with each parameter replaced by a value a client could send."""
    return path.replace("{id}", str(uuid.UUID(int=7))).replace("{version}", "1.0")


def test_every_operation_has_exactly_one_route_with_its_method_and_path(
    served: list[Route],
) -> None:
    """Each route is named by its operationId and answers that operation's method and path."""
    expected = sorted(
        (op.id, (op.method,), API_PATHS[op.api] + op.path) for op in OPERATIONS.values()
    )
    actual = sorted(
        (route.name, tuple(sorted((route.methods or set()) - {"HEAD"})), route.path)
        for route in served
    )
    assert expected == actual


def test_every_operation_is_reached_by_a_request_to_its_path(served: list[Route]) -> None:
    """No templated path shadows a literal one: /tasks/admin/ack is not /tasks/{id}/ack."""
    expected = {op.id: op.id for op in OPERATIONS.values()}
    actual = {}
    for op in OPERATIONS.values():
        scope = {
            "type": "http",
            "method": op.method,
            "path": _filled(API_PATHS[op.api] + op.path),
            "root_path": "",
        }
        first = next(r for r in served if r.matches(scope)[0] is Match.FULL)
        actual[op.id] = first.name
    assert expected == actual


def test_release_states_are_the_contracts() -> None:
    """The release states a blueprint or an update may set are exactly ReleaseState's."""
    expected = sorted(state.value for state in ReleaseState)
    actual = sorted(integrations.RELEASE_STATES)
    assert expected == actual
