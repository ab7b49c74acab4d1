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

On SQLite, which cannot change a primary key, both tables are rebuilt and their rows
copied; on PostgreSQL they are altered in place (grants, publications, policies stay), and
analyzed. The three views are written again (on PostgreSQL in place). Views of yours on
them or on the objects stay; one that reads the links stops the upgrade before it changes
anything, naming it and saying what to do.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from kimono_interop._logging import sdk_logger
from kimono_interop.mirror.migrations.versions.m0001_initial import VIEWS as VIEWS_0001
from kimono_interop.mirror.migrations.versions.m0004_enrollments_by_index import (
    ENROLLMENTS as ENROLLMENTS_0004,
)
from kimono_interop.mirror.migrations.versions.m0004_enrollments_by_index import (
    LINK_STATISTICS as LINK_STATISTICS_0004,
)

log = sdk_logger("kimono_interop.mirror")
#: What the upgrade says of the links it drops, whose object the mirror does not hold.
_ORPHANS = "mirror schema 0005: {} link(s) of objects the mirror does not hold were dropped"

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
    _stop_for_views_on_links("upgrade again, and create it again over object_key")
    _stop_for_keys(
        [("mirror_links", column) for column in ("tenant_id", "object_type", "object_id")],
        "0005 keys objects and links by object_key, and the links lose tenant_id, "
        "object_type and object_id, which stay unique in mirror_objects",
        "upgrade again, and create it again on mirror_objects (tenant_id, object_type, "
        "object_id), which stays unique, or on its object_key",
    )
    orphans = _upgrade_postgresql() if _postgresql() else _upgrade_sqlite()
    if orphans:
        log.warning("%s", _ORPHANS.format(orphans))


def downgrade() -> None:
    _stop_for_views_on_links("downgrade, and create it again over the links' old columns")
    _stop_for_keys(
        [("mirror_objects", "object_key"), ("mirror_links", "object_key")],
        "0004 keys objects by tenant_id, object_type and object_id again, and links by "
        "those, rel and target_id, with no object_key",
        "downgrade, and create it again on mirror_objects (tenant_id, object_type, object_id)",
    )
    if _postgresql():
        _downgrade_postgresql()
    else:
        _downgrade_sqlite()


# -- PostgreSQL: the tables altered in place --------------------------------------------------
# So that what else is attached to them stays: grants (those that let a role insert objects
# are extended to the new key's sequence), publications, comments. The new columns come
# last. The links' target index goes before their rows are keyed (it would be kept up to
# date for every row); their primary key stays until after, as a publication's replica
# identity. The update leaves a dead version of each row until the next vacuum.


def _upgrade_postgresql() -> int:
    op.execute(_ANALYZE)  # the update that keys the links joins the objects on these
    op.execute("ALTER TABLE mirror_objects ADD COLUMN object_key BIGSERIAL NOT NULL")
    op.execute(
        "ALTER TABLE mirror_objects DROP CONSTRAINT mirror_objects_pkey, "
        "ADD CONSTRAINT mirror_objects_pkey PRIMARY KEY (object_key), "
        "ADD CONSTRAINT uq_mirror_objects_object UNIQUE (tenant_id, object_type, object_id)"
    )
    op.execute(_SEQUENCE_GRANTS)
    op.execute("DROP INDEX IF EXISTS ix_mirror_links_target")
    op.execute("ALTER TABLE mirror_links ADD COLUMN object_key BIGINT")
    op.execute(
        "UPDATE mirror_links l SET object_key = o.object_key FROM mirror_objects o "
        "WHERE o.tenant_id = l.tenant_id AND o.object_type = l.object_type "
        "AND o.object_id = l.object_id"
    )
    orphans = _count("SELECT count(*) FROM mirror_links WHERE object_key IS NULL")
    if _online() is not None:
        op.execute("DELETE FROM mirror_links WHERE object_key IS NULL")
    else:  # the SQL for a DBA counts them in the server, and says so as the upgrade does
        before, after = (part.replace("'", "''") for part in _ORPHANS.split("{}"))
        op.execute(  # no % in it: the SQL written doubles each one
            "DO $$ DECLARE dropped bigint; BEGIN "
            "DELETE FROM mirror_links WHERE object_key IS NULL; "
            "GET DIAGNOSTICS dropped = ROW_COUNT; "
            f"IF dropped > 0 THEN RAISE WARNING USING MESSAGE = '{before}' || dropped || "
            f"'{after}'; END IF; END $$"
        )
    _replace_views(VIEWS)
    op.execute(
        "ALTER TABLE mirror_links DROP CONSTRAINT mirror_links_pkey, "
        "DROP COLUMN tenant_id, DROP COLUMN object_type, DROP COLUMN object_id, "
        "ALTER COLUMN object_key SET NOT NULL, "
        "ADD CONSTRAINT mirror_links_pkey PRIMARY KEY (object_key, rel, target_id)"
    )
    op.create_index("ix_mirror_links_target", "mirror_links", ["target_id", "rel"])
    op.execute(_ANALYZE)
    return orphans


