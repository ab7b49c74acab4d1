# Written by scripts/unasync.py from tests/resources/_async/test_clouds.py: edit that file,
# then run `make generate`.
"""Actors and Interop Clouds: the requests the resources send and what they parse."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from kimono_interop import KimonoClient, NotFoundError
from kimono_interop_api.models import Actor, ActorKind, AuthKind, Cloud
from tests.support.calls import settle
from tests.support.mock_service import (
    MockService,
    example,
    never,
    not_found,
    query,
    sent_json,
    two_pages,
)

CLOUD_ID = "5f7a1c2e-0d3b-4a6c-9e8f-1a2b3c4d5e6f"
ACCOUNT_ID = "6a8b2d3f-1e4c-4b7d-8f9a-2b3c4d5e6f70"
ACTOR_ID = "7b9c3e4f-2f5d-4c8e-9a0b-3c4d5e6f7081"
ACTORS_OF_CLOUD = f"/v2/interop/clouds/{CLOUD_ID}/actors"


def cloud_single(request: httpx.Request) -> httpx.Response:
    """The CloudSingle example, with this module's ids and a creation time."""
    body = example("CloudSingle")
    body["data"].update(id=CLOUD_ID, account_id=ACCOUNT_ID, created_at="2025-01-02T03:04:05Z")
    return httpx.Response(200, json=body)


# Actors


def test_actors_list_walks_two_pages() -> None:
    """Both pages are asked for with the page size, and every Actor is parsed with its auth."""
    service = MockService(
        two_pages("ActorsPage", "/v2/interop/actors", {"id": ACTOR_ID}, {"name": "second"})
    )
    with service.client(KimonoClient) as kimono:
        actors = [actor for actor in kimono.actors.list(page_size=1)]
    assert [r.url.path for r in service.requests] == ["/v2/interop/actors"] * 2
    assert [query(r) for r in service.requests] == [
        {"page": "0", "page_size": "1"},
        {"page": "1", "page_size": "1"},
    ]
    assert all(isinstance(actor, Actor) for actor in actors)
    assert actors[0].id == uuid.UUID(ACTOR_ID)
    assert actors[0].type_ == ActorKind.CONNECTOR
    assert actors[0].auth.type_ == AuthKind.OAUTH2
    assert actors[0].auth.client_secret == "password"
    assert [actor.name for actor in actors] == ["text", "second"]


def test_actors_list_without_a_page_size_sends_only_the_page() -> None:
    """No page_size given: the pages are asked for by number alone."""
    service = MockService(
        two_pages("ActorsPage", "/v2/interop/actors", {"name": "one"}, {"name": "two"})
    )
    with service.client(KimonoClient) as kimono:
        names = [actor.name for actor in kimono.actors.list()]
    assert names == ["one", "two"]
    assert [query(r) for r in service.requests] == [{"page": "0"}, {"page": "1"}]


# Clouds: list and search


def test_clouds_list_walks_two_pages() -> None:
    """GET /clouds page by page, each Cloud parsed with its id, name, userdata and generation."""
    service = MockService(
        two_pages("CloudsPage", "/v2/interop/clouds", {"id": CLOUD_ID}, {"generation": 2})
    )
    with service.client(KimonoClient) as kimono:
        clouds = [cloud for cloud in kimono.clouds.list(page_size=1)]
    assert [(r.method, r.url.path) for r in service.requests] == [("GET", "/v2/interop/clouds")] * 2
    assert [query(r) for r in service.requests] == [
        {"page": "0", "page_size": "1"},
        {"page": "1", "page_size": "1"},
    ]
    assert all(isinstance(cloud, Cloud) for cloud in clouds)
    assert clouds[0].id == uuid.UUID(CLOUD_ID)
    assert [(c.name, c.userdata, c.generation) for c in clouds] == [
        ("text", "text", 1),
        ("text", "text", 2),
    ]


def test_clouds_search_sends_filters_on_every_page() -> None:
    """The filters stay on page 1 although the service's next link drops them."""
    service = MockService(
        two_pages("CloudsPage", "/v2/interop/clouds/search", {"name": "prod"}, {"name": "prod"})
    )
    with service.client(KimonoClient) as kimono:
        search = kimono.clouds.search(generation=3, userdata="east", name="prod")
        clouds = [cloud for cloud in search]
    assert [c.name for c in clouds] == ["prod", "prod"]
    filters = {"generation": "3", "userdata": "east", "name": "prod"}
    expected = [{**filters, "page": "0"}, {**filters, "page": "1"}]
    assert expected == [query(r) for r in service.requests]


def test_clouds_search_without_filters_sends_none() -> None:
    """A search without filters asks for the page alone."""
    service = MockService(
        two_pages("CloudsPage", "/v2/interop/clouds/search", {}, {"name": "last"})
    )
    with service.client(KimonoClient) as kimono:
        names = [cloud.name for cloud in kimono.clouds.search()]
    assert names == ["text", "last"]
    assert query(service.requests[0]) == {"page": "0"}


def test_clouds_search_refuses_a_non_int_generation() -> None:
    """A generation that is not an int raises TypeError, and nothing is sent."""
    service = MockService(never)
    with service.client(KimonoClient) as kimono:
        with pytest.raises(TypeError, match="generation"):
            kimono.clouds.search(generation="3")  # type: ignore[arg-type]
    assert service.calls == []


# Clouds: one object


