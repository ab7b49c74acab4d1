"""The mirror's tables as SQLAlchemy Core objects (the migrations in ``migrations/`` create them).

These definitions are what the code queries with; the schema itself is owned by the
migrations, which a test compares with these tables.
"""

from __future__ import annotations

import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


class UTCDateTime(sa.TypeDecorator[datetime.datetime]):
    """A timestamp in UTC, read back timezone-aware on every store (SQLite keeps no offset)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> Any:
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            return value.astimezone(datetime.timezone.utc)
        return value

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Any:
        if isinstance(value, datetime.datetime) and value.tzinfo is None:
            return value.replace(tzinfo=datetime.timezone.utc)
        return value


TIME = UTCDateTime()

metadata = sa.MetaData()

#: An object's integer key (SQLite's rowid): what its links name it by.
KEY = sa.BigInteger().with_variant(sa.Integer, "sqlite")

objects = sa.Table(
    "mirror_objects",
    metadata,
    sa.Column("object_key", KEY, primary_key=True, autoincrement=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("object_type", sa.String(64), nullable=False),
    sa.Column("object_id", sa.String(128), nullable=False),
    sa.Column("data", JSON),
    sa.Column("sequence", sa.BigInteger),
    sa.Column("generation", sa.Integer),
    sa.Column("deleted", sa.Boolean, nullable=False),
    sa.Column("person_type", sa.String(64)),
    sa.Column("updated_at", TIME, nullable=False),
    sa.UniqueConstraint("tenant_id", "object_type", "object_id", name="uq_mirror_objects_object"),
)

links = sa.Table(
    "mirror_links",
    metadata,
    sa.Column("object_key", KEY, primary_key=True, autoincrement=False),
    sa.Column("rel", sa.String(64), primary_key=True),
    sa.Column("target_id", sa.String(128), primary_key=True),
    sqlite_with_rowid=False,
)

inbox = sa.Table(
    "mirror_inbox",
    metadata,
    sa.Column("task_id", sa.String(128), primary_key=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("sequence", sa.BigInteger),
    sa.Column("action", sa.String(32)),
    sa.Column("object_type", sa.String(64)),
    sa.Column("object_id", sa.String(128)),
    sa.Column("result", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("message", sa.Text),
    sa.Column("recorded_at", TIME, nullable=False),
)

attempts = sa.Table(
    "mirror_attempts",
    metadata,
    sa.Column("task_id", sa.String(128), primary_key=True),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("last_error", sa.Text),
    sa.Column("updated_at", TIME, nullable=False),
)

parked = sa.Table(
    "mirror_parked",
    metadata,
    sa.Column("task_id", sa.String(128), primary_key=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("object_type", sa.String(64)),
    sa.Column("object_id", sa.String(128)),
    sa.Column("sequence", sa.BigInteger),
    sa.Column("raw", JSON),
    sa.Column("error", sa.Text),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("parked_at", TIME, nullable=False),
    sa.Column("replayed_at", TIME),
)

changes = sa.Table(
    "mirror_changes",
    metadata,
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
    sa.Column("action", sa.String(32)),
    sa.Column("sequence", sa.BigInteger),
    sa.Column("task_id", sa.String(128)),
    sa.Column("generation", sa.Integer),
    sa.Column("at", TIME, nullable=False),
    # SQLite: a cursor is never given twice, even once the rows above it are pruned
    # (revision 0006); PostgreSQL's BIGSERIAL never gives one twice
    sqlite_autoincrement=True,
)

syncs = sa.Table(
    "mirror_syncs",
    metadata,
    sa.Column("generation", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("origin", sa.String(32)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("start_task_id", sa.String(128)),
    sa.Column("end_sequence", sa.BigInteger),
    sa.Column("types", JSON),
    sa.Column("live", sa.Integer),
    sa.Column("to_sweep", sa.Integer),
    sa.Column("swept", sa.Integer),
    sa.Column("started_at", TIME, nullable=False),
    sa.Column("ended_at", TIME),
    sa.Column("topic", sa.String(128)),  # the topic the sync named, if any (0009)
)
