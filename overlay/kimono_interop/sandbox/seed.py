"""Deterministic roster data: an LEA, schools, people, courses, sections, terms, categories.

Every object has the shape of the Interop Data API's schemas, and references are
consistent: a student's ``$sections`` are sections of one of their ``$schools``,
a section's ``$course`` offers it at its ``$org``, and so on. The same seed
gives the same data, ids included.

References take the shape kimono-api-java 2.0.3 documents (``references="nested"``):
``{"$sys": {id, type, label, ...}}``, with a membership inside ``$sys``, except a
person's ``$sections``, which that release keeps flat. ``references="flat"`` gives
the 2019 form (every reference flat) that the SDK still reads.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

FIRST = [
    "Ada",
    "Alan",
    "Grace",
    "Linus",
    "Barbara",
    "Donald",
    "Edsger",
    "Frances",
    "Guido",
    "Hedy",
    "Ivan",
    "Joan",
    "Ken",
    "Lynn",
    "Margaret",
    "Niklaus",
    "Radia",
    "Sophie",
    "Tim",
    "Yukihiro",
    "Anita",
    "Bjarne",
    "Carol",
    "Dennis",
    "Ellen",
    "Fran",
    "John",
    "Karen",
    "Leslie",
    "Mary",
    "Noam",
    "Ole",
    "Peter",
    "Rasmus",
    "Shafi",
    "Tony",
    "Whitfield",
    "Xavier",
    "Yann",
    "Zoe",
]
LAST = [
    "Lovelace",
    "Turing",
    "Hopper",
    "Torvalds",
    "Liskov",
    "Knuth",
    "Dijkstra",
    "Allen",
    "Rossum",
    "Lamarr",
    "Sutherland",
    "Clarke",
    "Thompson",
    "Conway",
    "Hamilton",
    "Wirth",
    "Perlman",
    "Wilson",
    "Berners-Lee",
    "Matsumoto",
    "Borg",
    "Stroustrup",
    "Shaw",
    "Ritchie",
    "Spertus",
    "Bilas",
    "Backus",
    "Jones",
    "Lamport",
    "Keller",
    "Chomsky",
    "Dahl",
    "Naur",
    "Lerdorf",
    "Goldwasser",
    "Hoare",
    "Diffie",
    "Leroy",
    "LeCun",
    "Kay",
]
SUBJECTS = (
    "Algebra I",
    "Geometry",
    "Biology",
    "Chemistry",
    "World History",
    "English 9",
    "English 10",
    "Spanish I",
    "Art",
    "Physical Education",
    "Computer Science",
    "Music",
)
CITIES = ("Springfield", "Riverton", "Lakeside", "Fairview", "Greenville")
CATEGORIES = ("Homework", "Quizzes", "Tests", "Projects")


@dataclass
class Roster:
    """The seeded objects, by collection and then by id (insertion order is listing order)."""

    orgs: dict[str, dict[str, Any]] = field(default_factory=dict)
    persons: dict[str, dict[str, Any]] = field(default_factory=dict)
    courses: dict[str, dict[str, Any]] = field(default_factory=dict)
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    terms: dict[str, dict[str, Any]] = field(default_factory=dict)
    grading_categories: dict[str, dict[str, Any]] = field(default_factory=dict)

    def collections(self) -> tuple[dict[str, dict[str, Any]], ...]:
        return (
            self.orgs,
            self.persons,
            self.courses,
            self.sections,
            self.terms,
            self.grading_categories,
        )

    def holds(self, obj: Any) -> bool:
        """Whether ``obj`` itself (not an equal copy) is one of the roster's objects."""
        system = obj.get("$sys") if isinstance(obj, dict) else None
        object_id = system.get("id") if isinstance(system, dict) else None
        if not isinstance(object_id, str):
            return False
        return any(collection.get(object_id) is obj for collection in self.collections())

    def objects(self) -> Iterator[dict[str, Any]]:
        """Every object the roster holds."""
        for collection in self.collections():
            yield from collection.values()

    def size(self) -> int:
        """How many objects the roster holds."""
        return sum(len(collection) for collection in self.collections())

    def counts(self) -> dict[str, int]:
        persons = list(self.persons.values())
        students = sum(1 for p in persons if p["$sys"]["person_type"] == "student")
        return {
            "orgs": len(self.orgs),
            "leas": sum(1 for o in self.orgs.values() if o["$sys"]["org_type"] == "lea"),
            "schools": sum(1 for o in self.orgs.values() if o["$sys"]["org_type"] == "school"),
            "persons": len(persons),
            "students": students,
            "teachers": len(persons) - students,
            "courses": len(self.courses),
            "sections": len(self.sections),
            "terms": len(self.terms),
            "grading_categories": len(self.grading_categories),
        }


