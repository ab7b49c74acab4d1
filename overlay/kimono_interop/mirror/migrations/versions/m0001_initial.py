"""The mirror's first schema: objects, links, inbox, attempts, parked tasks, changes, syncs.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIME = sa.DateTime(timezone=True)

VIEWS = {
    "mirror_persons": """
        SELECT tenant_id, object_id AS person_id, person_type, data, sequence, updated_at
        FROM mirror_objects
        WHERE object_type = 'persons' AND deleted = {false}
    """,
    "mirror_enrollments": """
        SELECT DISTINCT e.tenant_id, e.section_id, e.person_id, p.person_type
        FROM (
            SELECT tenant_id, object_id AS section_id, target_id AS person_id
            FROM mirror_links
            WHERE object_type = 'sections' AND rel IN ('students', 'teachers')
            UNION
            SELECT tenant_id, target_id AS section_id, object_id AS person_id
            FROM mirror_links
            WHERE object_type = 'persons' AND rel = 'sections'
        ) e
        LEFT JOIN mirror_objects p
            ON p.tenant_id = e.tenant_id AND p.object_type = 'persons'
            AND p.object_id = e.person_id
    """,
    "mirror_person_schools": """
        SELECT tenant_id, object_id AS person_id, target_id AS school_id
        FROM mirror_links
        WHERE object_type = 'persons' AND rel = 'schools'
    """,
}


def upgrade() -> None:
    op.create_table(
        "mirror_objects",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("object_type", sa.String(64), nullable=False),
        sa.Column("object_id", sa.String(128), nullable=False),
        sa.Column("data", JSON, nullable=True),
        sa.Column("sequence", sa.BigInteger, nullable=True),
        sa.Column("generation", sa.Integer, nullable=True),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("person_type", sa.String(64), nullable=True),
        sa.Column("updated_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "object_type", "object_id"),
    )
    op.create_index(
        "ix_mirror_objects_type", "mirror_objects", ["tenant_id", "object_type", "deleted"]
    )
    op.create_index(
        "ix_mirror_objects_person_type",
        "mirror_objects",
        ["tenant_id", "object_type", "person_type"],
    )
    op.create_table(
        "mirror_links",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("object_type", sa.String(64), nullable=False),
        sa.Column("object_id", sa.String(128), nullable=False),
        sa.Column("rel", sa.String(64), nullable=False),
        sa.Column("target_id", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "object_type", "object_id", "rel", "target_id"),
    )
    op.create_index(
        "ix_mirror_links_target", "mirror_links", ["tenant_id", "object_type", "rel", "target_id"]
    )
    op.create_table(
        "mirror_inbox",
        sa.Column("task_id", sa.String(128), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("sequence", sa.BigInteger, nullable=True),
        sa.Column("action", sa.String(32), nullable=True),
        sa.Column("object_type", sa.String(64), nullable=True),
        sa.Column("object_id", sa.String(128), nullable=True),
        sa.Column("result", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("message", sa.Text, nullable=True),
        sa.Column("recorded_at", TIME, nullable=False),
    )
    op.create_table(
        "mirror_attempts",
        sa.Column("task_id", sa.String(128), primary_key=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("updated_at", TIME, nullable=False),
    )
    op.create_table(
        "mirror_parked",
        sa.Column("task_id", sa.String(128), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("object_type", sa.String(64), nullable=True),
        sa.Column("object_id", sa.String(128), nullable=True),
        sa.Column("sequence", sa.BigInteger, nullable=True),
        sa.Column("raw", JSON, nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("parked_at", TIME, nullable=False),
        sa.Column("replayed_at", TIME, nullable=True),
    )
    op.create_table(
        "mirror_changes",
        sa.Column(
            "cursor",
            sa.BigInteger().with_variant(sa.Integer, "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("object_type", sa.String(64), nullable=False),
        sa.Column("object_id", sa.String(128), nullable=False),
        sa.Column("op", sa.String(16), nullable=False),
        sa.Column("action", sa.String(32), nullable=True),
        sa.Column("sequence", sa.BigInteger, nullable=True),
        sa.Column("task_id", sa.String(128), nullable=True),
        sa.Column("generation", sa.Integer, nullable=True),
        sa.Column("at", TIME, nullable=False),
    )
    op.create_index("ix_mirror_changes_object", "mirror_changes", ["tenant_id", "object_type"])
    op.create_table(
        "mirror_syncs",
        sa.Column("generation", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("origin", sa.String(32), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("start_task_id", sa.String(128), nullable=True),
        sa.Column("end_sequence", sa.BigInteger, nullable=True),
        sa.Column("types", JSON, nullable=True),
        sa.Column("live", sa.Integer, nullable=True),
        sa.Column("to_sweep", sa.Integer, nullable=True),
        sa.Column("swept", sa.Integer, nullable=True),
        sa.Column("started_at", TIME, nullable=False),
        sa.Column("ended_at", TIME, nullable=True),
    )
    op.create_index("ix_mirror_syncs_tenant", "mirror_syncs", ["tenant_id", "status"])
    false = "false" if op.get_context().dialect.name == "postgresql" else "0"
    for name, body in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {body.format(false=false)}")


def downgrade() -> None:
    for name in reversed(list(VIEWS)):
        op.execute(f"DROP VIEW {name}")
    for table in (
        "mirror_syncs",
        "mirror_changes",
        "mirror_parked",
        "mirror_attempts",
        "mirror_inbox",
        "mirror_links",
        "mirror_objects",
    ):
        op.drop_table(table)
