"""Apply semantics on both stores: guards, tombstones, the inbox, isolation, failures, the feed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from kimono_interop.mirror import Change, Mirror, Result, object_type_of

from .builders import TENANT, data_task, new_id, person, section, sync_task


@pytest.fixture
def mirror(store_url: str) -> Iterator[Mirror]:
    with Mirror.open(store_url) as opened:
        yield opened


def _data(mirror: Mirror, object_type: str, object_id: str) -> Any:
    stored = mirror.get(TENANT, object_type, object_id)
    assert stored is not None
    return stored.data


def test_an_add_is_stored_with_its_sequence_and_queried_through_the_views(
    mirror: Mirror,
) -> None:
    school, teacher, student, sec = new_id(), new_id(), new_id(), new_id()
    outcomes = mirror.apply(
        [
            data_task("ADD", "persons", person(teacher, "teacher", schools=[school]), 1),
            data_task("ADD", "persons", person(student, schools=[school], sections=[sec]), 2),
            data_task("ADD", "sections", section(sec, teachers=[teacher]), 3),
        ]
    )
    assert [o.result for o in outcomes] == [Result.APPLIED] * 3
    assert all(o.status == "success" for o in outcomes)
    stored = mirror.get(TENANT, "Person", student)  # type names are normalised
    assert stored is not None and stored.sequence == 2 and not stored.deleted
    assert stored.data == person(student, schools=[school], sections=[sec])
    with mirror.engine.connect() as connection:
        students = connection.execute(
            sa.text("SELECT person_id FROM mirror_persons WHERE person_type = 'student'")
        ).all()
        enrolled = connection.execute(
            sa.text(
                "SELECT person_id, person_type FROM mirror_enrollments "
                "WHERE section_id = :s ORDER BY person_type"
            ),
            {"s": sec},
        ).all()
        schools = connection.execute(
            sa.text("SELECT school_id FROM mirror_person_schools WHERE person_id = :p"),
            {"p": teacher},
        ).all()
    assert [row[0] for row in students] == [student]
    # the section lists its teacher, the student lists the section (flat reference)
    assert sorted(map(tuple, enrolled)) == sorted([(student, "student"), (teacher, "teacher")])
    assert [row[0] for row in schools] == [school]


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("Person", "persons"),
        ("persons", "persons"),
        ("Student", "persons"),
        ("RDM:Student", "persons"),
        ("RDM:STAFF", "persons"),
        ("LEA", "orgs"),
        ("School", "orgs"),
        ("RDM:CourseSection", "sections"),
        ("COURSE_SECTION", "sections"),
        ("Course", "courses"),
        ("Term", "terms"),
        ("GradingCategory", "grading_categories"),
        ("RDM:Attendance", "attendance"),
        ("Widgets", "widgets"),
        ("RDM:", "rdm:"),
    ],
)
def test_the_names_tasks_give_a_type_are_one_type(name: str, stored: str) -> None:
    """The Interop API's names and the vendor's blueprint topics (``Student``,
    ``RDM:CourseSection``: kimonocloud/api-examples, client-kit-java's ``KCTopic``) name
    the roster's types; another is kept lower case, without its ``schema:``."""
    assert object_type_of(name) == stored


def test_one_object_named_by_several_topics_is_one_object(mirror: Mirror) -> None:
    """A person added as ``Person``, changed as ``Student`` and deleted as
    ``RDM:Student`` is one object, deleted (they were three rows, and the views listed
    the person alive with the old data); a section added as ``RDM:CourseSection`` lists
    its students in the views, and a person of a ``Staff`` topic whose data names no
    type is staff."""
    student, teacher, sec = new_id(), new_id(), new_id()
    changed = {**person(student), "name": {"first": "Ada", "last": "Byron"}}
    untyped = {k: v for k, v in person(teacher).items() if k != "$sys"}
    outcomes = mirror.apply(
        [
            data_task("ADD", "Person", person(student), 1),
            data_task("CHANGE", "Student", changed, 2),
            data_task("ADD", "RDM:Staff", untyped, 3, object_id=teacher),
            data_task("ADD", "RDM:CourseSection", section(sec, students=[student]), 4),
        ]
    )
    assert [o.result for o in outcomes] == [Result.APPLIED] * 4
    assert _data(mirror, "persons", student)["name"]["last"] == "Byron"
    with mirror.engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT object_type, COUNT(*) FROM mirror_objects GROUP BY object_type")
        ).all()
        enrolled = connection.execute(
            sa.text("SELECT person_id, person_type FROM mirror_enrollments")
        ).all()
        staff = connection.execute(
            sa.text("SELECT person_id FROM mirror_persons WHERE person_type = 'staff'")
        ).all()
    assert sorted(map(tuple, rows)) == [("persons", 2), ("sections", 1)]
    assert [tuple(row) for row in enrolled] == [(student, "student")]
    assert [row[0] for row in staff] == [teacher]
    (deleted,) = mirror.apply([data_task("DELETE", "RDM:Student", None, 5, object_id=student)])
    assert deleted.result == Result.APPLIED
    stored = mirror.get(TENANT, "persons", student)
    assert stored is not None and stored.deleted
    assert [c.object_type for c in mirror.changes()] == ["persons"] * 3 + ["sections", "persons"]


def test_a_person_keeps_its_type_through_a_task_that_names_none(mirror: Mirror) -> None:
    """Added as a ``Student`` (its data naming no type: a student), updated as a
    ``Person`` whose data names none either: still a student (the update set it NULL,
    and the person left the views of students); data that names a type sets it."""
    student = new_id()
    untyped = {k: v for k, v in person(student).items() if k != "$sys"}
    mirror.apply(
        [
            data_task("ADD", "Student", untyped, 1, object_id=student),
            data_task("UPDATE", "Person", untyped, 2, object_id=student),
        ]
    )
    mirror.apply([data_task("UPDATE", "Person", untyped, 3, object_id=student)])
    with mirror.engine.connect() as connection:
        typed = connection.exec_driver_sql("SELECT person_type FROM mirror_objects").scalars()
        assert list(typed) == ["student"]
    mirror.apply([data_task("UPDATE", "Person", person(student, "teacher"), 4)])
    with mirror.engine.connect() as connection:
        typed = connection.exec_driver_sql("SELECT person_type FROM mirror_objects").scalars()
        assert list(typed) == ["teacher"]


def test_an_older_event_never_overwrites_a_newer_one(mirror: Mirror) -> None:
    pid = new_id()
    mirror.apply([data_task("UPDATE", "persons", person(pid, name="New"), 10)])
    (outcome,) = mirror.apply([data_task("UPDATE", "persons", person(pid, name="Old"), 7)])
    assert outcome.result == Result.STALE and outcome.status == "success"
    assert _data(mirror, "persons", pid)["name"]["first"] == "New"
    (outcome,) = mirror.apply([data_task("DELETE", "persons", person(pid), 8)])
    assert outcome.result == Result.STALE
    assert not mirror.get(TENANT, "persons", pid).deleted  # type: ignore[union-attr]


def test_delete_leaves_a_tombstone_and_a_newer_add_brings_the_object_back(
    mirror: Mirror,
) -> None:
    pid, school = new_id(), new_id()
    mirror.apply([data_task("ADD", "persons", person(pid, schools=[school]), 1)])
    mirror.apply([data_task("DELETE", "persons", None, 2, object_id=pid)])
    stored = mirror.get(TENANT, "persons", pid)
    assert stored is not None and stored.deleted and stored.sequence == 2
    assert stored.data == person(pid, schools=[school])  # the object as it was
    assert list(mirror.objects("persons")) == []
    assert [o.object_id for o in mirror.objects("persons", include_deleted=True)] == [pid]
    with mirror.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM mirror_links")).scalar() == 0
    mirror.apply([data_task("ADD", "persons", person(pid, name="Back"), 3)])
    stored = mirror.get(TENANT, "persons", pid)
    assert stored is not None and not stored.deleted and stored.data["name"]["first"] == "Back"
    # A DELETE of an object never seen is kept as a tombstone too (a later, older ADD is refused)
    ghost = new_id()
    mirror.apply([data_task("DELETE", "persons", person(ghost), 5)])
    (late,) = mirror.apply([data_task("ADD", "persons", person(ghost), 4)])
    assert late.result == Result.STALE
    assert mirror.get(TENANT, "persons", ghost).deleted  # type: ignore[union-attr]


