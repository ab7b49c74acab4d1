"""Each object gets an integer key, and its links name it by that key: a chunk of new
objects then writes its links in order, at the end of the links' primary key, where the
random UUIDs of (tenant, type, object id) put each object's links on a page of their own.

``mirror_objects`` gains ``object_key`` (SQLite's rowid, a ``BIGSERIAL`` on PostgreSQL),
its primary key; (tenant, type, object id) stays unique. ``mirror_links`` becomes
(``object_key``, ``rel``, ``target_id``), its primary key in that order (on SQLite the
table itself, ``WITHOUT ROWID``), and its target index (``target_id``, ``rel``). An entry
of either is about a third of its size before, and the links of a chunk's new objects
fill a few pages at the end instead of one page each. Written by plain ``sqlite3`` in
the mirror's transactions, a chunk of 100 person ADDs went from about 500 WAL pages to
about 270, and the rate from 11,000-12,000 to 20,000 tasks/s (5,000 persons; 7,400 to
12,000-15,000 at 20,000).

``mirror_links`` is rebuilt and its rows copied; so is ``mirror_objects`` on SQLite, which
cannot change a primary key, while PostgreSQL alters it in place (its new column comes
last there). The three views are written again (on PostgreSQL in place). Views of yours
on them or on the objects stay; one on the links stops the upgrade before it changes
anything (on SQLite: once one no longer answers), naming it and saying what to do.
Indexes and triggers of yours on a rebuilt table go with it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from kimono_interop.mirror.migrations.versions.m0001_initial import VIEWS as VIEWS_0001
from kimono_interop.mirror.migrations.versions.m0004_enrollments_by_index import (
    ENROLLMENTS as ENROLLMENTS_0004,
)
from kimono_interop.mirror.migrations.versions.m0004_enrollments_by_index import (
    LINK_STATISTICS as LINK_STATISTICS_0004,
)

log = logging.getLogger("kimono_interop.mirror")

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIME = sa.DateTime(timezone=True)
KEY = sa.BigInteger().with_variant(sa.Integer, "sqlite")

#: The views over the new tables: the same columns and rows as revision 0004's. Each
#: lookup by tenant and one id reads the rows it names (tests/mirror/test_views.py).
VIEWS = {
    "mirror_persons": VIEWS_0001["mirror_persons"],
    "mirror_enrollments": """
    SELECT s.tenant_id, s.object_id AS section_id, l.target_id AS person_id, p.person_type
    FROM mirror_objects s
    JOIN mirror_links l ON l.object_key = s.object_key
    LEFT JOIN mirror_objects p
        ON p.tenant_id = s.tenant_id AND p.object_type = 'persons' AND p.object_id = l.target_id
    WHERE s.object_type = 'sections' AND l.rel = 'students'
    UNION ALL
    SELECT s.tenant_id, s.object_id, l.target_id, p.person_type
    FROM mirror_objects s
    JOIN mirror_links l ON l.object_key = s.object_key
    LEFT JOIN mirror_objects p
        ON p.tenant_id = s.tenant_id AND p.object_type = 'persons' AND p.object_id = l.target_id
    WHERE s.object_type = 'sections' AND l.rel = 'teachers'
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
""",
    "mirror_person_schools": """
    SELECT p.tenant_id, p.object_id AS person_id, l.target_id AS school_id
    FROM mirror_objects p
    JOIN mirror_links l ON l.object_key = p.object_key
    WHERE p.object_type = 'persons' AND l.rel = 'schools'
