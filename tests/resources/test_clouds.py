"""Actors and Interop Clouds: the requests the resources send and what they parse."""

from __future__ import annotations

import asyncio
import copy
import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from kimono_interop import AsyncKimonoClient, KimonoClient, NotFoundError, RetryPolicy
from kimono_interop_api.models import Actor, ActorKind, AuthKind, Cloud
from tests.support.specs import load_spec

BASE = "https://api.us2.kimonocloud.com"
CLOUD_ID = "5f7a1c2e-0d3b-4a6c-9e8f-1a2b3c4d5e6f"
ACCOUNT_ID = "6a8b2d3f-1e4c-4b7d-8f9a-2b3c4d5e6f70"
ACTOR_ID = "7b9c3e4f-2f5d-4c8e-9a0b-3c4d5e6f7081"

Handler = Callable[[httpx.Request], httpx.Response]


def _example(name: str) -> Any:
    """A copy of one of the spec's `components/examples` values."""
    return copy.deepcopy(load_spec("interop")["components"]["examples"][name]["value"])


def _recorder(answer: Handler) -> tuple[list[httpx.Request], Handler]:
    """A handler that issues tokens, records every API request and answers with ``answer``."""
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "tok-1", "expires_in": 3600})
        assert request.headers["authorization"] == "Bearer tok-1"
        sent.append(request)
        return answer(request)

    return sent, handler


def _client(handler: Handler) -> KimonoClient:
    return KimonoClient(
        "client-1",
        "s3cr3t-CLIENT-value",
        base_url=BASE,
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(max_retries=0),
    )


def _async_client(handler: Handler) -> AsyncKimonoClient:
    return AsyncKimonoClient(
        "client-1",
        "s3cr3t-CLIENT-value",
        base_url=BASE,
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(max_retries=0),
    )


def _query(request: httpx.Request) -> dict[str, str]:
    return dict(request.url.params)


def _two_pages(example: str, path: str, first: dict[str, Any], second: dict[str, Any]) -> Handler:
    """Answer page 0 with ``first`` and a `paging.next` link (without filters), then ``second``."""

    def answer(request: httpx.Request) -> httpx.Response:
        assert request.method == "GET"
        assert request.url.path == path
        body = _example(example)
        if request.url.params.get("page", "0") == "0":
            body["data"] = [{**body["data"][0], **first}]
            body["paging"] = {"next": f"{BASE}{path}?page=1"}
        else:
            body["data"] = [{**body["data"][0], **second}]
            body["paging"] = {"next": None}
        return httpx.Response(200, json=body)

    return answer


def _not_found(request: httpx.Request) -> httpx.Response:
    return httpx.Response(404, json={"status": 404, "code": "not_found", "message": "No such"})


def _never(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"no request expected, got {request.method} {request.url}")


# Actors


def test_actors_list_walks_two_pages() -> None:
    sent, handler = _recorder(
        _two_pages("ActorsPage", "/v2/interop/actors", {"id": ACTOR_ID}, {"name": "second"})
    )
    with _client(handler) as kimono:
        actors = list(kimono.actors.list(page_size=1))
    assert [r.url.path for r in sent] == ["/v2/interop/actors"] * 2
    assert [_query(r) for r in sent] == [
        {"page": "0", "page_size": "1"},
        {"page": "1", "page_size": "1"},
    ]
    assert all(isinstance(actor, Actor) for actor in actors)
    assert actors[0].id == uuid.UUID(ACTOR_ID)
    assert actors[0].type_ == ActorKind.CONNECTOR
    assert actors[0].auth.type_ == AuthKind.OAUTH2
    assert actors[0].auth.client_secret == "password"
    assert [actor.name for actor in actors] == ["text", "second"]


def test_actors_list_async() -> None:
    sent, handler = _recorder(
        _two_pages("ActorsPage", "/v2/interop/actors", {"name": "one"}, {"name": "two"})
    )

    async def main() -> list[str]:
        async with _async_client(handler) as kimono:
            return [actor.name async for actor in kimono.actors.list()]

    assert asyncio.run(main()) == ["one", "two"]
    assert [_query(r) for r in sent] == [{"page": "0"}, {"page": "1"}]


# Clouds: list and search