def _downgrade_postgresql() -> None:
    op.execute("DROP INDEX IF EXISTS ix_mirror_links_target")
    op.execute(
        "ALTER TABLE mirror_links ADD COLUMN tenant_id VARCHAR(64), "
        "ADD COLUMN object_type VARCHAR(64), ADD COLUMN object_id VARCHAR(128)"
    )
    op.execute(
        "UPDATE mirror_links l SET tenant_id = o.tenant_id, object_type = o.object_type, "
        "object_id = o.object_id FROM mirror_objects o WHERE o.object_key = l.object_key"
    )
    op.execute("DELETE FROM mirror_links WHERE tenant_id IS NULL")
    _replace_views(VIEWS_0004)
    op.execute(
        "ALTER TABLE mirror_links DROP CONSTRAINT mirror_links_pkey, DROP COLUMN object_key, "
        "ALTER COLUMN tenant_id SET NOT NULL, ALTER COLUMN object_type SET NOT NULL, "
        "ALTER COLUMN object_id SET NOT NULL, ADD CONSTRAINT mirror_links_pkey "
        "PRIMARY KEY (tenant_id, object_type, object_id, rel, target_id)"
    )
    op.create_index(
        "ix_mirror_links_target", "mirror_links", ["tenant_id", "object_type", "rel", "target_id"]
    )
    op.execute(
        "ALTER TABLE mirror_objects DROP CONSTRAINT uq_mirror_objects_object, "
        "DROP CONSTRAINT mirror_objects_pkey, DROP COLUMN object_key, "
        "ADD CONSTRAINT mirror_objects_pkey PRIMARY KEY (tenant_id, object_type, object_id)"
    )
    op.execute(_ANALYZE)


#: Roles that may insert objects (the table's grants or its columns', whoever gave them)
#: may use the sequence of their new key; PUBLIC (role 0) too.
_SEQUENCE_GRANTS = """DO $$ DECLARE grantee oid; BEGIN
    FOR grantee IN
        SELECT a.grantee FROM pg_class c, aclexplode(c.relacl) a
            WHERE c.oid = 'mirror_objects'::regclass AND a.privilege_type = 'INSERT'
        UNION SELECT a.grantee FROM pg_attribute t, aclexplode(t.attacl) a
            WHERE t.attrelid = 'mirror_objects'::regclass AND a.privilege_type = 'INSERT'
    LOOP
        EXECUTE 'GRANT USAGE ON SEQUENCE mirror_objects_object_key_seq TO '
            || CASE WHEN grantee = 0 THEN 'PUBLIC' ELSE grantee::regrole::text END;
    END LOOP;
END $$"""


#: PostgreSQL: statistics for the objects and links, if they hold rows (a new database's
#: stay unset): the update that keys the links joins them (without statistics, a nested
#: loop over every person of the tenant for each link: minutes at 200,000 links), and
#: lookups after the upgrade are planned on them at once, not after autovacuum's round.
_ANALYZE = (
    "DO $$ BEGIN IF EXISTS (SELECT FROM mirror_objects) THEN "
    "ANALYZE mirror_objects, mirror_links; END IF; END $$"
)


# -- SQLite: the tables rebuilt and their rows copied -------------------------------------
# SQLite cannot change a primary key in place. The new tables take the names of the old
# ones, set aside as ``<name>_old``; indexes and triggers of yours on them go with them.


def _upgrade_sqlite() -> int:
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
    keyed = (
        "FROM mirror_links_old l JOIN mirror_objects o ON o.tenant_id = l.tenant_id "
        "AND o.object_type = l.object_type AND o.object_id = l.object_id"
    )
    orphans = _count("SELECT count(*) FROM mirror_links_old") - _count(f"SELECT count(*) {keyed}")
    op.execute(  # the inner join leaves the orphans out
        f"INSERT INTO mirror_links (object_key, rel, target_id) "
        f"SELECT o.object_key, l.rel, l.target_id {keyed}"
    )
    op.create_index("ix_mirror_links_target", "mirror_links", ["target_id", "rel"])
    _replace_views(VIEWS)
    op.drop_table("mirror_links_old")
    op.drop_table("mirror_objects_old")
    _statistics(LINK_STATISTICS, OBJECT_STATISTICS)
    return orphans