@pytest.mark.parametrize("action", ["ADD", "UPDATE", "CHANGE", "SET", "UNSET"])
def test_every_upsert_action_replaces_the_object_with_its_data(mirror: Mirror, action: str) -> None:
    pid, sec = new_id(), new_id()
    mirror.apply([data_task("ADD", "persons", person(pid, sections=[sec]), 1)])
    now = person(pid, name="Grace")  # e.g. UNSET of the section: the object without it
    (outcome,) = mirror.apply(
        [data_task(action, "persons", now, 2, changes={"$sections": [{"id": sec}]})]
    )
    assert outcome.result == Result.APPLIED
    assert _data(mirror, "persons", pid) == now
    with mirror.engine.connect() as connection:
        links = connection.execute(sa.text("SELECT rel FROM mirror_links")).scalars().all()
    assert links == []


def test_a_redelivered_task_is_acked_with_its_outcome_and_never_applied_again(
    store_url: str,
) -> None:
    pid = new_id()
    add = data_task("ADD", "persons", person(pid), 1)
    bad = data_task("UPDATE", "persons", None, 2, object_id=pid)  # no data: parked
    with Mirror.open(store_url) as mirror:
        first = mirror.apply([add, bad, add])  # the same task twice in one batch
        assert [o.result for o in first] == [Result.APPLIED, Result.PARKED, Result.DUPLICATE]
        assert first[2].status == "success"
    with Mirror.open(store_url) as again:  # after a restart, or from another process
        outcomes = again.apply([add, bad])
        assert [o.result for o in outcomes] == [Result.DUPLICATE, Result.DUPLICATE]
        assert [o.status for o in outcomes] == ["success", "error"]
        assert outcomes[1].message == first[1].message
        assert len(again.changes()) == 1


def test_a_failing_task_is_isolated_retried_then_parked_and_replayed(store_url: str) -> None:
    bad_id, good_id = new_id(), new_id()
    broken = {"on": True}
    bad = data_task("ADD", "persons", person(bad_id), 1)

    def hook(connection: sa.Connection, change: Change) -> None:
        connection.execute(
            sa.text("INSERT INTO audit (object_id) VALUES (:o)"), {"o": change.object_id}
        )
        if broken["on"] and change.task_id == bad["id"]:
            raise RuntimeError("the application's table refused it")

    with Mirror.open(store_url, max_attempts=2, on_change=hook) as mirror:
        with mirror.engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE audit (object_id VARCHAR(64))"))
        later = data_task("UPDATE", "persons", person(bad_id, name="Later"), 3)
        good = data_task("ADD", "persons", person(good_id), 2)
        outcomes = mirror.apply([bad, good, later])
        assert [o.result for o in outcomes] == [Result.RETRY, Result.APPLIED, Result.HELD]
        assert [o.status for o in outcomes] == ["retry", "success", "retry"]
        assert "refused it" in (outcomes[0].message or "")
        assert mirror.get(TENANT, "persons", bad_id) is None
        assert _data(mirror, "persons", good_id) == person(good_id)
        with mirror.engine.connect() as connection:  # the hook's write rolled back with it
            audit = connection.execute(sa.text("SELECT object_id FROM audit")).scalars().all()
        assert audit == [good_id]
        # Delivered again (the retry): the second failure parks it, the later one applies.
        outcomes = mirror.apply([bad, later])
        assert [o.result for o in outcomes] == [Result.PARKED, Result.HELD]
        outcomes = mirror.apply([later])
        assert [o.result for o in outcomes] == [Result.APPLIED]
        (parked,) = mirror.parked()
        assert parked.task_id == bad["id"] and parked.attempts == 2
        assert parked.raw == bad and "refused it" in (parked.error or "")
        broken["on"] = False
        replayed = mirror.replay(bad["id"])
        assert replayed.result == Result.STALE  # seq 1 is older than the applied seq 3
        assert mirror.parked() == []
        assert mirror.parked(include_replayed=True)[0].replayed_at is not None
        with pytest.raises(KeyError):
            mirror.replay("nope")
        changes = mirror.changes()
        with pytest.raises(KeyError, match="awaiting a replay"):  # once: it is not parked now
            mirror.replay(bad["id"])
        assert mirror.changes() == changes


def test_a_task_that_can_never_apply_is_parked_at_once(mirror: Mirror) -> None:
    pid = new_id()
    outcomes = mirror.apply(
        [
            data_task("UPDATE", "persons", None, 1, object_id=pid),
            data_task("MERGE", "persons", person(new_id()), 2),
        ]
    )
    assert [o.result for o in outcomes] == [Result.PARKED, Result.PARKED]
    assert [o.status for o in outcomes] == ["error", "error"]
    assert "without the object" in (outcomes[0].message or "")
    assert {p.task_id for p in mirror.parked()} == {o.task_id for o in outcomes}
    again = mirror.replay(outcomes[0].task_id)
    assert again.result == Result.PARKED
    assert mirror.status()["parked"] == 2


def test_the_change_feed_is_ordered_and_resumable(mirror: Mirror) -> None:
    ids = [new_id() for _ in range(5)]
    mirror.apply([data_task("ADD", "persons", person(i), n) for n, i in enumerate(ids, 1)])
    mirror.apply([data_task("DELETE", "persons", None, 9, object_id=ids[0])])
    first = mirror.changes(limit=3)
    rest = mirror.changes(since=first[-1].cursor)
    feed = first + rest
    assert [c.object_id for c in feed] == [*ids, ids[0]]
    assert [c.op for c in feed] == ["upsert"] * 5 + ["delete"]
    assert [c.sequence for c in feed] == [1, 2, 3, 4, 5, 9]
    assert [c.cursor for c in feed] == sorted(c.cursor for c in feed)
    assert mirror.changes(since=feed[-1].cursor) == []
    assert all(c.at.tzinfo is not None for c in feed)  # aware on every store


def test_tasks_that_are_not_roster_changes_are_acked_and_recorded(store_url: str) -> None:
    grades = {"schema": "3.0", "type": "grades_query", "id": new_id(), "action": "NOT_APPLICABLE"}
    auth = {"schema": "3.0", "type": "authenticate", "id": new_id()}
    with Mirror.open(store_url) as mirror:
        assert [o.result for o in mirror.apply([grades])] == [Result.IGNORED]
    seen: list[str] = []

    def other(task: Any) -> str:
        seen.append(task.id)
        return "error"

    with Mirror.open(store_url, on_other=other) as mirror:
        (outcome,) = mirror.apply([auth])
        assert (outcome.result, outcome.status) == (Result.IGNORED, "error")
        assert mirror.apply([auth])[0].result == Result.DUPLICATE
    assert seen == [auth["id"]]


