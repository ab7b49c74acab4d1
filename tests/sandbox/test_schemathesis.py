"""Schemathesis against the sandbox: every operation of both specs, with a bounded number of
generated requests, so the sandbox cannot drift from the contract.

Each of the 80 operations (29 of spec/interop-data.yaml, 51 of spec/interop.yaml) is one test
item. Its requests come from the spec's own examples and from Hypothesis (valid and invalid
data, ``MAX_EXAMPLES`` each), derandomized and without an example database, so CI sends the same
requests on every run. Every request carries the vendor account's Bearer token, and every answer
must pass ``CHECKS``:

- ``not_a_server_error``: no 5xx, whatever is sent.
- ``status_code_conformance``: the status is one the operation documents.
- ``content_type_conformance``, ``response_schema_conformance``,
  ``response_headers_conformance``: the answer has the documented media type, body and headers.
- ``ignored_auth``: a 2xx answer is re-requested without and with bad credentials; both must be
  refused (the specs declare OAuth2, LTI JWT and, on the Interop API, vendor Basic auth).

Checks left out, and why:

- ``negative_data_rejection``: the sandbox, like the SDK's tolerant models, does not reject
  everything the schema forbids (a ``page`` beyond int32 gives an empty page, a malformed
  ``tenant_id`` filter matches no tenant, a cloud ``generation`` beyond int32 is stored).
- ``positive_data_acceptance``: the sandbox enforces documented rules a JSON Schema cannot say
  (ids that must name existing objects, unique Integration names, well-formed blueprint XML,
  ``sort`` fields, the auth states a driver may set), answering them with the documented 400;
  and the spec leaves ``TaskAck.status`` optional though no ack is valid without it.
- ``unsupported_method``, ``allow_header_conformance``, ``missing_required_header``: they only
  judge the coverage phase, which is off (it sends ~3,000 requests, far too slow for
  ``make test``); answers to undeclared methods are not part of the contract anyway.
- ``use_after_free``, ``ensure_resource_availability``, ``object_level_authorization``:
  stateful checks (chains of calls, a second identity); nothing here links operations.
"""

from __future__ import annotations

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (  # the registry of built-in checks, by name
    content_type_conformance,
    ignored_auth,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kimono_interop.sandbox import Sandbox
from tests.support.contract import check
from tests.support.specs import SPECS

MAX_EXAMPLES = 5

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 7,
        "generation": {
            "mode": "all",  # valid and invalid data
            "deterministic": True,
            "database": "none",
            # The Bearer token is sent with every call; generated credentials would only be 401s.
            "with-security-parameters": False,
        },
        # Examples and fuzzing; the coverage phase is off (see the module docstring).
        "phases": {"coverage": {"enabled": False}},
    }
)

DATA_API = schemathesis.openapi.from_path(SPECS["interop-data"], config=CONFIG)
INTEROP_API = schemathesis.openapi.from_path(SPECS["interop"], config=CONFIG)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    ignored_auth,
]


#: The module's sandbox (the ``sandbox`` fixture of tests/conftest.py).
SANDBOX = {"students": 20, "seed": 7}


@pytest.fixture(scope="module")
def bearer(sandbox: Sandbox) -> dict[str, str]:
    """The Authorization header of the vendor account, from the sandbox's token endpoint."""
    response = httpx.post(
        f"{sandbox.url}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": sandbox.config.client_id,
            "client_secret": sandbox.config.client_secret,
        },
    )
    assert response.status_code == 200, response.text
    token = response.json()
    assert token["token_type"] == "bearer"
    return {"Authorization": f"Bearer {token['access_token']}"}


def test_both_specs_have_all_80_operations() -> None:
    """Schemathesis loads all 29 + 51 operations of the two specs."""
    counts = [
        sum(1 for result in schema.get_all_operations() if result.ok())
        for schema in (DATA_API, INTEROP_API)
    ]
    assert counts == [29, 51]


@schemathesis.pytest.parametrize(data=DATA_API, interop=INTEROP_API)
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_sandbox_conforms_to_the_spec(
    case: schemathesis.Case, sandbox: Sandbox, bearer: dict[str, str]
) -> None:
    # The spec's server is production; the sandbox serves the same base path on its own origin.
    """Each operation's generated requests get answers that pass every check against the spec."""
    base_url = sandbox.url + case.operation.schema.base_path.rstrip("/")
    case.call_and_validate(base_url=base_url, headers=bearer, checks=CHECKS, timeout=10)


# -- what the run found, pinned (each answered 500 or wrongly 400 before the sandbox was fixed) --
@pytest.mark.parametrize("query", ["page_size=abc", "page_size=0", "page_size=2001", "page=-1"])
def test_task_batch_with_malformed_paging_is_a_documented_400(
    sandbox: Sandbox, bearer: dict[str, str], query: str
) -> None:
    """GET /tasks with a malformed page or page_size is the 400 the spec documents."""
    response = httpx.get(f"{sandbox.url}/v2/interop/data/tasks?{query}", headers=bearer)
    assert response.status_code == 400
    assert check("GET", "/v2/interop/data/tasks", 400, response.json()) == "listTasks"


def test_an_integral_float_is_an_integer(sandbox: Sandbox, bearer: dict[str, str]) -> None:
    # JSON Schema counts 1.0 as an integer; the sandbox stores and answers it as 1.
    """A body's 5.0 is taken as the integer 5 (as JSON Schema counts it); 5.5 is a 400."""
    path = "/v2/interop/tenant/schedules"
    response = httpx.post(f"{sandbox.url}{path}", headers=bearer, json={"hour": 5.0})
    assert response.status_code == 200, response.text
    assert check("POST", path, 200, response.json()) == "createSchedule"
    assert response.json()["data"]["hour"] == 5
    assert isinstance(response.json()["data"]["hour"], int)
    half = httpx.post(f"{sandbox.url}{path}", headers=bearer, json={"hour": 5.5})
    assert half.status_code == 400
