"""What reading a nested model at its first read changes, and what it does not.

The generated models parse a nested object or list of objects at the first read of the
attribute ("lazy nested models", spec/templates/README.md). These tests pin down what the
README promises: ``from_dict()`` leaves nested values unparsed but still requires the
required ones; the first read parses, stores and returns; a value that does not fit
raises ``LazyParseError`` at that read (and at the next), as a
``kimono_interop.ResponseValidationError`` once the SDK is imported, including for a
list the SDK's pager yields; the class, its attrs fields, its constructor, equality,
repr, copies and pickles behave as before; threads that read first at the same time all
get a complete, equal value. ``test_lazy_equivalence.py`` compares the lazy models with
the eager ones on every body the project holds.
"""

from __future__ import annotations

import copy
import json
import pickle
import subprocess
import sys
import threading
from typing import Any

import attrs
import httpx
import pytest

from kimono_interop import KimonoClient, ResponseValidationError
from kimono_interop_data_api.models import (
    MembershipRefType,
    NameType,
    OrgMembershipRefType,
    Person,
    PersonSysType,
)
from kimono_interop_data_api.types import LAZY, UNSET, LazyParseError, lazy_fields
from scripts.bench_server import PageTemplate, Roster, make_person
from tests.support import ROOT

PERSON_ID = "0e6a5f0c-58e1-4c4e-9f0a-2b4b2a1d3c4e"
SECTION_ID = "2c1b2f8e-6a3d-4b7e-9c1f-0a9e8d7c6b5a"
BASE = "https://api.us2.kimonocloud.com"


def person_json(**members: Any) -> dict[str, Any]:
    """A person with a nested object of each kind: $sys, name, $schools, $sections."""
    return {
        "$sys": {"id": PERSON_ID, "type": "persons", "created_at": "2025-01-02T03:04:05Z"},
        "name": {"first": "Ada", "last": "Lovelace"},
        "$schools": [{"id": SECTION_ID, "$membership": {"status": "Active"}}],
        "$sections": [{"id": SECTION_ID}, {"id": SECTION_ID, "label": "Algebra I"}],
        "email": "ada@example.org",
        **members,
    }


def stored(model: Any, name: str) -> Any:
    """What the attrs slot of the field holds, without parsing it."""
    prop = type(model).__dict__[name]
    assert isinstance(prop, property)
    return prop.fset.__self__.__get__(model)  # the slot's member descriptor


# -- from_dict() and the first read --------------------------------------------------------------


def test_from_dict_keeps_each_nested_value_as_its_json_until_it_is_read() -> None:
    """Nested objects and lists are kept as given; top-level fields are parsed at once."""
    raw = person_json()
    person = Person.from_dict(raw)
    for name, key in (("sys", "$sys"), ("name", "name"), ("schools", "$schools")):
        assert stored(person, name) == (LAZY, raw[key])
    assert stored(person, "address") is UNSET  # absent: nothing to parse later
    assert person.email == "ada@example.org"
    assert type(person.sys) is PersonSysType and person.sys.id == PERSON_ID
    assert stored(person, "sys") is person.sys  # stored at the first read
    assert person.sys is person.sys
    assert [type(ref) for ref in person.sections] == [MembershipRefType] * 2
    assert type(person.schools[0]) is OrgMembershipRefType
    assert stored(person.schools[0], "membership") == (LAZY, {"status": "Active"})


def test_a_required_nested_value_must_still_be_there_and_top_level_fields_are_checked() -> None:
    """A missing required nested object, or a malformed top-level field, fails in from_dict()."""
    with pytest.raises(KeyError, match=r"\$sys"):
        Person.from_dict({"name": {"first": "No", "last": "Sys"}})
    with pytest.raises(ValueError, match="Invalid isoformat"):
        Person.from_dict(person_json(dob="yesterday"))


@pytest.mark.parametrize(
    ("member", "value", "cause"),
    [
        ("$sys", {"id": "not-a-uuid"}, ValueError),
        ("$sys", None, TypeError),
        ("$sys", {}, KeyError),
        ("name", "Ada", ValueError),
        ("$sections", [None], TypeError),
        ("$sections", 5, TypeError),
    ],
)
def test_a_nested_value_that_does_not_fit_raises_at_each_read(
    member: str, value: Any, cause: type[Exception]
) -> None:
    """from_dict() accepts it; each read of the field raises LazyParseError from the parser's
    error, a ResponseValidationError (the SDK is imported), and stores nothing."""
    person = Person.from_dict(person_json(**{member: value}))
    field = member.removeprefix("$")
    for _ in range(2):
        with pytest.raises(LazyParseError) as caught:
            getattr(person, field)
        assert isinstance(caught.value, ResponseValidationError)
        assert isinstance(caught.value, ValueError)
        assert type(caught.value.__cause__) is cause
        assert f"Person.{field} does not match the contract" in str(caught.value)
        assert stored(person, field) == (LAZY, value)
    assert person.email == "ada@example.org"  # the rest of the model reads as usual
    for read_all in (person.to_dict, lambda: person == person, lambda: repr(person)):
        with pytest.raises(LazyParseError):
            read_all()
    for duplicate in (copy.copy, copy.deepcopy, pickle.dumps):
        with pytest.raises(LazyParseError):
            duplicate(person)


