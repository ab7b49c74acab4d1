# Written by scripts/unasync.py from tests/resources/_async/test_deletes.py: edit that file,
# then run `make generate`.
"""Every delete of a resource: DELETE of its path, without a body; the 204 gives None."""

from __future__ import annotations

from typing import Any

import pytest

from kimono_interop import KimonoClient
from tests.support.mock_service import MockService

ID = "5f7a1c2e-0d3b-4a6c-9e8f-1a2b3c4d5e6f"

#: path below /v2/interop -> the call that deletes it
DELETES: dict[str, Any] = {
    f"/clouds/{ID}": lambda k: k.clouds.delete(ID),
    f"/integrations/{ID}": lambda k: k.integrations.delete(ID),
    f"/integrations/{ID}/versions/1.2.0": lambda k: k.integrations.versions.delete(ID, "1.2.0"),
    "/tenant/scoping/schools": lambda k: k.scoping.schools.delete_all(),
    f"/tenant/scoping/schools/{ID}": lambda k: k.scoping.schools.delete(ID),
    "/tenant/scoping/courses": lambda k: k.scoping.courses.delete_all(),
    f"/tenant/scoping/courses/{ID}": lambda k: k.scoping.courses.delete(ID),
    f"/tenant/rollovers/{ID}": lambda k: k.rollovers.delete(ID),
    f"/tenant/schedules/{ID}": lambda k: k.schedules.delete(ID),
}


@pytest.mark.parametrize("path", list(DELETES))
def test_a_delete_sends_no_body_and_returns_none(path: str) -> None:
    """One DELETE of the path, without parameters or a body; the 204 is None to the caller."""
    service = MockService(status=204)
    with service.client(KimonoClient) as kimono:
        assert DELETES[path](kimono) is None
    service.check("DELETE", path, {})
    assert service.only.content == b""
