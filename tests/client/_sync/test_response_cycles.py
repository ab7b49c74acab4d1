# Written by scripts/unasync.py from tests/client/_async/test_response_cycles.py: edit that file,
# then run `make generate`.
"""A page's response is freed by reference counting once the walk moves on.

httpx's response and its stream refer to each other; the SDK pauses the cyclic collector
while it reads pages, so a response left in that cycle would keep its body (megabytes for
a page of 2,000 persons) until a full collection: memory grew with every page walked. The
sender replaces the stream once the body is read, breaking the cycle.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import httpx
import pytest

from kimono_interop import KimonoClient
from tests.support.mock_service import ORIGIN, MockService

PERSONS = "/v2/interop/data/rostering/persons"
PAGES = 6


def pages(request: httpx.Request) -> httpx.Response:
    page = int(request.url.params.get("page", "0"))
    nxt = f"{ORIGIN}{PERSONS}?page={page + 1}&page_size=1" if page + 1 < PAGES else None
    person = {"$sys": {"id": f"2a4a2e06-7755-43bb-9766-{page:012d}"}, "name": {"last": "L"}}
    return httpx.Response(200, json={"data": [person], "paging": {"next": nxt}})


@pytest.fixture
def collector_off() -> Iterator[None]:
    was = gc.isenabled()
    gc.disable()
    yield
    if was:
        gc.enable()


@pytest.mark.usefixtures("collector_off")
def test_each_page_response_is_freed_without_the_cyclic_collector() -> None:
    service = MockService(pages)
    responses: list[weakref.ref[httpx.Response]] = []
    with service.client(KimonoClient) as kimono:
        for page in kimono.rostering.persons.list(page_size=1).pages():
            responses.append(weakref.ref(page.response))
            assert page.response.content  # the body stays readable
        del page
    assert len(responses) == PAGES
    alive = [n for n, ref in enumerate(responses) if ref() is not None]
    assert alive == []