class _Ids:
    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def __call__(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))


def seed_roster(
    *, seed: int, students: int, schools: int, school_year: int, references: str = "nested"
) -> Roster:
    """Make a district with ``schools`` schools and ``students`` students."""
    if references not in ("nested", "flat"):
        raise ValueError(f"references must be 'nested' or 'flat', got {references!r}")
    rng = random.Random(seed)
    new_id = _Ids(rng)
    roster = Roster()
    stamp = f"{school_year - 1}-07-01T08:00:00Z"

    def sys(kind: str, label: str, **more: Any) -> dict[str, Any]:
        return {
            "id": new_id(),
            "type": kind,
            "label": label,
            "school_year": school_year,
            "created_at": stamp,
            "updated_at": stamp,
            **more,
        }

    def ref(
        obj: dict[str, Any], *, flat: bool = references == "flat", **more: Any
    ) -> dict[str, Any]:
        fields = {
            "id": obj["$sys"]["id"],
            "type": obj["$sys"]["type"],
            "label": obj["$sys"]["label"],
            **more,
        }
        if "membership" in fields:  # a keyword cannot start with "$"
            fields["$membership"] = fields.pop("membership")
        return fields if flat else {"$sys": fields}

    lea: dict[str, Any] = {
        "$sys": sys("orgs", "Springfield Unified", org_type="lea"),
        "local_id": "LEA-1",
        "name": "Springfield Unified",
        "$children": [],
    }
    roster.orgs[lea["$sys"]["id"]] = lea
    school_objs = []
    for n in range(schools):
        name = f"{CITIES[n % len(CITIES)]} {'High' if n % 2 == 0 else 'Middle'} School"
        school: dict[str, Any] = {
            "$sys": sys("orgs", name, org_type="school"),
            "local_id": f"SCH-{n + 1}",
            "name": name,
            "$parent": ref(lea, org_type="lea"),
        }
        lea["$children"].append(ref(school, org_type="school"))
        roster.orgs[school["$sys"]["id"]] = school
        school_objs.append(school)

    year: dict[str, Any] = {
        "$sys": sys("terms", f"{school_year - 1}-{school_year}", term_type="school_year"),
        "name": f"{school_year - 1}-{school_year}",
        "start_date": f"{school_year - 1}-08-20",
        "end_date": f"{school_year}-06-10",
        "status": "active",
        "$children": [],
    }
    roster.terms[year["$sys"]["id"]] = year
    semesters = []
    for n, (start, end) in enumerate(
        (
            (f"{school_year - 1}-08-20", f"{school_year}-01-15"),
            (f"{school_year}-01-16", f"{school_year}-06-10"),
        )
    ):
        term: dict[str, Any] = {
            "$sys": sys("terms", f"Semester {n + 1}", term_type="semester"),
            "name": f"Semester {n + 1}",
            "start_date": start,
            "end_date": end,
            "status": "active" if n == 0 else "upcoming",
            "$parent": ref(year, term_type="school_year"),
        }
        year["$children"].append(ref(term, term_type="semester"))
        roster.terms[term["$sys"]["id"]] = term
        semesters.append(term)

    # Courses: every subject at every school; a section per course (per 25 students).
    sections_by_school: dict[str, list[dict[str, Any]]] = {}
    sections_per_course = max(1, students // max(1, schools * len(SUBJECTS) * 5))
    for school in school_objs:
        school_id = school["$sys"]["id"]
        sections_by_school[school_id] = []
        for subject in SUBJECTS:
            course: dict[str, Any] = {
                "$sys": sys("courses", subject),
                "local_id": f"{school['local_id']}-{subject[:4].upper()}",
                "title": subject,
                "$orgs": [ref(school, org_type="school")],
                "$sections": [],
            }
            roster.courses[course["$sys"]["id"]] = course
            for k in range(sections_per_course):
                title = f"{subject} - P{k + 1}"
                term = semesters[k % 2]
                section: dict[str, Any] = {
                    "$sys": sys("sections", title),
                    "local_id": f"{course['local_id']}-{k + 1}",
                    "title": title,
                    "$terms": [ref(term, term_type="semester")],
                    "$course": ref(course),
                    "$org": ref(school, org_type="school"),
                    "$teachers": [],
                    "$students": [],
                }
                course["$sections"].append(ref(section))
                roster.sections[section["$sys"]["id"]] = section
                sections_by_school[school_id].append(section)

    def person(kind: str, n: int, school: dict[str, Any]) -> dict[str, Any]:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        label = f"{first} {last}"
        body: dict[str, Any] = {
            "$sys": sys("persons", label, person_type=kind),
            "local_id": f"{kind[0].upper()}{n:06d}",
            "name": {"first": first, "last": last},
            "email": f"{first}.{last}.{n}@example.edu".lower(),
            "address": {
                "line1": f"{rng.randint(1, 999)} Main St",
                "city": CITIES[rng.randrange(len(CITIES))],
                "state": "OR",
                "postal_code": f"97{rng.randint(100, 999)}",
                "country": "US",
            },
        }
        if kind == "student":
            body["grad_year"] = str(school_year + rng.randint(0, 3))
        return body

    def membership(kind: str, grade: str | None = None) -> dict[str, Any]:
        member: dict[str, Any] = {
            "id": new_id(),
            "type": kind,
            "status": "Active",
            "primary": True,
            "start_date": f"{school_year - 1}-08-20",
        }
        if grade:
            member["grade"] = grade
        return member

    teachers = max(1, students // 20) if students else 0
    for n in range(teachers):
        school = school_objs[n % schools]
        teacher = person("teacher", n, school)
        teacher["$schools"] = [ref(school, org_type="school", membership=membership("staff"))]
        teacher["$sections"] = []
        roster.persons[teacher["$sys"]["id"]] = teacher
        own = sections_by_school[school["$sys"]["id"]][n // schools :: max(1, teachers // schools)]
        for section in own:
            section["$teachers"].append(ref(teacher, person_type="teacher"))
            teacher["$sections"].append(ref(section, flat=True, membership=membership("teacher")))
    for n in range(students):
        school = school_objs[n % schools]
        grade = str(9 + n % 4)
        student = person("student", n, school)
        student["$schools"] = [
            ref(school, org_type="school", membership=membership("enrollment", grade))
        ]
        student["$sections"] = []
        roster.persons[student["$sys"]["id"]] = student
        pool = sections_by_school[school["$sys"]["id"]]
        for section in rng.sample(pool, k=min(len(pool), rng.randint(3, 6))):
            section["$students"].append(ref(student, person_type="student"))
            student["$sections"].append(
                ref(section, flat=True, membership=membership("enrollment"))
            )

    for section in list(roster.sections.values())[: max(1, len(roster.sections) // 4)]:
        for name in CATEGORIES:
            category: dict[str, Any] = {
                "$sys": sys("gradingCategories", name),
                "name": name,
                "$term": section["$terms"][0],
                "$section": ref(section),
                "$school": section["$org"],  # the Grades blueprint's name for it
            }
            roster.grading_categories[category["$sys"]["id"]] = category
    return roster
