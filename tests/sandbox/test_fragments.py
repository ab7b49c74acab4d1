"""List pages from kept JSON texts: the same bytes as JSONResponse, and every change shows.

The sandbox keeps the rendered text of each roster object and uses it while the object
is unchanged (``kimono_interop.sandbox.fragments``). These tests change objects every
way a test or user can (in place, nested, by replacement, between any two uses) and
check each answer against a fresh render.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.responses import JSONResponse

from kimono_interop.sandbox import Sandbox, SandboxConfig, SandboxState
from kimono_interop.sandbox.fragments import RENDERER, Fragments
from tests.support.cli import flags, run

#: The module's sandbox (the ``sandbox`` fixture of tests/conftest.py).
SANDBOX = {"students": 40, "seed": 5}

RENDERERS = ["json"] + (["orjson"] if RENDERER == "orjson" else [])
PERSONS = "/v2/interop/data/rostering/persons"


@pytest.fixture(params=RENDERERS)
def renderer(request: pytest.FixtureRequest, sandbox: Sandbox) -> Iterator[str]:
    """Each test runs with the sandbox's lists rendered each way installed."""
    fragments = sandbox.state.fragments
    before = fragments.renderer
    fragments.renderer = request.param
    fragments.clear()
    yield request.param
    fragments.renderer = before
    fragments.clear()


@pytest.fixture
def http(sandbox: Sandbox) -> Iterator[httpx.Client]:
    creds = sandbox.credentials
    with httpx.Client(base_url=creds["base_url"]) as client:
        answer = client.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": creds["client_id"],
                "client_secret": creds["client_secret"],
            },
        )
        client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        yield client


def expected(items: list[Any], next_url: str | None) -> bytes:
    """What ``JSONResponse`` renders for a page: the bytes the sandbox always sent."""
    return bytes(JSONResponse({"data": items, "paging": {"next": next_url}}).body)


def page(http: httpx.Client, path: str = PERSONS, **params: int) -> httpx.Response:
    answer = http.get(path, params={"page": 0, "page_size": 2000, **params})
    answer.raise_for_status()
    return answer


def test_pages_are_the_bytes_jsonresponse_renders(
    sandbox: Sandbox, http: httpx.Client, renderer: str
) -> None:
    """Every roster list, paged, first and later uses: the bytes JSONResponse renders."""
    persons = list(sandbox.state.roster.persons.values())
    for _ in range(3):  # the first use (snapshot and render), then from the snapshots
        first = page(http, page_size=15)
        assert first.content == expected(persons[:15], str(first.json()["paging"]["next"]))
        assert first.headers["content-type"] == "application/json"
        assert int(first.headers["content-length"]) == len(first.content)
        last = page(http, page=2, page_size=15)
        assert last.content == expected(persons[30:45], None)
    roster = sandbox.state.roster
    for path, objects in (
        ("/v2/interop/data/rostering/orgs", roster.orgs),
        ("/v2/interop/data/rostering/sections", roster.sections),
        ("/v2/interop/data/rostering/terms", roster.terms),
    ):
        for _ in range(3):
            assert page(http, path).content == expected(list(objects.values()), None)
    assert page(http, page=9).content == expected([], None)


def test_a_change_in_place_shows_at_once(
    sandbox: Sandbox, http: httpx.Client, renderer: str
) -> None:
    """Nested or top-level, between any two uses of a text, a change is in the next answer."""
    person = next(iter(sandbox.state.roster.persons.values()))
    original = json.loads(json.dumps(person))
    try:
        for uses in range(3):  # changed after the 0th, 1st, 2nd use of its text
            for _ in range(uses):
                page(http)
            person["name"]["first"] = f"Changed {uses}"
            assert page(http).json()["data"][0]["name"]["first"] == f"Changed {uses}"
            person["$sections"][0]["$membership"]["status"] = f"Inactive {uses}"
            assert page(http).json()["data"][0]["$sections"][0]["$membership"]["status"] == (
                f"Inactive {uses}"
            )
            person["email"] = f"changed.{uses}@example.edu"
            person.pop("address", None)
            served = page(http).json()["data"][0]
            assert served["email"] == f"changed.{uses}@example.edu"
            assert "address" not in served
            person["$sections"].append({"id": "x", "type": "sections"})
            assert page(http).json()["data"][0]["$sections"][-1] == {"id": "x", "type": "sections"}
            del person["$sections"][-1]
            assert page(http).content == expected(list(sandbox.state.roster.persons.values()), None)
    finally:
        person.clear()
        person.update(original)
    assert page(http).json()["data"][0] == original


def test_a_replaced_or_removed_object_shows(
    sandbox: Sandbox, http: httpx.Client, renderer: str
) -> None:
    """An object replaced in the roster (as inject does) or removed is served as it now is."""
    persons = sandbox.state.roster.persons
    saved = dict(persons)
    person_id, person = next(iter(persons.items()))
    for _ in range(3):
        page(http)
    try:
        persons[person_id] = {**person, "email": "replaced@example.edu"}
        assert page(http).json()["data"][0]["email"] == "replaced@example.edu"
        del persons[person_id]
        assert person_id not in {p["$sys"]["id"] for p in page(http).json()["data"]}
    finally:
        persons.clear()
        persons.update(saved)
    assert page(http).content == expected(list(persons.values()), None)