def test_without_the_sdk_the_error_is_the_generated_packages_own() -> None:
    """The generated package imports no SDK: there the read raises LazyParseError itself."""
    code = """
import sys
from kimono_interop_data_api.models import Person
from kimono_interop_data_api.types import LazyParseError
person = Person.from_dict({"$sys": {"id": "not-a-uuid"}})
try:
    person.sys
except LazyParseError as error:
    assert type(error) is LazyParseError and type(error.__cause__) is ValueError, error
    assert str(error).startswith("Person.sys does not fit its model (ValueError: "), error
assert "kimono_interop" not in sys.modules
print("ok")
"""
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert (result.returncode, result.stdout.strip()) == (0, "ok"), result.stderr


def _serving(page: Any, one: Any) -> httpx.MockTransport:
    """``page`` for a list, ``one`` for a single read."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        return httpx.Response(200, json=one if request.url.path.endswith(PERSON_ID) else page)

    return httpx.MockTransport(answer)


def test_the_pager_yields_a_person_whose_nested_value_fails_when_it_is_read() -> None:
    """A list or a single read: the person comes out (its own fields fit); reading the bad
    part raises a ResponseValidationError, raised by the SDK's code; the rest reads as usual."""
    bad = person_json(**{"$sys": {"id": "not-a-uuid"}})
    page = {"data": [person_json(), bad], "paging": {"next": None}}
    with KimonoClient("c", "s", base_url=BASE, transport=_serving(page, bad)) as kimono:
        persons = list(kimono.rostering.persons.list())
        single = kimono.rostering.persons.get(PERSON_ID)
    assert [p.name.last for p in [*persons, single]] == ["Lovelace"] * 3
    assert persons[0].sys.id == PERSON_ID
    for person in (persons[1], single):
        with pytest.raises(ResponseValidationError, match=r"Person\.sys does not match") as caught:
            assert person.sys
        assert caught.value.response is None
        assert caught.traceback[-1].path.parts[-2:] == ("kimono_interop", "_parsing.py")


def test_what_the_caller_gives_is_checked_whole_before_anything_is_sent() -> None:
    """A request body given as a dict is parsed to its last nested value at once."""
    requests: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda request: requests.append(request) or httpx.Response(500))
    ack = {"task_id": PERSON_ID, "status": "success", "$sys": 5}
    with (
        KimonoClient("c", "s", base_url=BASE, transport=transport) as kimono,
        pytest.raises(ValueError, match=r"acks\[0\] is not a valid TaskAck"),
    ):
        kimono.tasks.ack_many([ack])
    assert requests == []


# -- the class, its fields, its constructor ------------------------------------------------------


def test_the_class_and_its_attrs_fields_are_those_of_a_plain_attrs_model() -> None:
    """Same class, attrs fields in order with their types; slots kept."""
    person = Person.from_dict(person_json())
    assert type(person) is Person
    assert attrs.has(Person) and "__slots__" in vars(Person)
    assert [f.name for f in attrs.fields(Person)] == [
        "sys", "ext", "local_id", "state_id", "name", "address", "phone", "email", "sex",
        "dob", "aup", "grad_year", "schools", "sections", "additional_properties",
    ]  # fmt: skip
    assert attrs.fields(Person).sys.type == "PersonSysType"
    assert attrs.fields(Person).sections.type == "list[MembershipRefType] | Unset"
    assert not hasattr(person, "__dict__")


def test_a_model_given_to_the_constructor_or_assigned_is_stored_as_it_is() -> None:
    """Building a model by hand is unchanged; it equals the same model read from JSON."""
    sys_ = PersonSysType(id=PERSON_ID)
    name = NameType(first="Ada", last="Lovelace")
    refs = (MembershipRefType(id=SECTION_ID),)  # a tuple given by a caller stays a tuple
    person = Person(sys=sys_, name=name, sections=refs)  # type: ignore[arg-type]
    assert person.sys is sys_ and person.name is name and person.sections is refs
    read = Person.from_dict(
        {"$sys": {"id": PERSON_ID}, "name": {"first": "Ada", "last": "Lovelace"}}
    )
    assert read == Person(sys=sys_, name=name)
    assert read.to_dict() == Person(sys=sys_, name=name).to_dict()
    assert attrs.evolve(read, email="a@b.c") == Person(sys=sys_, name=name, email="a@b.c")
    unread = Person.from_dict(person_json(name={"first": "Not", "last": "Read"}))
    unread.name = name
    assert unread.name is name and unread.to_dict()["name"] == name.to_dict()


def test_unknown_members_are_kept_at_every_level() -> None:
    """additional_properties as before: on the person at once, on a nested model once read."""
    raw = person_json(nickname="Countess", name={"first": "Ada", "title": "Lady"})
    person = Person.from_dict(raw)
    assert person.additional_properties == {"nickname": "Countess"} and person["nickname"]
    assert person.name.additional_properties == {"title": "Lady"}
    assert person.to_dict()["name"] == {"first": "Ada", "title": "Lady"}
    assert person.to_dict()["nickname"] == "Countess"