def test_a_task_of_an_unknown_kind_carrying_data_is_parked_not_acked_away(
    store_url: str,
) -> None:
    """A task of a kind no reader knows that carries data was acked ``success`` and its
    change lost; it is parked, to replay once it can be read. One of an unknown kind
    without data is still acked as nothing to do, and with ``on_other`` the application
    decides. The flat task of the vendor's generated Java client (kimono-api-java
    ``Task.md``: ``action``, ``topic``, ``batch_id``, ``data``) is a data event: applied
    (it was parked)."""
    student = new_id()
    flat = {
        "id": new_id(),
        "action": "add",
        "topic": "Student",
        "batch_id": "b-1",
        "data": {k: v for k, v in person(student).items() if k != "person_type"},
    }
    unknown = {"schema": "3.0", "type": "roster_event", "id": new_id(), "data": person(new_id())}
    bare = {"schema": "3.0", "type": "roster_event", "id": new_id()}
    with Mirror.open(store_url) as mirror:
        applied, parked, ignored = mirror.apply([flat, unknown, bare])
        assert (applied.result, applied.status) == (Result.APPLIED, "success")
        assert (parked.result, parked.status) == (Result.PARKED, "error")
        assert "kind this version does not read" in (parked.message or "")
        assert (ignored.result, ignored.status) == (Result.IGNORED, "success")
        assert [p.task_id for p in mirror.parked()] == [unknown["id"]]
        stored = mirror.get("", "persons", student)  # (it names no tenant: the default)
        assert stored is not None and stored.data == flat["data"]
    with Mirror.open(store_url, on_other=lambda task: None) as mirror:
        unknown["id"] = new_id()
        assert mirror.apply([unknown])[0].result == Result.IGNORED


def _full_sync(
    mirror: Mirror, objects: list[dict[str, Any]], start: int, origin: str = "resend"
) -> None:
    tasks = [sync_task("SYNC_START", start, origin=origin)]
    tasks += [data_task("ADD", "persons", obj, start + n) for n, obj in enumerate(objects, 1)]
    tasks.append(sync_task("SYNC_END", start + len(objects) + 1))
    mirror.apply(tasks)


def _topic_sync(
    mirror: Mirror, topic: str, objects: list[dict[str, Any]], start: int, *, at_end: bool = False
) -> Any:
    """A full sync of one topic: its SYNC_START names it (or, ``at_end``, its SYNC_END)."""
    tasks = [sync_task("SYNC_START", start, topic=None if at_end else topic)]
    tasks += [data_task("ADD", topic, obj, start + n) for n, obj in enumerate(objects, 1)]
    tasks.append(sync_task("SYNC_END", start + len(objects) + 1, topic=topic))
    mirror.apply(tasks)
    return mirror.syncs()[0]


def _live_persons(mirror: Mirror) -> dict[str, int]:
    with mirror.engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT person_type, COUNT(*) FROM mirror_persons GROUP BY person_type")
        )
        return {row[0]: row[1] for row in rows}


@pytest.mark.parametrize("at_end", [False, True], ids=["named at the start", "at the end"])
def test_a_sync_of_one_topic_sweeps_that_topic_alone(mirror: Mirror, at_end: bool) -> None:
    """A sync that names a topic (a sync task's ``object_type``: client-kit-java reads it
    from a task of any kind; kimono-php's SyncEvent carries it) sweeps only that topic's
    objects: a sync of ``Student`` tombstoned the staff, ``persons`` too, that it had no
    reason to send (2 of 32 persons: under the threshold, not even held). A held sweep
    of a topic, approved, keeps to it as well."""
    staff = [person(new_id(), "staff") for _ in range(2)]
    students = [person(new_id()) for _ in range(30)]
    _topic_sync(mirror, "Staff", staff, 0, at_end=at_end)
    sync = _topic_sync(mirror, "RDM:Student", students, 100, at_end=at_end)
    assert (sync.topic, sync.types, sync.live, sync.to_sweep) == (
        "RDM:Student",
        ["persons"],
        30,
        0,
    )
    assert _live_persons(mirror) == {"staff": 2, "student": 30}
    sync = _topic_sync(mirror, "RDM:Student", students[2:], 200, at_end=at_end)
    assert (sync.status, sync.swept) == ("done", 2)
    assert _live_persons(mirror) == {"staff": 2, "student": 28}
    held = _topic_sync(mirror, "RDM:Student", students[12:], 300, at_end=at_end)
    assert held.status == "held"
    assert mirror.held_sweep(held.generation) == {"persons": (10, 28)}
    assert mirror.approve_sweep(held.generation) == 10
    assert _live_persons(mirror) == {"staff": 2, "student": 18}
    # A sync naming no topic sweeps the types it wrote, as before: the staff go.
    _full_sync(mirror, students[12:], 400)
    assert _live_persons(mirror) == {"student": 18}


def test_a_topic_that_names_part_of_a_type_sweeps_that_part(mirror: Mirror) -> None:
    """``Staff`` are teachers and other staff (the vendor's data says ``Teacher`` too):
    a sync of ``Staff`` sweeps persons of either type and no student; a sync of
    ``School`` sweeps schools and not the LEA (``org_type``, in ``$sys`` or at the top,
    any case). One whose type is another, or none, is not swept by such a sync."""
    teachers = [person(new_id(), "Teacher") for _ in range(10)]
    students = [person(new_id()) for _ in range(3)]
    _full_sync(mirror, students, 0)
    _topic_sync(mirror, "Staff", teachers, 100)
    sync = _topic_sync(mirror, "RDM:Staff", teachers[1:], 200)
    assert (sync.status, sync.live, sync.swept) == ("done", 10, 1)
    assert _live_persons(mirror) == {"teacher": 9, "student": 3}
    lea = {"$sys": {"id": new_id(), "type": "orgs", "org_type": "LEA"}}
    untyped = {"$sys": {"id": new_id(), "type": "orgs"}}
    schools = [{"$sys": {"id": new_id(), "type": "orgs"}, "org_type": "School"} for _ in range(20)]
    _topic_sync(mirror, "LEA", [lea], 300)
    mirror.apply([data_task("ADD", "Org", untyped, 400)])
    _topic_sync(mirror, "School", schools, 500)
    sync = _topic_sync(mirror, "RDM:School", schools[1:], 600)
    assert (sync.status, sync.live, sync.swept) == ("done", 20, 1)
    gone = {
        o.object_id
        for o in mirror.objects("orgs", tenant_id=TENANT, include_deleted=True)
        if o.deleted
    }
    assert gone == {schools[0]["$sys"]["id"]}


def test_a_full_sync_tombstones_what_it_did_not_see(mirror: Mirror) -> None:
    people = [person(new_id()) for _ in range(20)]
    _full_sync(mirror, people, 0)
    (first,) = mirror.syncs()
    assert (first.status, first.types, first.live, first.to_sweep) == ("done", ["persons"], 20, 0)
    _full_sync(mirror, people[:-2], 100)  # 2 of 20 go: 10%, not more than the threshold
    latest = mirror.syncs()[0]
    assert (latest.status, latest.to_sweep, latest.swept) == ("done", 2, 2)
    assert len(list(mirror.objects("persons"))) == 18
    sweeps = [c for c in mirror.changes() if c.op == "sweep"]
    assert sorted(c.object_id for c in sweeps) == sorted(p["$sys"]["id"] for p in people[-2:])
    assert {c.generation for c in sweeps} == {latest.generation}
    # the sequence the tombstone carries: the SYNC_END's (119); it was None in the feed
    assert {c.sequence for c in sweeps} == {119}
    assert {mirror.get(TENANT, "persons", c.object_id).sequence for c in sweeps} == {119}  # type: ignore[union-attr]


