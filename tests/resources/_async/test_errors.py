"""Every documented error status of a resource call is its own exception, after one request.

One table for all the resources: the call, the request it sends, the status the mock
service answers and the exception the SDK must raise (with that status).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest

from kimono_interop import AsyncKimonoClient, BadRequestError, ConflictError, NotFoundError
from tests.support.calls import asettle
from tests.support.mock_service import MockService, query

pytestmark = pytest.mark.anyio

ID = "5f7a1c2e-0d3b-4a6c-9e8f-1a2b3c4d5e6f"
BLUEPRINT = "<integration/>"
API = "/v2/interop"


class ErrorCase(NamedTuple):
    """A call, the request it sends (method, path), and the answer's status and exception."""

    call: Any
    method: str
    path: str
    status: int
    error: type[Exception]


def case(call: Any, method: str, path: str, status: int = 404, error: Any = NotFoundError) -> Any:
    """One row of the table, its id the method, path and status."""
    return pytest.param(
        ErrorCase(call, method, API + path, status, error), id=f"{method} {path} {status}"
    )


CASES = [
    # Clouds
    case(lambda k: k.clouds.get(ID), "GET", f"/clouds/{ID}"),
    case(lambda k: k.clouds.delete(ID), "DELETE", f"/clouds/{ID}"),
    case(lambda k: k.clouds.list_actors(ID), "GET", f"/clouds/{ID}/actors"),
    # Integrations, their versions and blueprints
    case(lambda k: k.integrations.get(ID), "GET", f"/integrations/{ID}"),
    case(lambda k: k.integrations.delete(ID), "DELETE", f"/integrations/{ID}"),
    case(lambda k: k.integrations.update(ID, {"title": "x"}), "PATCH", f"/integrations/{ID}"),
    case(lambda k: k.integrations.versions.list(ID), "GET", f"/integrations/{ID}/versions"),
    case(
        lambda k: k.integrations.versions.create(ID, BLUEPRINT),
        "POST",
        f"/integrations/{ID}/versions",
    ),
    case(
        lambda k: k.integrations.versions.update(ID, "1.0", {"title": "x"}),
        "PATCH",
        f"/integrations/{ID}/versions/1.0",
    ),
    case(
        lambda k: k.integrations.versions.delete(ID, "1.0"),
        "DELETE",
        f"/integrations/{ID}/versions/1.0",
    ),
    case(
        lambda k: k.integrations.versions.update_blueprint(ID, "1.0", BLUEPRINT),
        "PUT",
        f"/integrations/{ID}/versions/1.0/blueprint",
    ),
    # Tenants and the tenant's application
    case(lambda k: k.tenants.get(ID), "GET", f"/tenants/{ID}"),
    case(
        lambda k: k.tenant_application.update({"auth_state_pending": "error"}),
        "PATCH",
        "/tenant/application",
        409,
        ConflictError,
    ),
    # Scoping
    case(lambda k: k.scoping.schools.get(ID), "GET", f"/tenant/scoping/schools/{ID}"),
    case(
        lambda k: k.scoping.schools.update(ID, {"selected": True}),
        "PUT",
        f"/tenant/scoping/schools/{ID}",
    ),
    case(lambda k: k.scoping.schools.delete(ID), "DELETE", f"/tenant/scoping/schools/{ID}"),
    case(lambda k: k.scoping.courses.get(ID), "GET", f"/tenant/scoping/courses/{ID}"),
    case(lambda k: k.scoping.courses.delete(ID), "DELETE", f"/tenant/scoping/courses/{ID}"),
    # Rollovers
    case(
        lambda k: k.rollovers.create({"type": "new_year"}),
        "POST",
        "/tenant/rollovers",
        409,
        ConflictError,
    ),
    case(lambda k: k.rollovers.get(ID), "GET", f"/tenant/rollovers/{ID}"),
    case(lambda k: k.rollovers.update(ID, {"name": "x"}), "PUT", f"/tenant/rollovers/{ID}"),
    case(
        lambda k: k.rollovers.update(ID, {"name": "x"}),
        "PUT",
        f"/tenant/rollovers/{ID}",
        409,
        ConflictError,
    ),
    case(lambda k: k.rollovers.delete(ID), "DELETE", f"/tenant/rollovers/{ID}"),
    case(lambda k: k.rollovers.delete(ID), "DELETE", f"/tenant/rollovers/{ID}", 409, ConflictError),
    # Schedules
    case(
        lambda k: k.schedules.create({"hour": 3}), "POST", "/tenant/schedules", 409, ConflictError
    ),
    case(lambda k: k.schedules.get(ID), "GET", f"/tenant/schedules/{ID}"),
    case(lambda k: k.schedules.update(ID, {"enabled": True}), "PATCH", f"/tenant/schedules/{ID}"),
    case(lambda k: k.schedules.delete(ID), "DELETE", f"/tenant/schedules/{ID}"),
    case(
        lambda k: k.schedules.run(ID), "POST", f"/tenant/schedules/{ID}/run", 400, BadRequestError
    ),
    case(lambda k: k.schedules.run(ID), "POST", f"/tenant/schedules/{ID}/run"),
    case(lambda k: k.schedules.run(ID), "POST", f"/tenant/schedules/{ID}/run", 409, ConflictError),
    # Ingestions
    case(lambda k: k.ingestions.get(ID), "GET", f"/ingestions/{ID}"),
]


@pytest.mark.parametrize("expected", CASES)
async def test_an_error_status_is_its_documented_exception(expected: ErrorCase) -> None:
    """The call sends its one request; the error status comes back as its own exception,
    carrying that status; nothing is retried."""
    answer = {"status": expected.status, "code": "refused", "message": "Not this time"}
    service = MockService(status=expected.status, body=answer)
    async with service.client(AsyncKimonoClient) as kimono:
        with pytest.raises(expected.error) as caught:
            await asettle(expected.call(kimono))
    assert caught.value.status_code == expected.status  # type: ignore[attr-defined]
    request = service.only
    assert (request.method, request.url.path) == (expected.method, expected.path)
    assert set(query(request)) <= {"page"}  # a list asks for its first page, nothing else