@pytest.mark.parametrize("cloud_id", [CLOUD_ID.upper(), uuid.UUID(CLOUD_ID)], ids=["str", "UUID"])
def test_clouds_get(cloud_id: str | uuid.UUID) -> None:
    """GET /clouds/{id} with the id normalised (from a str in any case, or a UUID), parsed."""
    service = MockService(cloud_single)
    with service.client(KimonoClient) as kimono:
        cloud = kimono.clouds.get(cloud_id)
    expected = [("GET", f"/v2/interop/clouds/{CLOUD_ID}")]
    assert expected == [(r.method, r.url.path) for r in service.requests]
    assert isinstance(cloud, Cloud)
    assert cloud.id == uuid.UUID(CLOUD_ID)
    assert cloud.account_id == uuid.UUID(ACCOUNT_ID)
    assert cloud.created_at.year == 2025
    assert (cloud.name, cloud.userdata, cloud.generation) == ("text", "text", 1)


@pytest.mark.parametrize(
    ("call", "method"),
    [
        (lambda k: k.clouds.get(CLOUD_ID), "GET"),
        (lambda k: k.clouds.delete(CLOUD_ID), "DELETE"),
        (lambda k: k.clouds.list_actors(CLOUD_ID), "GET"),
    ],
    ids=["get", "delete", "list_actors"],
)
def test_clouds_404_raises_not_found(call: Callable[[Any], Any], method: str) -> None:
    """A 404 from any call on one cloud is NotFoundError, after one request."""
    service = MockService(not_found)
    with service.client(KimonoClient) as kimono:
        with pytest.raises(NotFoundError) as caught:
            settle(call(kimono))
    assert caught.value.status_code == 404
    assert [r.method for r in service.requests] == [method]


@pytest.mark.parametrize(
    "call",
    [
        lambda k: k.clouds.get("not-a-uuid"),
        lambda k: k.clouds.delete("not-a-uuid"),
        lambda k: k.clouds.list_actors("not-a-uuid"),
    ],
    ids=["get", "delete", "list_actors"],
)
def test_clouds_malformed_id_sends_nothing(call: Callable[[Any], Any]) -> None:
    """A cloud id that is not a UUID raises ValueError naming cloud_id, before any request."""
    service = MockService(never)
    with service.client(KimonoClient) as kimono:
        with pytest.raises(ValueError, match="cloud_id"):
            settle(call(kimono))
    assert service.calls == []


def test_clouds_create_from_a_dict() -> None:
    """POST /clouds with the dict as JSON; the created Cloud is parsed from the answer."""
    service = MockService(cloud_single)
    with service.client(KimonoClient) as kimono:
        created = kimono.clouds.create(example("CloudBody"))
    request = service.only
    assert (request.method, request.url.path) == ("POST", "/v2/interop/clouds")
    assert request.headers["content-type"] == "application/json"
    assert sent_json(request) == {"name": "text", "userdata": "text", "generation": 1}
    assert created.id == uuid.UUID(CLOUD_ID)
    assert created.generation == 1


def test_clouds_create_from_a_model() -> None:
    """A Cloud model is sent with only the fields it sets."""
    service = MockService(cloud_single)
    with service.client(KimonoClient) as kimono:
        created = kimono.clouds.create(Cloud(name="Sandbox", generation=2))
    assert sent_json(service.only) == {"name": "Sandbox", "generation": 2}
    assert created.id == uuid.UUID(CLOUD_ID)


def test_clouds_create_refuses_invalid_bodies() -> None:
    """A dict that is not a valid Cloud, or a body of another type, is refused unsent."""
    service = MockService(never)
    with service.client(KimonoClient) as kimono:
        with pytest.raises(ValueError, match="cloud is not a valid Cloud"):
            kimono.clouds.create({"name": "x", "account_id": "not-a-uuid"})
        with pytest.raises(TypeError, match="cloud must be a Cloud or a dict"):
            kimono.clouds.create(["name", "x"])  # type: ignore[arg-type]
    assert service.calls == []


def test_clouds_delete() -> None:
    """DELETE /clouds/{id} without a body; the 204 gives None."""
    service = MockService(status=204)
    with service.client(KimonoClient) as kimono:
        assert kimono.clouds.delete(CLOUD_ID) is None
    expected = [("DELETE", f"/v2/interop/clouds/{CLOUD_ID}", b"")]
    assert expected == [(r.method, r.url.path, r.content) for r in service.requests]


# Clouds: actors of one cloud


def test_clouds_list_actors_with_credentials_walks_two_pages() -> None:
    """credentials=true is sent on every page; the actors' kinds and credentials are parsed."""
    service = MockService(
        two_pages("ActorsPage", ACTORS_OF_CLOUD, {"type": "integration"}, {"type": "repository"})
    )
    with service.client(KimonoClient) as kimono:
        pager = kimono.clouds.list_actors(CLOUD_ID, credentials=True, page_size=1)
        actors = [actor for actor in pager]
    assert [r.url.path for r in service.requests] == [ACTORS_OF_CLOUD] * 2
    assert [query(r) for r in service.requests] == [
        {"credentials": "true", "page": "0", "page_size": "1"},
        {"credentials": "true", "page": "1", "page_size": "1"},
    ]
    assert [a.type_ for a in actors] == [ActorKind.INTEGRATION, ActorKind.REPOSITORY]
    assert actors[0].auth.client_id == "text"


def test_clouds_list_actors_without_credentials() -> None:
    """credentials=False is sent as "false"."""
    service = MockService(two_pages("ActorsPage", ACTORS_OF_CLOUD, {"name": "a"}, {"name": "b"}))
    with service.client(KimonoClient) as kimono:
        pager = kimono.clouds.list_actors(CLOUD_ID, credentials=False)
        names = [actor.name for actor in pager]
    assert names == ["a", "b"]
    assert query(service.requests[0]) == {"credentials": "false", "page": "0"}
