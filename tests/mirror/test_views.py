"""The views drivers query: their rows, and lookups by tenant and id that read indexes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from kimono_interop.mirror import Mirror

from .builders import TENANT, data_task, new_id, person, section

OTHER = "other-tenant"

#: The enrollments as revision 0001's view defined them (a DISTINCT over every link, each
#: naming its object by tenant, type and id), over today's tables.
REFERENCE_ENROLLMENTS = """
    SELECT DISTINCT e.tenant_id, e.section_id, e.person_id, p.person_type
    FROM (
        SELECT o.tenant_id, o.object_id AS section_id, l.target_id AS person_id
        FROM mirror_links l JOIN mirror_objects o ON o.object_key = l.object_key
        WHERE o.object_type = 'sections' AND l.rel IN ('students', 'teachers')
        UNION
        SELECT o.tenant_id, l.target_id AS section_id, o.object_id AS person_id
        FROM mirror_links l JOIN mirror_objects o ON o.object_key = l.object_key
        WHERE o.object_type = 'persons' AND l.rel = 'sections'
    ) e
    LEFT JOIN mirror_objects p
        ON p.tenant_id = e.tenant_id AND p.object_type = 'persons' AND p.object_id = e.person_id
"""


@pytest.fixture
def mirror(store_url: str) -> Iterator[Mirror]:
    with Mirror.open(store_url) as opened:
        yield opened


def _roster(mirror: Mirror) -> dict[str, str]:
    """Sections and persons linked every way the view reads, in two tenants."""
    ids = {name: new_id() for name in ("both", "twice", "person_only", "teacher", "unknown")}
    ids.update(s1=new_id(), s2=new_id(), school=new_id())
    s1, s2 = ids["s1"], ids["s2"]
    tasks = [
        # listed by the section and listing it back
        data_task("ADD", "persons", person(ids["both"], sections=[s1]), 1),
        # a student and a teacher of the same section
        data_task("ADD", "persons", person(ids["twice"], "teacher", schools=[ids["school"]]), 2),
        # only the person names the section
        data_task("ADD", "persons", person(ids["person_only"], sections=[s1, s2]), 3),
        data_task("ADD", "persons", person(ids["teacher"], "teacher", sections=[s2]), 4),
        data_task(
            "ADD",
            "sections",
            # "unknown" is listed, but no such person is stored: its type is NULL
            section(
                s1, students=[ids["both"], ids["twice"], ids["unknown"]], teachers=[ids["twice"]]
            ),
            5,
        ),
        data_task("ADD", "sections", section(s2, teachers=[ids["teacher"]]), 6),
        # the same section id in another tenant, with another roster
        data_task("ADD", "sections", section(s1, students=[ids["teacher"]]), 7, tenant=OTHER),
    ]
    assert all(o.status == "success" for o in mirror.apply(tasks))
    return ids


def test_the_enrollments_view_gives_each_enrollment_once_with_the_persons_type(
    mirror: Mirror,
) -> None:
    ids = _roster(mirror)
    s1, s2 = ids["s1"], ids["s2"]
    with mirror.engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT tenant_id, section_id, person_id, person_type FROM mirror_enrollments")
        ).all()
        # the view as revision 0001 defined it gives the same rows
        first = connection.execute(
            sa.text(f"SELECT * FROM ({REFERENCE_ENROLLMENTS}) AS first_view")
        ).all()
    expected = {
        (TENANT, s1, ids["both"], "student"),
        (TENANT, s1, ids["twice"], "teacher"),
        (TENANT, s1, ids["unknown"], None),
        (TENANT, s1, ids["person_only"], "student"),
        (TENANT, s2, ids["person_only"], "student"),
        (TENANT, s2, ids["teacher"], "teacher"),
        (OTHER, s1, ids["teacher"], None),
    }
    assert len(rows) == len(expected)  # each once
    assert set(map(tuple, rows)) == expected
    assert sorted(map(tuple, first), key=repr) == sorted(map(tuple, rows), key=repr)


def test_a_sections_roster_and_a_persons_sections_are_looked_up_by_tenant(
    mirror: Mirror,
) -> None:
    ids = _roster(mirror)
    with mirror.engine.connect() as connection:
        roster = connection.scalars(
            sa.text(
                "SELECT person_id FROM mirror_enrollments WHERE tenant_id = :t AND section_id = :s"
            ),
            {"t": TENANT, "s": ids["s1"]},
        ).all()
        sections = connection.scalars(
            sa.text(
                "SELECT section_id FROM mirror_enrollments WHERE tenant_id = :t AND person_id = :p"
            ),
            {"t": TENANT, "p": ids["person_only"]},
        ).all()
        other = connection.scalars(
            sa.text(
                "SELECT person_id FROM mirror_enrollments WHERE tenant_id = :t AND section_id = :s"
            ),
            {"t": OTHER, "s": ids["s1"]},
        ).all()
        at_school = connection.scalars(
            sa.text(
                "SELECT person_id FROM mirror_person_schools "
                "WHERE tenant_id = :t AND school_id = :s"
            ),
            {"t": TENANT, "s": ids["school"]},
        ).all()
    assert sorted(roster) == sorted(ids[n] for n in ("both", "twice", "unknown", "person_only"))
    assert sorted(sections) == sorted([ids["s1"], ids["s2"]])
    assert other == [ids["teacher"]]
    assert at_school == [ids["twice"]]


def test_the_views_leave_out_what_the_mirror_holds_as_deleted(mirror: Mirror) -> None:
    """A person, a section and a school deleted while live objects still name them: no
    enrollment lists the deleted person or section, and no person the deleted school.
    A person the mirror does not hold at all is still listed (revision 0007)."""
    ids = _roster(mirror)
    s1, s2, school = ids["s1"], ids["s2"], ids["school"]
    tasks = [
        data_task("ADD", "orgs", {"$sys": {"id": school, "type": "orgs"}}, 8),
        data_task("DELETE", "persons", None, 9, object_id=ids["both"]),  # s1 names them
        data_task("DELETE", "sections", None, 10, object_id=s2),  # persons name it
        data_task("DELETE", "orgs", None, 11, object_id=school),  # "twice" names it
    ]
    assert all(o.status == "success" for o in mirror.apply(tasks))
    with mirror.engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT tenant_id, section_id, person_id, person_type FROM mirror_enrollments")
        ).all()
        schools = connection.execute(
            sa.text("SELECT tenant_id, person_id, school_id FROM mirror_person_schools")
        ).all()
    assert set(map(tuple, rows)) == {
        (TENANT, s1, ids["twice"], "teacher"),
        (TENANT, s1, ids["unknown"], None),
        (TENANT, s1, ids["person_only"], "student"),
        (OTHER, s1, ids["teacher"], None),
    }
    assert len(rows) == 4
    assert schools == []


#: What drivers ask the views, by tenant and one id.
LOOKUPS = [
    "SELECT * FROM mirror_enrollments WHERE tenant_id = 't' AND section_id = 's'",
    "SELECT * FROM mirror_enrollments WHERE tenant_id = 't' AND person_id = 'p'",
    "SELECT * FROM mirror_person_schools WHERE tenant_id = 't' AND person_id = 'p'",
    "SELECT * FROM mirror_person_schools WHERE tenant_id = 't' AND school_id = 's'",
    "SELECT * FROM mirror_persons WHERE tenant_id = 't' AND person_id = 'p'",
]


@pytest.mark.parametrize("query", LOOKUPS)
def test_lookups_of_the_views_read_indexes_not_whole_tables(mirror: Mirror, query: str) -> None:
    """A lookup by tenant and id reads the rows it names, however large the mirror."""
    with mirror.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            plan = [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}")]
            assert plan and not [step for step in plan if step.startswith("SCAN")], plan
            # and each search narrows to one id or key, not to all of a tenant's objects of
            # a type
            searches = [step for step in plan if step.startswith("SEARCH")]
            narrow = ("object_id=?", "target_id=?", "object_key=?", "rowid=?")
            assert searches and all(
                any(column in step for column in narrow) for step in searches
            ), plan
        else:
            # the tables are empty here, where a sequential scan is cheapest: forbid it, and
            # the plan shows one only if no index can answer
            connection.exec_driver_sql("SET enable_seqscan = off")
            plan = [row[0] for row in connection.exec_driver_sql(f"EXPLAIN {query}")]
            assert not [step for step in plan if "Seq Scan" in step], plan
