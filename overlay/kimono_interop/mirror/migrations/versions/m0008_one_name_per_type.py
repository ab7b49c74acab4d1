"""One name per type of the roster: objects stored under a blueprint topic's name join
their type's.

Tasks name a type as the integration's blueprint does: ``Person`` or ``Student``,
``Org`` or ``School``, ``CourseSection``, with a ``schema:`` before it or not
(``RDM:Student``). The mirror kept each name it was given, so one person added as a
``Person`` and deleted as a ``Student`` was two objects, the first never deleted, and
the views (which read ``persons``, ``orgs`` and ``sections``) missed what came under
the other names. From this version on each name is read as the mirror's type
(``object_type_of``), and the rows stored under another are moved to it: objects
(where one object is stored under two names, the row written last stays, its links
with it: by sequence where both rows have one and they differ, else by when each was
written, and for two written in one chunk, by the change feed's order), task
records, parked tasks, the change feed and held sweeps' types. A person stored under
``Student`` or ``Staff`` whose data names no type gets that one, and it stays the
object's whichever row stays. The change feed gets one change for each
object moved, its state under its type's name, so that a reader past the feed's last
cursor learns of it.

The SQL written for a DBA cannot see which names a database holds: it moves those of
the roster's types with no ``schema:`` or the ``RDM:`` one, and leaves held sweeps'
lists of types; the online upgrade moves every name. The way down leaves the rows
where they are.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# The reading of the code that writes rows from now on, not a copy of it: a name that a
# later version reads as one of the roster's types is moved here too.
from kimono_interop.mirror._apply import _TYPE_NAMES, object_type_of, topic_person_type
from kimono_interop.mirror._schema import syncs

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

#: The other tables that name an object's type.
_NAMING = ("mirror_inbox", "mirror_parked", "mirror_changes")


def upgrade() -> None:
    if op.get_context().as_sql:
        # the names a DBA's database may hold of the roster's types, as far as SQL can
        # know them unseen: with no schema or RDM's (the mirror kept them lower case)
        names = {f"{prefix}{name}" for name in _TYPE_NAMES for prefix in ("", "rdm:")}
    else:
        connection = op.get_bind()
        names = set()
        for table in ("mirror_objects", *_NAMING):
            names.update(
                connection.exec_driver_sql(
                    f"SELECT DISTINCT object_type FROM {table} WHERE object_type IS NOT NULL"
                ).scalars()
            )
    for name in sorted(names):
        if name != object_type_of(name):
            _move(name, object_type_of(name))
    if not op.get_context().as_sql:
        _move_sweep_types(op.get_bind())


def downgrade() -> None:
    """Nothing to undo: the rows stay under their type's name."""


def _run(statement: str, **values: str) -> None:
    op.execute(sa.text(statement).bindparams(**values))


#: The cursor of the last change the feed holds of row ``{row}`` (-1: none kept).
_LAST_CHANGE = (
    '(SELECT COALESCE(MAX(c."cursor"), -1) FROM mirror_changes c '
    "WHERE c.tenant_id = {row}.tenant_id AND c.object_type = {row}.object_type "
    "AND c.object_id = {row}.object_id)"
)
#: Of one object stored under two names (``a`` under the old one, ``b`` under its
#: type's), whether ``a`` is the older write: by sequence where both have one and they
#: differ, else by when each was written (tasks without a sequence apply in delivery
#: order, and a snapshot writes none), and written in one chunk (one time), by the
#: feed's order; alike, the row under the type's name stays.
_A_IS_OLDER = (
    "((a.sequence IS NOT NULL AND b.sequence IS NOT NULL AND a.sequence < b.sequence) OR "
    "((a.sequence IS NULL OR b.sequence IS NULL OR a.sequence = b.sequence) AND "
    f"(a.updated_at < b.updated_at OR (a.updated_at = b.updated_at AND "
    f"{_LAST_CHANGE.format(row='a')} <= {_LAST_CHANGE.format(row='b')}))))"
)
#: An object's row under the other name of the two.
_TWIN = (
    "FROM mirror_objects t WHERE t.tenant_id = mirror_objects.tenant_id "
    "AND t.object_id = mirror_objects.object_id "
    "AND t.object_type = CASE WHEN mirror_objects.object_type = :name THEN :to ELSE :name END"
)


def _move(name: str, to: str) -> None:
    """The rows of type ``name`` moved to ``to``, and the feed told each object's state."""
    names = {"name": name, "to": to}
    person_type = topic_person_type(name)
    if person_type is not None:
        _run(
            "UPDATE mirror_objects SET person_type = :person_type "
            "WHERE object_type = :name AND person_type IS NULL AND data IS NOT NULL",
            person_type=person_type,
            name=name,
        )
    if to == "persons":  # a type either row knows is the object's, whichever row stays
        _run(
            f"UPDATE mirror_objects SET person_type = (SELECT t.person_type {_TWIN}) "
            "WHERE object_type IN (:name, :to) AND person_type IS NULL "
            f"AND EXISTS (SELECT 1 {_TWIN} AND t.person_type IS NOT NULL)",
            **names,
        )
    # The objects moved, to write each one's state in the change feed once it is moved.
    _run(
        "CREATE TEMP TABLE mirror_0008_moved AS "
        "SELECT tenant_id, object_id FROM mirror_objects WHERE object_type = :name",
        name=name,
    )
    # One object under both names: the row last written stays, the other goes with its
    # links (the older ones under ``name`` first; those left have the older row under ``to``).
    twin = (
        "SELECT {keep}.object_key FROM mirror_objects a JOIN mirror_objects b "
        "ON b.tenant_id = a.tenant_id AND b.object_id = a.object_id AND b.object_type = :to "
        "WHERE a.object_type = :name{older}"
    )
    for losers in (
        twin.format(keep="a", older=f" AND {_A_IS_OLDER}"),
        twin.format(keep="b", older=""),
    ):
        _run(f"DELETE FROM mirror_links WHERE object_key IN ({losers})", **names)
        _run(f"DELETE FROM mirror_objects WHERE object_key IN ({losers})", **names)
    for table in ("mirror_objects", *_NAMING):
        _run(f"UPDATE {table} SET object_type = :to WHERE object_type = :name", **names)
    # A reader of the feed past its last cursor learns each moved object's state under
    # its type's name (the feed's older rows now name it so too).
    _run(
        "INSERT INTO mirror_changes (tenant_id, object_type, object_id, op, sequence, "
        "generation, at) SELECT o.tenant_id, o.object_type, o.object_id, "
        "CASE WHEN o.deleted THEN 'delete' ELSE 'upsert' END, o.sequence, o.generation, "
        "CURRENT_TIMESTAMP FROM mirror_objects o JOIN mirror_0008_moved m "
        "ON m.tenant_id = o.tenant_id AND m.object_id = o.object_id "
        "WHERE o.object_type = :to ORDER BY o.tenant_id, o.object_id",
        to=to,
    )
    op.execute("DROP TABLE mirror_0008_moved")


def _move_sweep_types(connection: sa.Connection) -> None:
    """Each sync's list of the types it swept or would sweep, in this version's names
    (a held sweep approved after the upgrade sweeps the types its objects are under)."""
    for generation, listed in connection.execute(
        sa.select(syncs.c.generation, syncs.c.types).where(syncs.c.types.is_not(None))
    ).all():
        if not isinstance(listed, list) or not all(isinstance(t, str) for t in listed):
            continue
        moved = sorted({object_type_of(t) for t in listed})
        if moved != listed:
            connection.execute(
                sa.update(syncs).where(syncs.c.generation == generation).values(types=moved)
            )
