"""The views leave out what the mirror holds as deleted: a person in a section's
enrollments, a section in a person's, and a school among a person's schools.

A deleted object keeps no links of its own, but others still name it until they change
(a section's ``students`` after the person's DELETE, a person's ``$sections`` after the
section's), and the views listed those as if they were live: a deleted person even kept
its ``person_type``. Now ``mirror_enrollments`` lists a person only if the mirror does
not hold them deleted, and a section likewise, and ``mirror_person_schools`` a school
(an ``orgs`` object) likewise. What the mirror does not hold at all is still listed, as
before (its ``person_type`` NULL). Same columns; on PostgreSQL the views are replaced in
place, so views of yours on them stay.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

from kimono_interop.mirror.migrations.versions.m0005_object_keys import (
    VIEWS as VIEWS_0005,
)
from kimono_interop.mirror.migrations.versions.m0005_object_keys import (
    _replace_views,
)

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

#: A person the enrollment names is not one the mirror holds deleted (the LEFT JOIN's).
_PERSON_LIVE = "(p.deleted IS NULL OR p.deleted = {false})"
#: ...nor the section a person's ``$sections`` names.
_SECTION_NOT_DELETED = """NOT EXISTS (
            SELECT 1 FROM mirror_objects d
            WHERE d.tenant_id = p.tenant_id AND d.object_type = 'sections'
                AND d.object_id = l.target_id AND d.deleted <> {false}
        )"""

VIEWS = {
    "mirror_enrollments": f"""
    SELECT s.tenant_id, s.object_id AS section_id, l.target_id AS person_id, p.person_type
    FROM mirror_objects s
    JOIN mirror_links l ON l.object_key = s.object_key
    LEFT JOIN mirror_objects p
        ON p.tenant_id = s.tenant_id AND p.object_type = 'persons' AND p.object_id = l.target_id
    WHERE s.object_type = 'sections' AND l.rel = 'students' AND {_PERSON_LIVE}
    UNION ALL
    SELECT s.tenant_id, s.object_id, l.target_id, p.person_type
    FROM mirror_objects s
    JOIN mirror_links l ON l.object_key = s.object_key
    LEFT JOIN mirror_objects p
        ON p.tenant_id = s.tenant_id AND p.object_type = 'persons' AND p.object_id = l.target_id
    WHERE s.object_type = 'sections' AND l.rel = 'teachers' AND {_PERSON_LIVE}
        AND NOT EXISTS (
            SELECT 1 FROM mirror_links x
            WHERE x.object_key = l.object_key AND x.rel = 'students'
                AND x.target_id = l.target_id
        )
    UNION ALL
    SELECT p.tenant_id, l.target_id, p.object_id, p.person_type
    FROM mirror_objects p
    JOIN mirror_links l ON l.object_key = p.object_key
    WHERE p.object_type = 'persons' AND l.rel = 'sections'
        AND NOT EXISTS (
            SELECT 1 FROM mirror_objects s
            JOIN mirror_links x ON x.object_key = s.object_key
            WHERE s.tenant_id = p.tenant_id AND s.object_type = 'sections'
                AND s.object_id = l.target_id AND x.rel IN ('students', 'teachers')
                AND x.target_id = p.object_id
        )
        AND {_SECTION_NOT_DELETED}
""",
    "mirror_person_schools": """
    SELECT p.tenant_id, p.object_id AS person_id, l.target_id AS school_id
    FROM mirror_objects p
    JOIN mirror_links l ON l.object_key = p.object_key
    WHERE p.object_type = 'persons' AND l.rel = 'schools'
        AND NOT EXISTS (
            SELECT 1 FROM mirror_objects d
            WHERE d.tenant_id = p.tenant_id AND d.object_type = 'orgs'
                AND d.object_id = l.target_id AND d.deleted <> {false}
        )
""",
}


def upgrade() -> None:
    _replace_views(VIEWS)


def downgrade() -> None:
    _replace_views({name: VIEWS_0005[name] for name in VIEWS})