def test_copies_and_pickles_of_an_unread_model_are_parsed_and_equal() -> None:
    """Copy, deep copy and pickle read every field: their copies hold parsed models."""
    raw = person_json()
    expected = Person.from_dict(raw).to_dict()
    for duplicate in (
        copy.copy,
        copy.deepcopy,
        lambda p: pickle.loads(pickle.dumps(p)),
        lambda p: pickle.loads(pickle.dumps(p, protocol=0)),
    ):
        person = Person.from_dict(raw)
        twin = duplicate(person)
        assert twin == person and twin.to_dict() == expected
        assert type(stored(twin, "sys")) is PersonSysType
        assert type(stored(twin, "sections")) is list


def test_to_dict_does_not_hand_out_the_json_it_was_given() -> None:
    """to_dict() writes a new dict: changing it changes neither the model nor the input."""
    raw = person_json()
    person = Person.from_dict(raw)
    out = person.to_dict()
    out["name"]["first"] = "Changed"
    out["$sections"].clear()
    assert person.name.first == "Ada" and len(person.sections) == 2
    assert raw["name"]["first"] == "Ada" and len(raw["$sections"]) == 2


def test_lazy_fields_leaves_other_classes_and_fields_alone() -> None:
    """Only the named fields become properties; an unread value of another shape is
    returned as it is."""

    @attrs.define
    class Box:
        inner: Any
        other: Any = None

    lazy_fields(Box, inner=lambda data: ("parsed", data))
    box = Box((LAZY, 1), other=(LAZY, 2))
    assert box.other == (LAZY, 2)
    assert box.inner == ("parsed", 1) and box.inner == ("parsed", 1)
    assert Box((1, 2)).inner == (1, 2) and Box(()).inner == ()


# -- threads ------------------------------------------------------------------------------------

THREADS = 8


@pytest.fixture
def switch_often() -> Any:
    """Threads switch every microsecond, so first reads really overlap."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


@pytest.mark.usefixtures("switch_often")
@pytest.mark.parametrize("field", ["sys", "sections", "schools"])
def test_threads_reading_a_field_first_at_once_all_get_it_whole(field: str) -> None:
    """8 threads, released together, read the same field of each of 300 fresh persons: each
    gets a complete value, equal to the others' and to a single-threaded read."""
    import random

    rng, roster = random.Random(5), Roster(5)
    raws = [
        json.loads(PageTemplate([make_person(rng, roster)]).render(n, None))["data"][0]
        for n in range(300)
    ]
    persons = [Person.from_dict(raw) for raw in raws]
    expected = [getattr(Person.from_dict(raw), field) for raw in raws]
    barrier = threading.Barrier(THREADS)
    seen: list[list[Any]] = [[] for _ in range(THREADS)]
    errors: list[BaseException] = []

    def reader(index: int) -> None:
        try:
            for person in persons:
                barrier.wait()
                value = getattr(person, field)
                seen[index].append((value, json.dumps(_dump(value))))
        except BaseException as error:  # reported by the main thread
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for n, want in enumerate(expected):
        for got in seen:
            value, dumped = got[n]
            assert value == want and dumped == json.dumps(_dump(want))
        assert getattr(persons[n], field) == want


def _dump(value: Any) -> Any:
    return [item.to_dict() for item in value] if isinstance(value, list) else value.to_dict()


class _Held(dict):  # type: ignore[type-arg]
    """A nested object whose parse waits, inside, until the test lets it go on."""

    def __init__(self, *args: Any, entered: threading.Event, go: threading.Event) -> None:
        super().__init__(*args)
        self.entered, self.go = entered, go

    def keys(self) -> Any:  # what dict() of a dict subclass reads, once __iter__ is its own
        self.entered.set()
        assert self.go.wait(10)
        return super().keys()

    def __iter__(self) -> Any:
        return iter(self.keys())


@pytest.mark.parametrize("then", ["assign", "delete"])
def test_a_first_read_does_not_undo_what_was_assigned_while_it_parsed(then: str) -> None:
    """A thread parses the field while another assigns (or deletes) it: the parse's value
    is not stored over what was assigned, as an eager model could never lose a write."""
    entered, go = threading.Event(), threading.Event()
    raw = person_json(name=_Held({"first": "Old"}, entered=entered, go=go))
    person = Person.from_dict(raw)
    got: list[Any] = []
    reader = threading.Thread(target=lambda: got.append(person.name))
    reader.start()
    assert entered.wait(10)
    new = NameType(first="New")
    if then == "assign":
        person.name = new
    else:
        del person.name
    go.set()
    reader.join(10)
    assert got and got[0].first == ("New" if then == "assign" else "Old")
    if then == "assign":
        assert person.name is new
    else:
        with pytest.raises(AttributeError):
            person.name  # noqa: B018