def _downgrade_sqlite() -> None:
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
    op.execute(
        "INSERT INTO mirror_links (tenant_id, object_type, object_id, rel, target_id) "
        "SELECT o.tenant_id, o.object_type, o.object_id, l.rel, l.target_id "
        "FROM mirror_links_old l JOIN mirror_objects_old o ON o.object_key = l.object_key"
    )
    op.create_index(
        "ix_mirror_links_target", "mirror_links", ["tenant_id", "object_type", "rel", "target_id"]
    )
    _replace_views(VIEWS_0004)
    op.drop_table("mirror_links_old")
    op.drop_table("mirror_objects_old")
    _statistics(LINK_STATISTICS_0004, {})


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
    """Rename ``table`` to ``<table>_old`` and drop its indexes, whose names the new table
    takes (an index dropped by hand is no matter)."""
    for index in indexes:
        op.execute(f"DROP INDEX IF EXISTS {index}")
    op.rename_table(table, f"{table}_old")


@contextlib.contextmanager
def _renames() -> Iterator[None]:
    """SQLite: our views go first, and come back once the new tables are in place. A view
    of yours on our views would stop SQLite's check of every view when a table is renamed,
    so the renames skip it (``legacy_alter_table``: no view refers to the tables by then);
    the setting, which the mirror never uses and which outlives the transaction, is
    turned off again even if a rename fails."""
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    op.execute("PRAGMA legacy_alter_table = ON")
    try:
        yield
    finally:
        op.execute("PRAGMA legacy_alter_table = OFF")


def _online() -> sa.Connection | None:
    """The connection, when the migration runs on one (not when it writes SQL)."""
    return None if op.get_context().as_sql else op.get_bind()


def _count(query: str) -> int:
    connection = _online()
    return 0 if connection is None else int(connection.exec_driver_sql(query).scalar_one())


def _stop_for_views_on_links(then: str) -> None:
    """Stop before anything changes if something of yours reads ``mirror_links``, whose
    columns change: a view or rule, or (PostgreSQL) a trigger, policy or SQL function on
    it, or (SQLite) a trigger. SQLite would keep a view, answering other columns or none,
    and then refuse every later rename of a table; PostgreSQL could not drop a column it
    reads, and a trigger would fail on the next write. ``then``: what to do after the
    drop. Views of yours on the mirror's views, or on the objects, are no matter."""
    message = (
        "{} read(s) mirror_links, whose columns this mirror schema change alters (0004 "
        "names a link's object by tenant_id, object_type and object_id; 0005 by "
        f"object_key: join mirror_objects on it): drop it, {then}"
    )
    if _postgresql():
        _stop_if_found(_PG_USERS_OF_LINKS, message)
        return
    connection = _online()
    if connection is None:
        return
    found = set()
    rows = connection.exec_driver_sql(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('view', 'trigger')"
    )
    for kind, name, text in rows.all():
        ours = kind == "view" and name in VIEWS
        if not ours and _sqlite_names(text or "", "mirror_links"):
            found.add(f"{kind} {name}")
    if found:
        raise RuntimeError(message.format(", ".join(sorted(found))))


def _stop_for_keys(dropped: list[tuple[str, str]], change: str, then: str) -> None:
    """Stop before anything changes if something of yours rests on a key this revision
    replaces (the primary keys of the objects and links, and on the way down the objects'
    unique tenant, type and id) or on a column it drops (``dropped``: table, column):
    a foreign key to either table or on one of those columns, a view grouped by a key,
    or a view, rule, trigger, policy or function (SQLite: view or trigger) that reads
    such a column.
    PostgreSQL would refuse to drop a key with its own words, and drop a foreign key on a
    dropped column without a word. On SQLite, a foreign key to either table that would no
    longer match a unique key of it. ``change``: what changes, in words; ``then``: what to
    do after the drop."""
    message = (
        "{} rest(s) on a key or column of mirror_objects or mirror_links that this mirror "
        f"schema change replaces or drops ({change}): drop it, {then}"
    )
    if _postgresql():
        columns = ", ".join(f"('{table}', '{column}')" for table, column in dropped)
        _stop_if_found(_PG_ON_KEYS.format(views=_OUR_VIEWS, columns=columns), message)
        return
    connection = _online()
    if connection is None:
        return
    found = []
    tables = connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' "
        "AND name NOT IN ('mirror_objects', 'mirror_links')"
    ).scalars()
    for table in tables.all():
        keys: dict[int, list[tuple[str, str | None]]] = {}
        quoted = table.replace('"', '""')
        for row in connection.exec_driver_sql(f'PRAGMA foreign_key_list("{quoted}")'):
            keys.setdefault(row[0], []).append((row[2], row[4]))
        for references in keys.values():
            parent = references[0][0].lower()
            names = {str(column).lower() for _, column in references}
            if parent == "mirror_links" or (
                parent == "mirror_objects" and names != {"tenant_id", "object_type", "object_id"}
            ):
                found.append(f"a foreign key of table {table} to {parent}")
    if ("mirror_objects", "object_key") in dropped:
        # SQLite would keep a view or trigger that reads the objects' key, failing from then
        # on: one of yours whose text names both (a column of that name of another table
        # of yours is taken for it)
        rows = connection.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('view', 'trigger')"
        )
        for kind, name, text in rows.all():
            ours = kind == "view" and name in VIEWS
            if not ours and all(_sqlite_names(text or "", w) for w in _OBJECT_KEY_WORDS):
                found.append(f"{kind} {name}")
    if found:
        raise RuntimeError(message.format(", ".join(found)))