def test_clouds_list_walks_two_pages() -> None:
    sent, handler = _recorder(
        _two_pages("CloudsPage", "/v2/interop/clouds", {"id": CLOUD_ID}, {"generation": 2})
    )
    with _client(handler) as kimono:
        clouds = list(kimono.clouds.list(page_size=1))
    assert [(r.method, r.url.path) for r in sent] == [("GET", "/v2/interop/clouds")] * 2
    assert [_query(r) for r in sent] == [
        {"page": "0", "page_size": "1"},
        {"page": "1", "page_size": "1"},
    ]
    assert all(isinstance(cloud, Cloud) for cloud in clouds)
    assert clouds[0].id == uuid.UUID(CLOUD_ID)
    assert [(c.name, c.userdata, c.generation) for c in clouds] == [
        ("text", "text", 1),
        ("text", "text", 2),
    ]


def test_clouds_list_async() -> None:
    sent, handler = _recorder(
        _two_pages("CloudsPage", "/v2/interop/clouds", {"name": "a"}, {"name": "b"})
    )

    async def main() -> list[str]:
        async with _async_client(handler) as kimono:
            return [cloud.name async for cloud in kimono.clouds.list(page_size=5)]

    assert asyncio.run(main()) == ["a", "b"]
    assert [_query(r)["page"] for r in sent] == ["0", "1"]


def test_clouds_search_sends_filters_on_every_page() -> None:
    sent, handler = _recorder(
        _two_pages("CloudsPage", "/v2/interop/clouds/search", {"name": "prod"}, {"name": "prod"})
    )
    with _client(handler) as kimono:
        clouds = list(kimono.clouds.search(generation=3, userdata="east", name="prod"))
    assert [c.name for c in clouds] == ["prod", "prod"]
    filters = {"generation": "3", "userdata": "east", "name": "prod"}
    assert [_query(r) for r in sent] == [{**filters, "page": "0"}, {**filters, "page": "1"}]


def test_clouds_search_without_filters_sends_none() -> None:
    sent, handler = _recorder(
        _two_pages("CloudsPage", "/v2/interop/clouds/search", {}, {"name": "last"})
    )
    with _client(handler) as kimono:
        assert [c.name for c in kimono.clouds.search()] == ["text", "last"]
    assert _query(sent[0]) == {"page": "0"}


def test_clouds_search_refuses_a_non_int_generation() -> None:
    sent, handler = _recorder(_never)
    with _client(handler) as kimono, pytest.raises(TypeError, match="generation"):
        kimono.clouds.search(generation="3")  # type: ignore[arg-type]
    assert sent == []


# Clouds: one object


def _cloud_single(request: httpx.Request) -> httpx.Response:
    body = _example("CloudSingle")
    body["data"].update(id=CLOUD_ID, account_id=ACCOUNT_ID, created_at="2025-01-02T03:04:05Z")
    return httpx.Response(200, json=body)


def test_clouds_get() -> None:
    sent, handler = _recorder(_cloud_single)
    with _client(handler) as kimono:
        cloud = kimono.clouds.get(CLOUD_ID.upper())
    assert [(r.method, r.url.path) for r in sent] == [("GET", f"/v2/interop/clouds/{CLOUD_ID}")]
    assert isinstance(cloud, Cloud)
    assert cloud.id == uuid.UUID(CLOUD_ID)
    assert cloud.account_id == uuid.UUID(ACCOUNT_ID)
    assert cloud.created_at.year == 2025
    assert (cloud.name, cloud.userdata, cloud.generation) == ("text", "text", 1)


def test_clouds_get_async_accepts_a_uuid() -> None:
    sent, handler = _recorder(_cloud_single)

    async def main() -> Cloud:
        async with _async_client(handler) as kimono:
            return await kimono.clouds.get(uuid.UUID(CLOUD_ID))

    assert asyncio.run(main()).id == uuid.UUID(CLOUD_ID)
    assert sent[0].url.path == f"/v2/interop/clouds/{CLOUD_ID}"


def test_clouds_get_404_raises_not_found() -> None:
    sent, handler = _recorder(_not_found)
    with _client(handler) as kimono, pytest.raises(NotFoundError) as caught:
        kimono.clouds.get(CLOUD_ID)
    assert caught.value.status_code == 404
    assert len(sent) == 1