@pytest.mark.parametrize("origin", ["ingestion", "INGESTION", "rollover"])
def test_a_sync_that_need_not_send_every_object_sweeps_nothing_unapproved(
    mirror: Mirror, origin: str
) -> None:
    """A sync of origin ``ingestion`` (or one this version does not know) sweeps nothing
    without approval, however few it would tombstone: client-kit-java names only
    INITIAL ("initial load of data") and RESEND ("resend all data") as full, and one
    unseen person of 20 (5%, under the threshold) was tombstoned at once."""
    people = [person(new_id()) for _ in range(20)]
    _full_sync(mirror, people, 0, origin="initial")
    _full_sync(mirror, people[:-1], 100, origin=origin)
    (held,) = mirror.syncs(status="held")
    assert (held.origin, held.to_sweep, held.live) == (origin.lower(), 1, 20)
    assert len(list(mirror.objects("persons"))) == 20
    assert mirror.approve_sweep(held.generation) == 1
    assert len(list(mirror.objects("persons"))) == 19
    _full_sync(mirror, people[:-1], 200, origin=origin)  # nothing unseen: nothing held
    assert mirror.syncs()[0].status == "done"


@pytest.mark.parametrize("origin", ["", "resend", "Initial"])
def test_a_sync_that_sends_every_object_sweeps_by_the_threshold(
    mirror: Mirror, origin: str
) -> None:
    """``initial``, ``resend`` (any case) and a sync naming no origin (``""``) sweep what
    they did not send, under the threshold, as before origins were told apart."""
    people = [person(new_id()) for _ in range(20)]
    _full_sync(mirror, people, 0, origin="initial")
    _full_sync(mirror, people[:-1], 100, origin=origin)
    latest = mirror.syncs()[0]
    assert (latest.status, latest.swept) == ("done", 1)


def test_a_sync_end_with_a_sequence_beyond_64_bits_is_parked_at_once(mirror: Mirror) -> None:
    """Its sequence is stored (the sweep's), and no store holds it: parked on its first
    failure, as a data task with one is, the sync left open (nothing swept). It failed
    on the database's overflow, and was tried ``max_attempts`` times first."""
    pid = new_id()
    start, add = sync_task("SYNC_START", 1), data_task("ADD", "persons", person(pid), 2)
    end = sync_task("SYNC_END", 2**64)
    outcomes = mirror.apply([start, add, end])
    assert [o.result for o in outcomes] == [Result.APPLIED, Result.APPLIED, Result.PARKED]
    assert "64-bit" in (outcomes[2].message or "")
    assert [p.task_id for p in mirror.parked()] == [end["id"]]
    assert [s.status for s in mirror.syncs()] == ["open"]


def test_a_mass_deletion_is_held_until_approved(mirror: Mirror) -> None:
    people = [person(new_id()) for _ in range(20)]
    _full_sync(mirror, people, 0)
    _full_sync(mirror, people[:10], 100)  # half would go
    (held,) = mirror.syncs(status="held")
    assert (held.to_sweep, held.live) == (10, 20)
    assert len(list(mirror.objects("persons"))) == 20  # nothing tombstoned yet
    assert mirror.status()["held_sweeps"] == 1
    # A change after the sync ended is not swept when the sweep is approved.
    spared = people[15]
    mirror.apply([data_task("UPDATE", "persons", spared, 500)])
    assert mirror.approve_sweep(held.generation) == 9
    live = {o.object_id for o in mirror.objects("persons")}
    assert live == {p["$sys"]["id"] for p in [*people[:10], spared]}
    with pytest.raises(ValueError, match="no held sweep"):
        mirror.approve_sweep(held.generation)
    # A rejected sweep tombstones nothing.
    _full_sync(mirror, people[:2], 1000)
    (again,) = mirror.syncs(status="held")
    mirror.reject_sweep(again.generation)
    assert len(list(mirror.objects("persons"))) == 11


def test_an_approved_sweep_spares_what_tasks_without_a_sequence_wrote_after_the_sync(
    mirror: Mirror,
) -> None:
    """A task without a sequence keeps the stored one, which the sync's end sequence
    does not exceed: what it wrote after the sync ended is spared all the same (stamped
    with that sync's generation), in the same batch as the SYNC_END or later."""
    people = [person(new_id()) for _ in range(10)]
    _full_sync(mirror, people, 0)
    newcomer = person(new_id())
    mirror.apply(
        [
            sync_task("SYNC_START", 100),
            *(data_task("UPDATE", "persons", p, 101 + n) for n, p in enumerate(people[:6])),
            sync_task("SYNC_END", 200),
            data_task("UPDATE", "persons", person(people[6]["$sys"]["id"], name="B"), None),
        ]
    )
    (held,) = mirror.syncs(status="held")
    assert held.to_sweep == 4
    mirror.apply(
        [
            data_task("UPDATE", "persons", person(people[7]["$sys"]["id"], name="C"), None),
            data_task("ADD", "persons", newcomer, None),
        ]
    )
    assert mirror.approve_sweep(held.generation) == 2
    live = {o.object_id for o in mirror.objects("persons")}
    assert live == {p["$sys"]["id"] for p in [*people[:8], newcomer]}


def test_a_failed_task_of_a_full_sync_keeps_its_object_from_the_sweep(store_url: str) -> None:
    """The sync sent the object; its task failed (retried later, or parked): the sweep at
    the sync's end, in the same batch, does not tombstone it, nor one approved later."""
    people = [person(new_id()) for _ in range(4)]
    refused = people[3]["$sys"]["id"]
    refusing = {"on": False}

    def hook(connection: sa.Connection, change: Change) -> None:
        if refusing["on"] and change.object_id == refused:
            raise RuntimeError("refused")

    with Mirror.open(store_url, on_change=hook, max_attempts=1) as mirror:
        _full_sync(mirror, people, 0)
        refusing["on"] = True
        outcomes = mirror.apply(
            [
                sync_task("SYNC_START", 100),
                *(data_task("UPDATE", "persons", p, 101 + n) for n, p in enumerate(people)),
                sync_task("SYNC_END", 200),
            ]
        )
        assert [o.result for o in outcomes][-2:] == [Result.PARKED, Result.APPLIED]
        assert mirror.syncs()[0].swept == 0
        stored = mirror.get(TENANT, "persons", refused)
        assert stored is not None and not stored.deleted
        assert stored.generation == mirror.syncs()[0].generation


def test_a_held_task_of_a_full_sync_keeps_its_object_from_the_sweep(store_url: str) -> None:
    """An older task of the object failed before the sync began, in the same batch: the
    sync's own task of it is held (order), yet the sync sent it, so it is not swept."""
    people = [person(new_id()) for _ in range(4)]
    refused = people[3]["$sys"]["id"]
    refusing = {"on": False}

    def hook(connection: sa.Connection, change: Change) -> None:
        if refusing["on"] and change.object_id == refused and change.sequence == 50:
            raise RuntimeError("refused")

    with Mirror.open(store_url, on_change=hook, sweep_threshold=1.0) as mirror:
        _full_sync(mirror, people, 0)
        refusing["on"] = True
        outcomes = mirror.apply(
            [
                data_task("UPDATE", "persons", people[3], 50),
                sync_task("SYNC_START", 100),
                *(data_task("UPDATE", "persons", p, 101 + n) for n, p in enumerate(people)),
                sync_task("SYNC_END", 200),
            ]
        )
        assert [o.result for o in outcomes] == [
            Result.RETRY,
            *[Result.APPLIED] * 4,
            Result.HELD,
            Result.APPLIED,
        ]
        stored = mirror.get(TENANT, "persons", refused)
        assert stored is not None and not stored.deleted
        assert mirror.syncs()[0].swept == 0


@pytest.mark.parametrize(
    ("tenant", "task_id"), [("x" * 70, None), ("x\x00", None), (None, "s" * 200)]
)
def test_a_sync_task_with_a_value_the_store_cannot_hold(
    store_url: str, tenant: str | None, task_id: str | None
) -> None:
    """A tenant the store cannot hold parks the sync task at once; a long task id opens
    the sync all the same (recorded by its digest): the same on both stores."""
    start = sync_task("SYNC_START", 1, **({"tenant": tenant} if tenant else {}))
    if task_id:
        start["id"] = task_id
    with Mirror.open(store_url) as mirror:
        (outcome,) = mirror.apply([start])
        if tenant:
            assert outcome.result == Result.PARKED and mirror.syncs() == []
        else:
            assert outcome.result == Result.APPLIED and mirror.syncs()[0].status == "open"


