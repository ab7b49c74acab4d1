"""The enrollments view answers by index: a section's roster or a person's sections read
the rows they name, where the view as first written read every link of the database.

SQLite did not push a filter on the view into it (a DISTINCT over a join of a UNION), so
each query scanned ``mirror_links`` twice. The view is now a UNION ALL of three joins,
into whose arms both stores push the filter (SQLite pushes none into a plain UNION): a
section's students, its teachers who are not also its students, and the persons'
sections that no section lists; the rows are the same, each once. The links' target
index carries the object id, so that looking up by target (a person's sections, a
school's persons) reads the index alone.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

from kimono_interop.mirror.migrations.versions.m0001_initial import VIEWS

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ENROLLMENTS = """
    SELECT l.tenant_id, l.object_id AS section_id, l.target_id AS person_id, p.person_type
    FROM mirror_links l
    LEFT JOIN mirror_objects p
        ON p.tenant_id = l.tenant_id AND p.object_type = 'persons' AND p.object_id = l.target_id
    WHERE l.object_type = 'sections' AND l.rel = 'students'
    UNION ALL
    SELECT l.tenant_id, l.object_id, l.target_id, p.person_type
    FROM mirror_links l
    LEFT JOIN mirror_objects p
        ON p.tenant_id = l.tenant_id AND p.object_type = 'persons' AND p.object_id = l.target_id
    WHERE l.object_type = 'sections' AND l.rel = 'teachers'
        AND NOT EXISTS (
            SELECT 1 FROM mirror_links s
            WHERE s.tenant_id = l.tenant_id AND s.object_type = 'sections'
                AND s.object_id = l.object_id AND s.rel = 'students' AND s.target_id = l.target_id
        )
    UNION ALL
    SELECT l.tenant_id, l.target_id, l.object_id, p.person_type
    FROM mirror_links l
    LEFT JOIN mirror_objects p
        ON p.tenant_id = l.tenant_id AND p.object_type = 'persons' AND p.object_id = l.object_id
    WHERE l.object_type = 'persons' AND l.rel = 'sections'
        AND NOT EXISTS (
            SELECT 1 FROM mirror_links s
            WHERE s.tenant_id = l.tenant_id AND s.object_type = 'sections'
                AND s.object_id = l.target_id AND s.rel IN ('students', 'teachers')
                AND s.target_id = l.object_id
        )
"""

TARGET = ["tenant_id", "object_type", "rel", "target_id"]


def upgrade() -> None:
    op.execute("DROP VIEW mirror_enrollments")
    with op.batch_alter_table("mirror_links") as batch:
        batch.drop_index("ix_mirror_links_target")
        batch.create_index("ix_mirror_links_target", [*TARGET, "object_id"])
    op.execute(f"CREATE VIEW mirror_enrollments AS {ENROLLMENTS}")


def downgrade() -> None:
    op.execute("DROP VIEW mirror_enrollments")
    with op.batch_alter_table("mirror_links") as batch:
        batch.drop_index("ix_mirror_links_target")
        batch.create_index("ix_mirror_links_target", TARGET)
    op.execute(f"CREATE VIEW mirror_enrollments AS {VIEWS['mirror_enrollments']}")