def test_the_export_sees_a_changed_name(sandbox: Sandbox, tmp_path: Any, renderer: str) -> None:
    """The command line's export, after the lists were served, writes an object's new value."""
    term_id, term = next(iter(sandbox.state.roster.terms.items()))
    original = term["name"]
    for n in range(3):
        result = run(*flags(sandbox), "export", "--out", str(tmp_path), "--only", "terms")
        assert result.exit_code == 0, result.output
        term["name"] = f"Renamed {n}"
        result = run(*flags(sandbox), "export", "--out", str(tmp_path), "--only", "terms")
        lines = (tmp_path / "terms.jsonl").read_text(encoding="utf-8").splitlines()
        names = {json.loads(line)["$sys"]["id"]: json.loads(line)["name"] for line in lines}
        assert names[term_id] == f"Renamed {n}"
    term["name"] = original


def test_only_the_rosters_objects_are_kept() -> None:
    """Copies made per request are rendered each time, never kept; kept texts stay bounded."""
    state = SandboxState.create(SandboxConfig(students=20, seed=3))
    fragments = Fragments(state.roster.holds, state.roster.size, renderer="json")
    persons = list(state.roster.persons.values())
    for _ in range(3):
        copies = [dict(p) for p in persons]
        assert fragments.page(copies, None) == expected(copies, None)
    assert len(fragments) == 0
    for _ in range(3):
        assert fragments.page(persons, None) == expected(persons, None)
    assert len(fragments) == len(persons)
    # Objects replaced again and again leave entries behind only until a pruning.
    person_id = persons[0]["$sys"]["id"]
    for n in range(3 * (state.roster.size() + 1024)):
        replacement = {**persons[0], "local_id": str(n)}
        state.roster.persons[person_id] = replacement
        assert (
            fragments.render(replacement)
            == json.dumps(replacement, ensure_ascii=False, separators=(",", ":")).encode()
        )
    assert len(fragments) <= 2 * state.roster.size() + 1024


def test_what_orjson_refuses_is_rendered_by_json() -> None:
    """Keys that are not strings render as json renders them, whichever renderer is on."""
    state = SandboxState.create(SandboxConfig(students=2, seed=3))
    odd = [{"$sys": {"id": "a"}, "counts": {1: "one"}}]
    for name in RENDERERS:
        fragments = Fragments(state.roster.holds, state.roster.size, renderer=name)
        assert fragments.page(odd, None) == expected(odd, None)
    with pytest.raises(ValueError, match="renderer"):
        Fragments(state.roster.holds, state.roster.size, renderer="yaml")


def test_an_object_marshal_cannot_write_is_kept_by_its_snapshot() -> None:
    """A dict subclass in the roster (no fingerprint) is compared with a snapshot at once."""

    class Odd(dict):  # type: ignore[type-arg]
        pass

    state = SandboxState.create(SandboxConfig(students=2, seed=3))
    person_id, person = next(iter(state.roster.persons.items()))
    odd = state.roster.persons[person_id] = Odd(person)
    fragments = Fragments(state.roster.holds, state.roster.size, renderer="json")
    for n in range(4):
        odd["local_id"] = f"odd {n}"
        for _ in range(n):
            assert fragments.page([odd], None) == expected([dict(odd)], None)
        assert fragments.page([odd], None) == expected([dict(odd)], None)
    assert len(fragments) == 1


def test_a_warmed_roster_is_served_without_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the json renderer every roster object is rendered when the renderer is chosen
    (or when inject adds it): serving a page renders none of them, and the bytes are
    JSONResponse's; an object changed in place since is rendered again, and only it."""
    from kimono_interop.sandbox import fragments as module

    state = SandboxState.create(SandboxConfig(students=30, seed=4))
    fragments = state.fragments
    fragments.renderer = "json"
    assert len(fragments) == state.roster.size()
    rendered: list[Any] = []
    real_render = module.render

    def counting(obj: Any) -> bytes:
        if isinstance(obj, dict):
            rendered.append(obj)
        return real_render(obj)

    monkeypatch.setattr(module, "render", counting)
    for collection in state.roster.collections():
        objects = list(collection.values())
        for start in range(0, len(objects), 7):
            chunk = objects[start : start + 7]
            assert fragments.page(chunk, "next") == expected(chunk, "next")
    assert rendered == []
    persons = list(state.roster.persons.values())
    persons[3]["name"]["first"] = "Changed in place"
    assert fragments.page(persons, None) == expected(persons, None)
    assert [obj["$sys"]["id"] for obj in rendered] == [persons[3]["$sys"]["id"]]
    rendered.clear()
    replacement = {**persons[5], "email": "injected@example.edu"}
    state.inject("UPDATE", "persons", replacement)
    assert rendered == [replacement]  # rendered by inject (its snapshot), not by a page
    rendered.clear()
    persons = list(state.roster.persons.values())
    assert fragments.page(persons, None) == expected(persons, None)
    assert rendered == []


def test_orjson_warms_nothing_and_a_sandbox_without_objects_warms_nothing() -> None:
    """orjson renders whole pages: nothing is kept; a Fragments told no objects keeps none
    until pages are served."""
    state = SandboxState.create(SandboxConfig(students=5, seed=4))
    if RENDERER == "orjson":
        state.fragments.renderer = "orjson"
        state.fragments.clear()
        state.fragments.warm(state.roster.objects())
        assert len(state.fragments) == 0
    bare = Fragments(state.roster.holds, state.roster.size, renderer="json")
    assert len(bare) == 0