def test_swept_objects_enter_the_feed_in_the_order_of_their_ids(mirror: Mirror) -> None:
    """Ids that are not UUIDs too, whatever the database's collation."""
    ids = ["B1", "Z9", "_x", "a-b", "a1", "ab", "é"]
    kept = person(new_id())
    _full_sync(mirror, [kept, *(person(i) for i in ids)], 0)
    url = mirror.engine.url.render_as_string(hide_password=False)
    with Mirror.open(url, sweep_threshold=1.0) as again:
        _full_sync(again, [kept], 100)
        swept = [c.object_id for c in again.changes() if c.op == "sweep"]
    assert swept == sorted(ids)


def test_a_default_tenant_is_named_as_tasks_name_tenants(store_url: str) -> None:
    pid = new_id()
    task = data_task("ADD", "persons", person(pid), 1)
    del task["tenant_id"]
    with Mirror.open(store_url, default_tenant=TENANT.upper()) as mirror:
        mirror.apply([task])
        assert mirror.tenants() == [TENANT]
        assert mirror.get(TENANT, "persons", pid) is not None


def test_a_run_of_the_threshold_is_set_per_mirror(store_url: str) -> None:
    with Mirror.open(store_url, sweep_threshold=0.6) as mirror:
        people = [person(new_id()) for _ in range(10)]
        _full_sync(mirror, people, 0)
        _full_sync(mirror, people[:5], 100)
        assert mirror.syncs()[0].status == "done"
        assert len(list(mirror.objects("persons"))) == 5
    with pytest.raises(ValueError):
        Mirror.open(store_url, sweep_threshold=2)


def test_several_tasks_of_one_object_in_one_batch_end_in_its_last_state(mirror: Mirror) -> None:
    pid, other, s1, s2 = new_id(), new_id(), new_id(), new_id()
    outcomes = mirror.apply(
        [
            data_task("ADD", "persons", person(pid, sections=[s1]), 1),
            data_task("UPDATE", "persons", person(pid, sections=[s1, s2], name="B"), 2),
            data_task("ADD", "persons", person(other), 3),
            data_task("DELETE", "persons", None, 4, object_id=other),
            data_task("ADD", "persons", person(other, name="Again"), 5),
            data_task("UPDATE", "persons", person(pid, sections=[s2], name="C"), 6),
        ]
    )
    assert {o.result for o in outcomes} == {Result.APPLIED}
    assert _data(mirror, "persons", pid) == person(pid, sections=[s2], name="C")
    assert _data(mirror, "persons", other)["name"]["first"] == "Again"
    with mirror.engine.connect() as connection:
        links = connection.execute(
            sa.text(
                "SELECT o.object_id, l.target_id FROM mirror_links l "
                "JOIN mirror_objects o ON o.object_key = l.object_key ORDER BY o.object_id"
            )
        ).all()
    assert [tuple(row) for row in links] == [(pid, s2)]
    assert [c.sequence for c in mirror.changes()] == [1, 2, 3, 4, 5, 6]