""",
}
#: The views as revision 0004 left them.
VIEWS_0004 = {**VIEWS_0001, "mirror_enrollments": ENROLLMENTS_0004}

#: ``sqlite_stat1`` rows for the new links' indexes (as revision 0004 wrote for the old
#: ones: an object has a few links, a target a few dozen referrers; the primary key of a
#: ``WITHOUT ROWID`` table goes by the table's name).
LINK_STATISTICS = {
    "mirror_links": "100000 4 2 1",
    "ix_mirror_links_target": "100000 20 20",
}
#: And for the objects' (a tenant's type holds thousands), where none were measured: a
#: lookup of the persons of a school or a section then starts from the links' target
#: index and reads each person by key, not every person of the tenant.
OBJECT_STATISTICS = {
    "sqlite_autoindex_mirror_objects_1": "100000 100000 20000 1",
    "ix_mirror_objects_type": "100000 100000 20000 10000",
    "ix_mirror_objects_person_type": "100000 100000 20000 5000",
}

_OBJECT_COLUMNS = (
    "tenant_id, object_type, object_id, data, sequence, generation, deleted, person_type, "
    "updated_at"
)


def _object_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("object_type", sa.String(64), nullable=False),
        sa.Column("object_id", sa.String(128), nullable=False),
        sa.Column("data", JSON, nullable=True),
        sa.Column("sequence", sa.BigInteger, nullable=True),
        sa.Column("generation", sa.Integer, nullable=True),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("person_type", sa.String(64), nullable=True),
        sa.Column("updated_at", TIME, nullable=False),
    ]


def _postgresql() -> bool:
    return op.get_context().dialect.name == "postgresql"


def _replace_views(views: dict[str, str]) -> None:
    """Write the views again; on PostgreSQL in place (views of yours on them stay)."""
    for name, body in views.items():
        false = "false" if _postgresql() else "0"
        text = body.format(false=false)
        if _postgresql():
            op.execute(f"CREATE OR REPLACE VIEW {name} AS {text}")
        else:
            op.execute(f"DROP VIEW IF EXISTS {name}")
            op.execute(f"CREATE VIEW {name} AS {text}")


def upgrade() -> None:
    broken = _broken_views()
    if _postgresql():
        _stop_for_views_on_links()
        op.execute(_ANALYZE)  # the join that copies the links is planned on statistics
        # in place: views of yours on the objects stay (the new column comes last here)
        op.execute("ALTER TABLE mirror_objects ADD COLUMN object_key BIGSERIAL NOT NULL")
        op.execute(
            "ALTER TABLE mirror_objects DROP CONSTRAINT mirror_objects_pkey, "
            "ADD CONSTRAINT mirror_objects_pkey PRIMARY KEY (object_key), "
            "ADD CONSTRAINT uq_mirror_objects_object UNIQUE (tenant_id, object_type, object_id)"
        )
        _set_aside("mirror_links", "ix_mirror_links_target")
    else:
        with _renames():
            _set_aside("mirror_objects", *_OBJECT_INDEXES)
            _set_aside("mirror_links", "ix_mirror_links_target")
        op.create_table(
            "mirror_objects",
            sa.Column("object_key", KEY, primary_key=True, autoincrement=True),
            *_object_columns(),
            sa.UniqueConstraint(
                "tenant_id", "object_type", "object_id", name="uq_mirror_objects_object"
            ),
        )
        # in the order they were stored: a new object's key comes after every one copied
        op.execute(
            f"INSERT INTO mirror_objects ({_OBJECT_COLUMNS}) SELECT {_OBJECT_COLUMNS} "
            "FROM mirror_objects_old ORDER BY rowid"
        )
        _object_indexes()
    op.create_table(
        "mirror_links",
        sa.Column("object_key", KEY, nullable=False),
        sa.Column("rel", sa.String(64), nullable=False),
        sa.Column("target_id", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("object_key", "rel", "target_id"),
        sqlite_with_rowid=False,
    )
    _report_orphans()
    op.execute(  # the inner join leaves the orphans out
        "INSERT INTO mirror_links (object_key, rel, target_id) "
        "SELECT o.object_key, l.rel, l.target_id FROM mirror_links_old l JOIN mirror_objects o "
        "ON o.tenant_id = l.tenant_id AND o.object_type = l.object_type "
        "AND o.object_id = l.object_id"
    )
    op.create_index("ix_mirror_links_target", "mirror_links", ["target_id", "rel"])
    _replace_views(VIEWS)
    op.drop_table("mirror_links_old")  # PostgreSQL names a view of yours still on it
    if not _postgresql():
        op.drop_table("mirror_objects_old")
    _after(broken, LINK_STATISTICS, OBJECT_STATISTICS)


def downgrade() -> None:
    broken = _broken_views()
    if _postgresql():
        _set_aside("mirror_links", "ix_mirror_links_target")
    else:
        with _renames():
            _set_aside("mirror_links", "ix_mirror_links_target")
            _set_aside("mirror_objects", *_OBJECT_INDEXES)
        op.create_table(
            "mirror_objects",
            *_object_columns(),
            sa.PrimaryKeyConstraint("tenant_id", "object_type", "object_id"),
        )
        op.execute(
            f"INSERT INTO mirror_objects ({_OBJECT_COLUMNS}) SELECT {_OBJECT_COLUMNS} "
            "FROM mirror_objects_old ORDER BY object_key"
        )
        _object_indexes()
    op.create_table(
        "mirror_links",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("object_type", sa.String(64), nullable=False),
        sa.Column("object_id", sa.String(128), nullable=False),
        sa.Column("rel", sa.String(64), nullable=False),
        sa.Column("target_id", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "object_type", "object_id", "rel", "target_id"),
    )
    objects = "mirror_objects" if _postgresql() else "mirror_objects_old"
    op.execute(
        "INSERT INTO mirror_links (tenant_id, object_type, object_id, rel, target_id) "
        "SELECT o.tenant_id, o.object_type, o.object_id, l.rel, l.target_id "
        f"FROM mirror_links_old l JOIN {objects} o ON o.object_key = l.object_key"
    )
    op.create_index(
        "ix_mirror_links_target", "mirror_links", ["tenant_id", "object_type", "rel", "target_id"]
    )
    _replace_views(VIEWS_0004)
    op.drop_table("mirror_links_old")
    if _postgresql():
        op.execute(
            "ALTER TABLE mirror_objects DROP CONSTRAINT uq_mirror_objects_object, "
            "DROP CONSTRAINT mirror_objects_pkey, DROP COLUMN object_key, "
            "ADD CONSTRAINT mirror_objects_pkey PRIMARY KEY (tenant_id, object_type, object_id)"
        )
    else:
        op.drop_table("mirror_objects_old")
    _after(broken, LINK_STATISTICS_0004, {})


_OBJECT_INDEXES = ("ix_mirror_objects_type", "ix_mirror_objects_person_type")


def _object_indexes() -> None:
    op.create_index(
        "ix_mirror_objects_type", "mirror_objects", ["tenant_id", "object_type", "deleted"]
    )
    op.create_index(
        "ix_mirror_objects_person_type",
        "mirror_objects",
        ["tenant_id", "object_type", "person_type"],
    )


def _set_aside(table: str, *indexes: str) -> None:
    """Rename ``table`` to ``<table>_old`` and drop its indexes and (PostgreSQL) rename its
    primary key, whose names the new table takes (an index dropped by hand is no matter).
    The rebuilt tables leave behind indexes and triggers of yours on the old ones."""
    for index in indexes:
        op.execute(f"DROP INDEX IF EXISTS {index}")
    op.rename_table(table, f"{table}_old")
    if _postgresql():
        op.execute(f"ALTER TABLE {table}_old RENAME CONSTRAINT {table}_pkey TO {table}_old_pkey")


@contextlib.contextmanager
def _renames() -> Iterator[None]:
    """SQLite: our views go first, and come back once the new tables are in place. A view
    of yours on them would stop SQLite's check of every view when a table is renamed, so
    the renames skip it (``legacy_alter_table``: no view refers to the tables by then);
    the setting, which the mirror never uses and which outlives the transaction, is
    turned off again even if a rename fails."""
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    op.execute("PRAGMA legacy_alter_table = ON")
    try:
        yield
    finally:
        op.execute("PRAGMA legacy_alter_table = OFF")


#: PostgreSQL: statistics for the objects and links, if they hold rows (a new database's
#: stay unset): the copy of the links joins them (without statistics, a nested loop over
#: every person of the tenant for each link: minutes at 200,000 links), and lookups after
#: the upgrade are planned on them at once, not after autovacuum's next round.
_ANALYZE = (
    "DO $$ BEGIN IF EXISTS (SELECT FROM mirror_objects) THEN "
    "ANALYZE mirror_objects, mirror_links; END IF; END $$"
)


def _online() -> sa.Connection | None:
    """The connection, when the migration runs on one (not when it writes SQL)."""
    return None if op.get_context().as_sql else op.get_bind()


def _report_orphans() -> None:
    """Log the links whose object is not stored: the mirror never writes one, but SQL of
    yours might; with no key to name their object by, they are not copied."""
    connection = _online()
    if connection is None:
        return
    orphans = connection.exec_driver_sql(
        "SELECT count(*) FROM mirror_links_old l WHERE NOT EXISTS (SELECT 1 FROM "
        "mirror_objects o WHERE o.tenant_id = l.tenant_id AND o.object_type = l.object_type "
        "AND o.object_id = l.object_id)"
    ).scalar_one()
    if orphans:
        log.warning(
            "mirror schema 0005: %d link(s) of objects the mirror does not hold were dropped",
            orphans,
        )


def _stop_for_views_on_links() -> None:
    """PostgreSQL: stop before anything changes if a view of yours reads ``mirror_links``,
    which is rebuilt (its drop would fail at the end, naming the old table)."""
    connection = _online()
    if connection is None:
        return
    views = connection.exec_driver_sql(
        "SELECT DISTINCT v.relname FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid "
        "JOIN pg_class v ON v.oid = r.ev_class WHERE d.refobjid = 'mirror_links'::regclass "
        "AND v.relname <> 'mirror_links'"
    ).scalars()
    _stop(sorted(set(views) - set(VIEWS)))


def _stop(views: list[str]) -> None:
    if views:
        raise RuntimeError(
            f"the view(s) {', '.join(views)} read mirror_links, whose columns mirror "
            "schema 0005 changes (a link names its object by object_key: join "
            "mirror_objects on it): drop them, open the mirror, and create them again"
        )


def _broken_views() -> set[str]:
    """SQLite: the views that no longer answer (SQLite keeps a view whose table or column
    went, and then refuses to rename any table)."""
    connection = _online()
    if connection is None or _postgresql():
        return set()
    broken = set()
    names = connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'view'")
    for (name,) in names.all():
        try:
            connection.exec_driver_sql(f'SELECT * FROM "{name}" LIMIT 0').all()
        except sa.exc.OperationalError:
            broken.add(name)
    return broken


def _after(broken: set[str], links: dict[str, str], objects: dict[str, str]) -> None:
    """Statistics for the new tables; on SQLite, a stop if a view of yours no longer
    answers (the transaction is rolled back; SQLite has no dependencies to ask first)."""
    if _postgresql():
        op.execute(_ANALYZE)
        return
    _stop(sorted(_broken_views() - broken))
    _statistics(links, objects)


def _statistics(links: dict[str, str], objects: dict[str, str]) -> None:
    """SQLite: write the statistics of the links' indexes from ``links``, and those of the
    objects' from ``objects`` where none are kept (see revision 0004). The rebuilt
    tables' indexes are new, so measured figures of the old ones are gone; an ANALYZE of
    yours measures them again."""
    op.execute("ANALYZE sqlite_master")  # sqlite_stat1 exists from here on
    op.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'mirror_links'")
    rows = [("mirror_links", i, s, False) for i, s in links.items()]
    rows += [("mirror_objects", i, s, True) for i, s in objects.items()]
    for table, index, stat, keep in rows:
        kept = (
            f" AND NOT EXISTS (SELECT 1 FROM sqlite_stat1 WHERE tbl = '{table}' "
            f"AND idx = '{index}')"
            if keep
            else ""
        )
        op.execute(
            f"INSERT INTO sqlite_stat1 (tbl, idx, stat) SELECT '{table}', '{index}', '{stat}' "
            f"WHERE 1 = 1{kept}"
        )
    op.execute("ANALYZE sqlite_master")  # and this connection reads them now