def _stop_if_found(query: str, message: str) -> None:
    """PostgreSQL: stop if ``query`` names anything, with ``message`` (``{}``: the names).
    Online the migration raises; the SQL written for a DBA carries the same check, which
    raises in the server when the script runs there."""
    connection = _online()
    if connection is not None:
        found = sorted(connection.exec_driver_sql(query).scalars())
        if found:
            raise RuntimeError(message.format(", ".join(found)))
        return
    before, after = (part.replace("'", "''") for part in message.split("{}"))
    op.execute(  # no % in it: the SQL written doubles each one
        "DO $$ DECLARE found text; BEGIN "
        f"SELECT string_agg(name, ', ' ORDER BY name) INTO found FROM ({query}) AS q(name); "
        "IF found IS NOT NULL THEN "
        f"RAISE EXCEPTION USING MESSAGE = '{before}' || found || '{after}'; END IF; END $$"
    )


#: PostgreSQL: foreign keys to the objects or links, or on a column of theirs that goes
#: (``{columns}``: table and column), but the copies a partition inherits; views and
#: rules that rest on a key of either (a view grouped by one); views, rules, triggers,
#: policies and SQL-standard functions that read a column that goes (on the way down, the
#: objects' ``object_key``). The mirror's own views aside.
_PG_ON_KEYS = """
    WITH tables AS (
        SELECT 'mirror_objects'::regclass AS oid UNION SELECT 'mirror_links'::regclass
    ),
    keys AS (
        SELECT k.oid, k.conindid FROM pg_constraint k
        WHERE k.conrelid IN (SELECT oid FROM tables) AND k.contype IN ('p', 'u')
    ),
    mine AS (
        SELECT c.oid FROM pg_class c
        WHERE c.relname IN ({views})
        AND c.relnamespace = (
            SELECT relnamespace FROM pg_class WHERE oid = 'mirror_links'::regclass
        )
    )
    SELECT 'foreign key ' || quote_ident(c.conname) || ' on ' || c.conrelid::regclass::text
        FROM pg_constraint c
        WHERE c.contype = 'f' AND c.conparentid = 0
        AND (c.confrelid IN (SELECT oid FROM tables)
            OR c.conrelid IN (SELECT oid FROM tables) AND EXISTS (
                SELECT FROM pg_attribute a WHERE a.attrelid = c.conrelid
                AND a.attnum = ANY (c.conkey)
                AND (a.attrelid::regclass::text, a.attname::text) IN ({columns})))
    UNION SELECT CASE WHEN r.rulename = '_RETURN' THEN 'view ' || r.ev_class::regclass::text
        ELSE 'rule ' || quote_ident(r.rulename) || ' on ' || r.ev_class::regclass::text END
        FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid, keys
        WHERE d.classid = 'pg_rewrite'::regclass
        AND (d.refclassid = 'pg_constraint'::regclass AND d.refobjid = keys.oid
            OR d.refclassid = 'pg_class'::regclass AND d.refobjid = keys.conindid)
        AND NOT (r.ev_class IN (SELECT oid FROM mine) AND r.rulename = '_RETURN')
    UNION SELECT name FROM (
        SELECT CASE d.classid
            WHEN 'pg_rewrite'::regclass THEN (
                SELECT CASE WHEN r.rulename = '_RETURN' THEN 'view ' || r.ev_class::regclass::text
                    ELSE 'rule ' || quote_ident(r.rulename) || ' on ' || r.ev_class::regclass::text
                    END
                FROM pg_rewrite r WHERE r.oid = d.objid
                AND NOT (r.ev_class IN (SELECT oid FROM mine) AND r.rulename = '_RETURN'))
            WHEN 'pg_trigger'::regclass THEN (
                SELECT 'trigger ' || quote_ident(t.tgname) || ' on ' || t.tgrelid::regclass::text
                FROM pg_trigger t WHERE t.oid = d.objid AND NOT t.tgisinternal)
            WHEN 'pg_policy'::regclass THEN (
                SELECT 'policy ' || quote_ident(p.polname) || ' on ' || p.polrelid::regclass::text
                FROM pg_policy p WHERE p.oid = d.objid)
            WHEN 'pg_proc'::regclass THEN 'function ' || d.objid::regprocedure::text
            END AS name
        FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0
        AND (a.attrelid::regclass::text, a.attname::text) IN ({columns})
    ) AS readers WHERE name IS NOT NULL
"""
_OUR_VIEWS = ", ".join(f"'{name}'" for name in VIEWS)