def test_a_write_the_database_refuses_is_isolated_to_its_task(
    mirror: Mirror, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kimono_interop.mirror import _apply

    bad, good = new_id(), new_id()
    real = _apply.person_type

    def refused(data: Any) -> Any:
        # not a value any driver can bind: the batched write of the chunk fails
        return object() if data["$sys"]["id"] == bad else real(data)

    monkeypatch.setattr(_apply, "person_type", refused)
    outcomes = mirror.apply(
        [
            data_task("ADD", "persons", person(good), 1),
            data_task("ADD", "persons", person(bad), 2),
            data_task("ADD", "persons", person(new_id()), 3),
        ]
    )
    assert [o.result for o in outcomes] == [Result.APPLIED, Result.RETRY, Result.APPLIED]
    assert mirror.get(TENANT, "persons", bad) is None
    assert len(list(mirror.objects("persons"))) == 2
    assert [c.sequence for c in mirror.changes()] == [1, 3]


def _unstorable(kind: str) -> dict[str, Any]:
    """A task with a value a store cannot hold as it is (see the test below)."""
    pid = new_id()
    if kind == "task id too long":
        return data_task("ADD", "persons", person(pid), 2, id="t" * 200)
    if kind == "task id with a NUL":
        return data_task("ADD", "persons", person(pid), 2, id="t\x00-1")
    if kind == "tenant too long":
        return data_task("ADD", "persons", person(pid), 2, tenant="x" * 70)
    if kind == "object id with a NUL":
        return data_task("ADD", "persons", person("a\x00b"), 2)
    if kind == "sequence beyond 64 bits":
        return data_task("ADD", "persons", person(pid), 2**64)
    if kind == "task id with a lone surrogate":  # JSON may carry one; no driver encodes it
        return data_task("ADD", "persons", person(pid), 2, id="t\ud800-1")
    if kind == "tenant with a lone surrogate":
        return data_task("ADD", "persons", person(pid), 2, tenant="x\udc00")
    if kind == "object id with a lone surrogate":
        return data_task("ADD", "persons", person("a\udc00b"), 2)
    assert kind == "data with a NUL"
    return data_task("ADD", "persons", person(pid, name="A\x00da"), 2)


@pytest.mark.parametrize(
    ("kind", "result"),
    [
        ("task id too long", Result.APPLIED),  # recorded by a digest of its id
        ("task id with a NUL", Result.APPLIED),
        ("tenant too long", Result.PARKED),
        ("object id with a NUL", Result.PARKED),
        ("sequence beyond 64 bits", Result.PARKED),
        ("task id with a lone surrogate", Result.APPLIED),
        ("tenant with a lone surrogate", Result.PARKED),
        ("object id with a lone surrogate", Result.PARKED),
        ("data with a NUL", None),  # SQLite holds it; PostgreSQL's JSONB cannot
    ],
)
def test_a_value_the_store_cannot_hold_fails_its_task_alone(
    store_url: str, kind: str, result: Result | None
) -> None:
    """Every store column has its limits (PostgreSQL enforces them): a task that breaks
    one is applied, or parked, alone; its record never fails the tasks around it, and a
    redelivery finds it."""
    bad = _unstorable(kind)
    if result is None:
        result = Result.APPLIED if store_url.startswith("sqlite") else Result.PARKED
    good = [data_task("ADD", "persons", person(new_id()), n) for n in (1, 3)]
    with Mirror.open(store_url, max_attempts=1) as mirror:
        outcomes = mirror.apply([good[0], bad, good[1]])
        assert [o.result for o in outcomes] == [Result.APPLIED, result, Result.APPLIED]
        assert outcomes[1].task_id == bad["id"]  # acked by its own id
        (again,) = mirror.apply([bad])
        assert (again.result, again.status) == (Result.DUPLICATE, outcomes[1].status)
        parked = mirror.parked()
        if result is Result.PARKED:
            assert [p.raw for p in parked] == [bad]
            (replayed,) = [mirror.replay(parked[0].task_id)]
            assert replayed.result == Result.PARKED and replayed.task_id == bad["id"]
        else:
            assert parked == []
        assert len(list(mirror.objects("persons"))) == (3 if result is Result.APPLIED else 2)


def test_two_processes_applying_the_same_batch_apply_each_task_once(store_url: str) -> None:
    """Two mirrors on one database (as two processes or machines would be), the same tasks
    at the same moment: writers take turns, and the second finds every task recorded."""
    import threading

    tasks = [data_task("ADD", "persons", person(new_id()), n) for n in range(1, 51)]
    results: list[list[str]] = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        with Mirror.open(store_url) as mirror:
            barrier.wait()
            results.append([o.result for o in mirror.apply(tasks)])

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted("/".join(sorted(set(r))) for r in results) == [Result.APPLIED, Result.DUPLICATE]
    with Mirror.open(store_url) as mirror:
        assert len(mirror.changes()) == 50


def test_a_tombstone_of_an_object_never_seen_has_no_data(mirror: Mirror) -> None:
    ghost = new_id()
    mirror.apply([data_task("DELETE", "persons", None, 1, object_id=ghost)])
    with mirror.engine.connect() as connection:
        row = connection.execute(
            sa.text("SELECT data IS NULL, deleted FROM mirror_objects WHERE object_id = :i"),
            {"i": ghost},
        ).one()
    assert tuple(row) == (True, True)


def test_prune_removes_old_records_and_read_changes(mirror: Mirror) -> None:
    import datetime

    pid = new_id()
    add = data_task("ADD", "persons", person(pid), 1)
    mirror.apply([add, data_task("UPDATE", "persons", person(pid, name="B"), 2)])
    assert mirror.prune(inbox_older_than=datetime.timedelta(days=1)) == {"inbox": 0, "changes": 0}
    cursor = mirror.changes()[0].cursor
    removed = mirror.prune(inbox_older_than=datetime.timedelta(0), changes_through=cursor)
    assert removed == {"inbox": 2, "changes": 1}
    assert [c.sequence for c in mirror.changes()] == [2]
    # delivered again after its record is gone: the sequence still refuses it
    assert mirror.apply([add])[0].result == Result.STALE


def test_a_cursor_is_never_given_twice_even_after_the_feed_is_pruned(mirror: Mirror) -> None:
    """A reader that prunes what it has read (to empty, here) still gets every later
    change past its cursor: SQLite would give the next change the greatest cursor in the
    table plus one, 1 again, without AUTOINCREMENT (revision 0006). The status's last
    cursor stays where the feed is (it said 0 once every change was pruned)."""
    assert mirror.status()["last_cursor"] == 0
    mirror.apply([data_task("ADD", "persons", person(new_id()), n) for n in (1, 2)])
    cursor = mirror.changes()[-1].cursor
    assert mirror.status()["last_cursor"] == cursor
    assert mirror.prune(changes_through=cursor)["changes"] == 2
    assert mirror.status()["last_cursor"] == cursor
    mirror.apply([data_task("ADD", "persons", person(new_id()), 3)])
    (later,) = mirror.changes(since=cursor)
    assert later.sequence == 3 and later.cursor > cursor


def test_a_uuid_in_any_spelling_finds_the_object(mirror: Mirror) -> None:
    """Tasks' ids are stored in the canonical form: reads take any spelling of a UUID."""
    pid = new_id()
    mirror.apply([data_task("ADD", "persons", person(pid.upper()), 1)])
    for spelling in (pid, pid.upper(), "{" + pid + "}", pid.replace("-", "")):
        stored = mirror.get(TENANT.upper(), "Person", spelling)
        assert stored is not None and stored.object_id == pid
    assert [o.object_id for o in mirror.objects("persons", tenant_id=TENANT.upper())] == [pid]
    assert mirror.get(TENANT, "persons", "not-a-uuid") is None


@pytest.mark.parametrize("text", ["bad\x00value", "bad\ud800value"])
def test_on_other_s_message_is_recorded_as_the_store_holds_it_and_its_app_id_acked(
    store_url: str, text: str
) -> None:
    """An ``on_other`` handler's ack message goes to the inbox: a NUL (PostgreSQL) or a
    lone surrogate (either store) in it failed the whole chunk, a good ADD with it, and
    the batch again on each delivery. Its ``app_id`` is acked, as a consumer handler's
    is (it was dropped)."""
    from kimono_interop import TaskResult

    grades = {"schema": "3.0", "type": "grades_query", "id": new_id(), "action": "NOT_APPLICABLE"}
    pid = new_id()

    def other(task: Any) -> TaskResult:
        return TaskResult("error", message=text, app_id="my-42")

    with Mirror.open(store_url, on_other=other) as mirror:
        outcomes = mirror.apply([grades, data_task("ADD", "persons", person(pid), 1)])
        assert [(o.result, o.status) for o in outcomes] == [
            (Result.IGNORED, "error"),
            (Result.APPLIED, "success"),
        ]
        assert outcomes[0].message == "bad\ufffdvalue"
        assert outcomes[0].ack() == {
            "task_id": grades["id"],
            "status": "error",
            "message": "bad\ufffdvalue",
            "app_id": "my-42",
        }
        assert mirror.get(TENANT, "persons", pid) is not None
        (again,) = mirror.apply([grades])
        assert (again.result, again.message) == (Result.DUPLICATE, "bad\ufffdvalue")


def test_a_store_without_a_table_of_the_mirror_s_raises_and_parks_nothing(
    store_url: str,
) -> None:
    """A table missing (dropped, a schema not migrated) fails every task alike: it is
    raised, and no task counted or parked for it. Each task was retried, then parked and
    acked ``error``: a run drained the whole queue into the dead-letter table."""
    with Mirror.open(store_url, max_attempts=1) as mirror:
        mirror.apply([data_task("ADD", "persons", person(new_id()), 1)])
        with mirror.engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE mirror_changes"))
        task = data_task("ADD", "persons", person(new_id()), 2)
        with pytest.raises(sa.exc.DBAPIError, match="mirror_changes"):
            mirror.apply([task])
        assert mirror.parked() == []
        with mirror.engine.connect() as connection:
            recorded = connection.scalar(sa.text("SELECT count(*) FROM mirror_inbox"))
        assert recorded == 1


@pytest.mark.parametrize("engine", ["the mirror's", "a plain one"])
def test_a_read_only_session_is_a_lost_connection_made_anew(postgres_url: str, engine: str) -> None:
    """PostgreSQL: a pooled session that turned read-only (a failover's old primary, a
    standby behind a pooler) fails its transaction as the database's state, and the next
    one runs on a connection made anew, on ``Mirror.open``'s engine or one given to
    ``Mirror``. The pool's check before use passed it, so every later transaction met it
    again, each counted against its task."""
    with Mirror.open(postgres_url):  # the schema
        pass
    if engine == "a plain one":
        opened = Mirror(sa.create_engine(postgres_url, pool_pre_ping=True))
    else:
        opened = Mirror.open(postgres_url)
    with opened as mirror:
        mirror.apply([data_task("ADD", "persons", person(new_id()), 1)])
        mirror.engine.dispose()
        with mirror.engine.connect() as connection:  # the pool's only connection, back in it
            connection.exec_driver_sql("SET SESSION default_transaction_read_only = on")
            connection.commit()
        task = data_task("ADD", "persons", person(new_id()), 2)
        with pytest.raises(sa.exc.DBAPIError) as raised:
            mirror.apply([task])
        assert raised.value.connection_invalidated
        (outcome,) = mirror.apply([task])
        assert outcome.result == Result.APPLIED
        assert mirror.parked() == []


def test_a_hook_s_prepared_statement_twice_fails_its_task_not_the_database(
    postgres_url: str,
) -> None:
    """PostgreSQL: a hook that prepares a statement its session already has (42P05) fails
    its own task, which is parked: taken for a lost connection, it was waited out for
    ever, the tenant's queue held."""

    def hook(connection: sa.Connection, change: Any) -> None:
        connection.exec_driver_sql("PREPARE kimono_test_audit AS SELECT 1")

    with Mirror.open(postgres_url, on_change=hook, max_attempts=1) as mirror:
        first = mirror.apply([data_task("ADD", "persons", person(new_id()), 1)])
        assert [o.result for o in first] == [Result.APPLIED]
        (second,) = mirror.apply([data_task("ADD", "persons", person(new_id()), 2)])
        assert second.result == Result.PARKED and "already exists" in (second.message or "")


def test_statements_prepared_by_another_client_of_a_pooler_s_session_do_not_clash(
    postgres_url: str,
) -> None:
    """PostgreSQL behind a pooler in transaction mode: the server session may hold the
    prepared statements another client's psycopg made (``_pg3_0``...). psycopg prepares
    a statement after its fifth run under those same names, so the mirror's own
    statements failed, "already exists", each chunk's tasks counted and parked. It
    prepares none now."""
    with Mirror.open(postgres_url) as mirror:
        mirror.apply([data_task("ADD", "persons", person(new_id()), 1)])
        mirror.engine.dispose()
        with mirror.engine.connect() as connection:  # the pool's only session, back in it
            for n in range(20):
                connection.exec_driver_sql(f"PREPARE _pg3_{n} AS SELECT {n}")
            connection.commit()
        for n in range(2, 12):  # each statement runs more than five times
            (outcome,) = mirror.apply([data_task("ADD", "persons", person(new_id()), n)])
            assert outcome.result == Result.APPLIED, outcome
        assert mirror.parked() == []


def test_on_other_may_ask_for_a_retry_or_fail(store_url: str) -> None:
    from kimono_interop import RetryTask

    grades = {"schema": "3.0", "type": "grades_query", "id": new_id(), "action": "NOT_APPLICABLE"}
    auth = {"schema": "3.0", "type": "authenticate", "id": new_id()}

    def other(task: Any) -> None:
        if task.id == grades["id"]:
            raise RetryTask("the grades service is down")
        raise ValueError("cannot authenticate")

    with Mirror.open(store_url, on_other=other, max_attempts=2) as mirror:
        first = mirror.apply([grades, auth])
        assert [(o.result, o.status) for o in first] == [
            (Result.RETRY, "retry"),
            (Result.IGNORED, "error"),
        ]
        assert "cannot authenticate" in (first[1].message or "")
        (again,) = mirror.apply([grades])
        assert again.result == Result.PARKED


def test_prune_deletes_task_records_oldest_first_in_batches(
    mirror: Mirror, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records go a batch to a transaction until none is older than asked: all of them,
    whatever the batch size, and only those."""
    import datetime

    from kimono_interop.mirror import _mirror

    monkeypatch.setattr(_mirror, "PRUNE_BATCH", 2)
    mirror.apply([data_task("ADD", "persons", person(new_id()), n) for n in range(1, 6)])
    assert mirror.prune(inbox_older_than=datetime.timedelta(days=1))["inbox"] == 0
    assert mirror.prune(inbox_older_than=datetime.timedelta(0))["inbox"] == 5
    with mirror.engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM mirror_inbox")) == 0


def test_a_failure_is_kept_and_acked_without_the_credentials_it_quotes(store_url: str) -> None:
    """A hook's exception quoting a database URL and a token: the ack's message, the
    failure count's last error and the parked task's error hold neither."""

    def hook(connection: sa.Connection, change: Change) -> None:
        raise ConnectionError("postgresql://app:hunter2@db/sis refused; Bearer tok-SECRET-42")

    task = data_task("ADD", "persons", person(new_id()), 1)
    with Mirror.open(store_url, on_change=hook, max_attempts=2) as mirror:
        (retried,) = mirror.apply([task])
        with mirror.engine.connect() as connection:
            (last_error,) = connection.execute(
                sa.text("SELECT last_error FROM mirror_attempts")
            ).scalars()
        (parked,) = mirror.apply([task])
        (kept,) = mirror.parked()
    assert (retried.result, parked.result) == (Result.RETRY, Result.PARKED)
    for text in (retried.message, last_error, parked.message, kept.error):
        assert text and "ConnectionError" in text
        assert "hunter2" not in text and "tok-SECRET-42" not in text


def test_a_hook_whose_own_statement_times_out_is_retried_then_parked(store_url: str) -> None:
    """A hook's statement that fails the way a database under strain fails (PostgreSQL's
    statement timeout; SQLite's "database is locked") is the task's failure, counted and
    then parked: waited out as an outage, the same task failed the same way for ever and
    the tenant's queue stood still. Only the tasks whose hook fails are touched."""
    postgres = store_url.startswith("postgresql")
    slow = new_id()

    def hook(connection: sa.Connection, change: Change) -> None:
        if change.object_id != slow:
            return
        if postgres:
            connection.exec_driver_sql("SET LOCAL statement_timeout = 1")
            connection.exec_driver_sql("SELECT pg_sleep(0.2)")
        else:  # as SQLAlchemy raises it for a database file another process holds
            refused = sqlite3.OperationalError("database is locked")
            raise sa.exc.OperationalError("INSERT INTO elsewhere.audit", {}, refused)

    fine = new_id()
    tasks = [
        data_task("ADD", "persons", person(slow), 1),
        data_task("ADD", "persons", person(fine), 2),
    ]
    with Mirror.open(store_url, on_change=hook, max_attempts=2) as mirror:
        first = mirror.apply(tasks)
        assert [o.result for o in first] == [Result.RETRY, Result.APPLIED]
        second = mirror.apply(tasks)
        assert [o.result for o in second] == [Result.PARKED, Result.DUPLICATE]
        (kept,) = mirror.parked()
        assert kept.object_id == slow and kept.attempts == 2
        assert mirror.get(TENANT, "persons", slow) is None
        assert _data(mirror, "persons", fine) == person(fine)


def test_a_task_id_in_another_spelling_is_the_same_task(store_url: str) -> None:
    """A task is acked with its id as sent, yet recorded by its canonical form: the same
    task delivered in upper case (or recorded in lower case by an earlier version) is a
    duplicate, not applied again (a full sync re-applied opened a second sync)."""
    people = [person(new_id()) for _ in range(3)]
    tasks = [sync_task("SYNC_START", 1)]
    tasks += [data_task("ADD", "persons", p, 2 + n) for n, p in enumerate(people)]
    tasks.append(sync_task("SYNC_END", 10))
    tasks = [{**task, "id": new_id()} for task in tasks]  # ids with letters in them
    with Mirror.open(store_url) as mirror:
        mirror.apply(tasks)
        shouted = [{**task, "id": task["id"].upper()} for task in tasks]
        again = mirror.apply(shouted)
        assert [o.result for o in again] == [Result.DUPLICATE] * len(tasks)
        assert [o.task_id for o in again] == [task["id"] for task in shouted]
        assert len(mirror.syncs()) == 1


def test_a_hooks_database_error_in_an_approved_sweep_is_a_database_error(
    store_url: str,
) -> None:
    """Outside a task (approving a held sweep), the error a hook's statement met stays a
    database error (SQLAlchemy's DBAPIError), not the mirror's private wrapper."""
    people = [person(new_id()) for _ in range(10)]
    refusing = {"on": False}

    def hook(connection: sa.Connection, change: Change) -> None:
        if refusing["on"] and change.op == "sweep":
            refused = sqlite3.OperationalError("database is locked")
            raise sa.exc.OperationalError("INSERT INTO elsewhere.audit", {}, refused)

    with Mirror.open(store_url, on_change=hook, sweep_threshold=0.1) as mirror:
        _full_sync(mirror, people, 0)
        _full_sync(mirror, people[:5], 100)
        (held,) = mirror.syncs(status="held")
        refusing["on"] = True
        with pytest.raises(sa.exc.DBAPIError, match="database is locked"):
            mirror.approve_sweep(held.generation)


def test_a_database_error_s_message_keeps_the_object_s_data_out(store_url: str) -> None:
    """A task failed by the database: its message (sent to the service, parked, logged)
    carried SQLAlchemy's statement and parameters and PostgreSQL's DETAIL and CONTEXT,
    which quote the object: a person's email, a name. Only the error's first line stays."""
    email = "ada.lovelace@example.edu"
    nul = data_task("ADD", "persons", {**person(new_id()), "email": email, "note": "a\u0000b"}, 1)

    def hook(connection: sa.Connection, change: Change) -> None:
        if change.task_id != nul["id"]:
            connection.execute(sa.text("INSERT INTO no_such_table VALUES (:e)"), {"e": email})

    hooked = data_task("ADD", "persons", {**person(new_id()), "email": email}, 2)
    with Mirror.open(store_url, on_change=hook, max_attempts=1) as mirror:
        outcomes = mirror.apply([hooked, nul])
        parked = {p.task_id: p.error or "" for p in mirror.parked()}
    assert outcomes[0].result == Result.PARKED
    assert "no_such_table" in parked[hooked["id"]]
    for outcome in outcomes:
        assert email not in (outcome.message or "") and "[SQL" not in (outcome.message or "")
    assert all(email not in error and "CONTEXT" not in error for error in parked.values())


def test_a_replay_goes_to_the_tenant_its_task_was_parked_under(store_url: str) -> None:
    """A task naming no tenant, applied (and parked) by a mirror given a default tenant,
    replayed by one given none (`mirror replay` has no such option): it landed under
    tenant "", and took that tenant's lock."""
    object_id = new_id()
    bad = data_task("ADD", "persons", person(object_id), 1, tenant="")

    def refuse(connection: sa.Connection, change: Change) -> None:
        raise RuntimeError("the application's table refused it")

    with Mirror.open(store_url, default_tenant=TENANT, on_change=refuse, max_attempts=1) as m:
        assert [o.result for o in m.apply([bad])] == [Result.PARKED]
        assert m.parked()[0].tenant_id == TENANT
    with Mirror.open(store_url) as mirror:
        assert mirror.replay(bad["id"]).result == Result.APPLIED
        assert _data(mirror, "persons", object_id) == person(object_id)
        assert mirror.get("", "persons", object_id) is None


def test_a_replay_does_not_invent_a_tenant_from_one_its_record_cut_short(
    store_url: str,
) -> None:
    """A default tenant too long for the record is parked cut to 64 characters: the replay
    must not write the object under that made-up tenant."""
    too_long = "district-" + "x" * 70
    bad = data_task("ADD", "persons", person(new_id()), 1, tenant="")
    with Mirror.open(store_url, default_tenant=too_long, max_attempts=1) as mirror:
        assert [o.result for o in mirror.apply([bad])] == [Result.PARKED]
        assert len(mirror.parked()[0].tenant_id or "") == 64
    with Mirror.open(store_url) as mirror:
        mirror.replay(bad["id"])
        with mirror.engine.connect() as connection:
            tenants = connection.scalars(sa.text("SELECT DISTINCT tenant_id FROM mirror_objects"))
            assert not any(tenant.startswith("district-") for tenant in tenants)


def test_a_replayed_event_older_than_a_sweep_leaves_the_object_swept(store_url: str) -> None:
    """ADD (sequence 1), an UPDATE (5) parked; a full sync (100..200) leaves the object
    out and sweeps it. Replayed, the UPDATE is older than that sync: stale. The sweep's
    tombstone kept sequence 1, so the replay brought the object back."""
    object_id, kept = new_id(), new_id()

    def refuse(connection: sa.Connection, change: Change) -> None:
        if change.sequence == 5:
            raise RuntimeError("refused")

    with Mirror.open(store_url, on_change=refuse, max_attempts=1, sweep_threshold=1.0) as m:
        m.apply([data_task("ADD", "persons", person(object_id), 1)])
        update = data_task("UPDATE", "persons", person(object_id, name="Old"), 5)
        assert [o.result for o in m.apply([update])] == [Result.PARKED]
        m.apply(
            [
                sync_task("SYNC_START", 100),
                data_task("ADD", "persons", person(kept), 150),
                sync_task("SYNC_END", 200),
            ]
        )
        swept = m.get(TENANT, "persons", object_id)
        assert swept is not None and swept.deleted
    with Mirror.open(store_url) as mirror:
        assert mirror.replay(update["id"]).result == Result.STALE
        still = mirror.get(TENANT, "persons", object_id)
        assert still is not None and still.deleted


def test_two_spellings_of_a_task_in_one_batch_and_a_replay_by_either(store_url: str) -> None:
    """The same task twice in one batch, in two spellings: applied once, the second a
    duplicate (the inbox refused a second row, and the run ended). A parked task is
    replayed by the id as the logs and outcomes give it, in whatever spelling."""
    pid = new_id()
    task = {**data_task("ADD", "persons", person(pid), 1), "id": new_id()}  # with letters
    shouted = {**task, "id": task["id"].upper()}

    def hook(connection: sa.Connection, change: Change) -> None:
        if change.object_id == bad:
            raise RuntimeError("refused")

    bad = new_id()
    parked = data_task("ADD", "persons", person(bad), 2)
    parked = {**parked, "id": new_id().upper()}
    with Mirror.open(store_url, on_change=hook, max_attempts=1) as mirror:
        outcomes = mirror.apply([task, shouted, parked])
        assert [o.result for o in outcomes] == [Result.APPLIED, Result.DUPLICATE, Result.PARKED]
        assert outcomes[2].task_id == parked["id"]
        bad = "nobody"
        assert mirror.replay(parked["id"]).result == Result.APPLIED
        assert mirror.parked() == []


def test_a_small_type_nearly_gone_holds_the_sweep_whatever_the_others(mirror: Mirror) -> None:
    """The threshold is each type's: a sync that sends every person but 1 of 10 sections
    would tombstone 90% of the sections, 8% of all objects; it is held (the objects were
    counted together, and 9 of the 10 sections went at once)."""
    sections = [section(new_id()) for _ in range(10)]
    people = [person(new_id()) for _ in range(100)]

    def full_sync(objects: list[tuple[str, dict[str, Any]]], start: int) -> None:
        tasks = [sync_task("SYNC_START", start)]
        tasks += [
            data_task("ADD", kind, obj, start + n) for n, (kind, obj) in enumerate(objects, 1)
        ]
        tasks.append(sync_task("SYNC_END", start + len(objects) + 1))
        mirror.apply(tasks)

    everything = [("sections", s) for s in sections] + [("persons", p) for p in people]
    full_sync(everything, 0)
    full_sync([("sections", sections[0])] + [("persons", p) for p in people], 1000)
    (held,) = mirror.syncs(status="held")
    assert (held.to_sweep, held.live) == (9, 110)
    assert len(list(mirror.objects("sections"))) == 10
    full_sync(everything[:9] + [("persons", p) for p in people], 2000)  # 1 of 10 sections: 10%
    assert mirror.syncs()[0].status == "done" and len(list(mirror.objects("sections"))) == 9


def test_exactly_the_threshold_is_not_more_than_it(store_url: str) -> None:
    """29 of 100 at a threshold of 0.29 is swept: the product is 28.999... in floats,
    which held it."""
    people = [person(new_id()) for _ in range(100)]
    with Mirror.open(store_url, sweep_threshold=0.29) as mirror:
        _full_sync(mirror, people, 0)
        _full_sync(mirror, people[29:], 1000)
        latest = mirror.syncs()[0]
        assert (latest.status, latest.swept) == ("done", 29)


def test_the_change_feed_refuses_a_limit_below_one(store_url: str) -> None:
    """changes(limit=-1) meant no limit on SQLite and failed on PostgreSQL."""
    with Mirror.open(store_url) as mirror:
        mirror.apply([data_task("ADD", "persons", person(new_id()), 1)])
        assert len(mirror.changes(limit=1)) == 1
        for limit in (-1, 0, 1.5):
            with pytest.raises(ValueError, match="limit"):
                mirror.changes(limit=limit)  # type: ignore[arg-type]