@pytest.mark.parametrize(
    "call",
    [
        lambda k: k.clouds.get("not-a-uuid"),
        lambda k: k.clouds.delete("not-a-uuid"),
        lambda k: k.clouds.list_actors("not-a-uuid"),
    ],
    ids=["get", "delete", "list_actors"],
)
def test_clouds_malformed_id_sends_nothing(call: Callable[[KimonoClient], object]) -> None:
    sent, handler = _recorder(_never)
    with _client(handler) as kimono, pytest.raises(ValueError, match="cloud_id"):
        call(kimono)
    assert sent == []


def test_clouds_create_from_a_dict() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return _cloud_single(request)

    sent, handler = _recorder(answer)
    with _client(handler) as kimono:
        created = kimono.clouds.create(_example("CloudBody"))
    request = sent[0]
    assert (request.method, request.url.path) == ("POST", "/v2/interop/clouds")
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {"name": "text", "userdata": "text", "generation": 1}
    assert created.id == uuid.UUID(CLOUD_ID)
    assert created.generation == 1


def test_clouds_create_async_from_a_model() -> None:
    sent, handler = _recorder(_cloud_single)

    async def main() -> Cloud:
        async with _async_client(handler) as kimono:
            return await kimono.clouds.create(Cloud(name="Sandbox", generation=2))

    created = asyncio.run(main())
    assert json.loads(sent[0].content) == {"name": "Sandbox", "generation": 2}
    assert created.id == uuid.UUID(CLOUD_ID)


def test_clouds_create_refuses_invalid_bodies() -> None:
    sent, handler = _recorder(_never)
    with _client(handler) as kimono:
        with pytest.raises(ValueError, match="cloud is not a valid Cloud"):
            kimono.clouds.create({"name": "x", "account_id": "not-a-uuid"})
        with pytest.raises(TypeError, match="cloud must be a Cloud or a dict"):
            kimono.clouds.create(["name", "x"])  # type: ignore[arg-type]
    assert sent == []


def test_clouds_delete() -> None:
    sent, handler = _recorder(lambda request: httpx.Response(204))
    with _client(handler) as kimono:
        assert kimono.clouds.delete(CLOUD_ID) is None
    assert [(r.method, r.url.path) for r in sent] == [("DELETE", f"/v2/interop/clouds/{CLOUD_ID}")]
    assert sent[0].content == b""


def test_clouds_delete_404_raises_not_found() -> None:
    sent, handler = _recorder(_not_found)
    with _client(handler) as kimono, pytest.raises(NotFoundError):
        kimono.clouds.delete(CLOUD_ID)
    assert sent[0].method == "DELETE"


# Clouds: actors of one cloud


def test_clouds_list_actors_with_credentials_walks_two_pages() -> None:
    path = f"/v2/interop/clouds/{CLOUD_ID}/actors"
    sent, handler = _recorder(
        _two_pages("ActorsPage", path, {"type": "integration"}, {"type": "repository"})
    )
    with _client(handler) as kimono:
        actors = list(kimono.clouds.list_actors(CLOUD_ID, credentials=True, page_size=1))
    assert [r.url.path for r in sent] == [path, path]
    assert [_query(r) for r in sent] == [
        {"credentials": "true", "page": "0", "page_size": "1"},
        {"credentials": "true", "page": "1", "page_size": "1"},
    ]
    assert [a.type_ for a in actors] == [ActorKind.INTEGRATION, ActorKind.REPOSITORY]
    assert actors[0].auth.client_id == "text"


def test_clouds_list_actors_async_without_credentials() -> None:
    path = f"/v2/interop/clouds/{CLOUD_ID}/actors"
    sent, handler = _recorder(_two_pages("ActorsPage", path, {"name": "a"}, {"name": "b"}))

    async def main() -> list[str]:
        async with _async_client(handler) as kimono:
            return [a.name async for a in kimono.clouds.list_actors(CLOUD_ID, credentials=False)]

    assert asyncio.run(main()) == ["a", "b"]
    assert _query(sent[0]) == {"credentials": "false", "page": "0"}


def test_clouds_list_actors_404_raises_not_found() -> None:
    sent, handler = _recorder(_not_found)
    with _client(handler) as kimono, pytest.raises(NotFoundError):
        list(kimono.clouds.list_actors(CLOUD_ID))
    assert len(sent) == 1