#: PostgreSQL: views and rules (through their rewrite rules), triggers, policies and
#: SQL-standard functions that depend on mirror_links, the mirror's own views aside.
_PG_USERS_OF_LINKS = f"""
    WITH links AS (SELECT 'mirror_links'::regclass AS oid),
    mine AS (
        SELECT c.oid FROM pg_class c, links
        WHERE c.relname IN ({_OUR_VIEWS})
        AND c.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = links.oid)
    )
    SELECT CASE WHEN r.rulename = '_RETURN' THEN 'view ' || v.oid::regclass::text
        ELSE 'rule ' || quote_ident(r.rulename) || ' on ' || v.oid::regclass::text END
        FROM pg_depend d
        JOIN pg_rewrite r ON r.oid = d.objid AND d.classid = 'pg_rewrite'::regclass
        JOIN pg_class v ON v.oid = r.ev_class, links
        WHERE d.refobjid = links.oid
        AND NOT (r.ev_class IN (SELECT oid FROM mine) AND r.rulename = '_RETURN')
    UNION SELECT 'trigger ' || quote_ident(t.tgname) FROM pg_trigger t, links
        WHERE t.tgrelid = links.oid AND NOT t.tgisinternal
    UNION SELECT 'policy ' || quote_ident(p.polname) FROM pg_policy p, links
        WHERE p.polrelid = links.oid
    UNION SELECT 'policy ' || quote_ident(p.polname) FROM pg_depend d
        JOIN pg_policy p ON p.oid = d.objid AND d.classid = 'pg_policy'::regclass, links
        WHERE d.refobjid = links.oid
    UNION SELECT 'function ' || d.objid::regprocedure::text FROM pg_depend d, links
        WHERE d.classid = 'pg_proc'::regclass AND d.refobjid = links.oid
"""
#: SQLite: the name as a word in the text outside quotes and comments, or as the whole of
#: a quoted name or string (SQLite takes a string where a name belongs, and a quote or
#: dashes inside a quoted name start neither a string nor a comment).
_SQLITE_TOKENS = re.compile(
    r'"((?:[^"]|"")*)"|\[([^\]]*)\]|`((?:[^`]|``)*)`|\'((?:[^\']|\'\')*)\''
    r"|--[^\n]*|/\*.*?(?:\*/|$)",
    re.DOTALL,
)
#: The words of a view or trigger that reads the objects' key, on SQLite.
_OBJECT_KEY_WORDS = ("mirror_objects", "object_key")


def _sqlite_names(text: str, name: str) -> bool:
    """Whether the SQL ``text`` of a view or trigger names ``name`` (a table or column)."""
    word = re.compile(rf"(?<![\w$]){re.escape(name)}(?![\w$])", re.IGNORECASE)
    position = 0
    for match in _SQLITE_TOKENS.finditer(text):
        if word.search(text, position, match.start()):
            return True
        quoted = next((group for group in match.groups() if group is not None), None)
        if quoted is not None and quoted.lower() == name:
            return True
        position = match.end()
    return word.search(text, position) is not None


def _statistics(links: dict[str, str], objects: dict[str, str]) -> None:
    """SQLite: write the statistics of the links' indexes from ``links``, and those of the
    objects' from ``objects`` where the index has none (see revision 0004). Measured ones
    of the unique index on (tenant, type, id) stay (SQLite keeps them by name, and the
    rebuilt index has the same columns); those of the objects' other indexes went with
    them, and an ANALYZE of yours measures them again."""
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
