"""The enrollments view answers by index: a section's roster or a person's sections read
the rows they name, where the view as first written read every link of the database.

SQLite did not push a filter on the view into it (a DISTINCT over a join of a UNION), so
each query scanned ``mirror_links`` twice. The view is now a UNION ALL of three joins,
into whose arms both stores push the filter (SQLite pushes none into a plain UNION): a
section's students, its teachers who are not also its students, and the persons'
sections that no section lists; the rows are the same, each once.

SQLite also gets statistics for the links' two indexes: without any (the mirror never
runs ANALYZE there), it rates an equality on the first two columns of the primary key
as selective as one on all four of the target index, and looked a school's persons or
a section's listed persons up through every link of the tenant's type. The figures
written (``sqlite_stat1``) say what holds in any district, that an object has a few
links and a target a few dozen referrers while a tenant's type has thousands; an
``ANALYZE`` run later replaces them with measured ones, and measured ones already
there are kept. PostgreSQL keeps its own.

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

#: Rows of ``sqlite_stat1`` for the links' indexes: rows, then rows per value of each
#: leading column set (tenant; type; object or relationship; ...).
LINK_STATISTICS = {
    "sqlite_autoindex_mirror_links_1": "100000 100000 20000 4 2 1",
    "ix_mirror_links_target": "100000 100000 20000 10000 20",
}


def _replace_view(body: str) -> None:
    """Put ``body`` in place as mirror_enrollments (on PostgreSQL in place: a view of yours
    built on it would stop a drop)."""
    if op.get_context().dialect.name == "postgresql":
        op.execute(f"CREATE OR REPLACE VIEW mirror_enrollments AS {body}")
    else:
        op.execute("DROP VIEW mirror_enrollments")
        op.execute(f"CREATE VIEW mirror_enrollments AS {body}")


def upgrade() -> None:
    _replace_view(ENROLLMENTS)
    if op.get_context().dialect.name == "sqlite":
        op.execute("ANALYZE sqlite_master")  # creates sqlite_stat1, reads no mirror table
        for index, stat in LINK_STATISTICS.items():
            # statistics an ANALYZE of yours measured are kept
            op.execute(
                "INSERT INTO sqlite_stat1 (tbl, idx, stat) "
                f"SELECT 'mirror_links', '{index}', '{stat}' WHERE NOT EXISTS "
                f"(SELECT 1 FROM sqlite_stat1 WHERE tbl = 'mirror_links' AND idx = '{index}')"
            )
        op.execute("ANALYZE sqlite_master")  # and this connection reads them now


def downgrade() -> None:
    _replace_view(VIEWS["mirror_enrollments"])
    if op.get_context().dialect.name == "sqlite":
        op.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'mirror_links'")
        op.execute("ANALYZE sqlite_master")
