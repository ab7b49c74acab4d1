"""One name per type of the roster: objects stored under a blueprint topic's name join
their type's.

Tasks name a type as the integration's blueprint does: ``Person`` or ``Student``,
``Org`` or ``School``, ``CourseSection``, with a ``schema:`` before it or not
(``RDM:Student``). The mirror kept each name it was given, so one person added as a
``Person`` and deleted as a ``Student`` was two objects, the first never deleted, and
the views (which read ``persons``, ``orgs`` and ``sections``) missed what came under
the other names. From this version on each name is read as the mirror's type
(``object_type_of``), and the rows stored under another are moved to it: objects
(where one object is stored under two names, the one written by the newer event stays,
its links with it), task records, parked tasks, the change feed and held sweeps'
types. A person stored under ``Student`` or ``Staff`` whose data names no type gets
that one.

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


def _move(name: str, to: str) -> None:
    """The rows of type ``name`` moved to ``to``."""
    person_type = topic_person_type(name)
    if person_type is not None:
        _run(
            "UPDATE mirror_objects SET person_type = :person_type "
            "WHERE object_type = :name AND person_type IS NULL AND data IS NOT NULL",
            person_type=person_type,
            name=name,
        )
    # One object under both names: the row the newer event wrote stays (the one already
    # under ``to`` when they are alike), the other goes with its links.
    twin = (
        "SELECT {keep}.object_key FROM mirror_objects a JOIN mirror_objects b "
        "ON b.tenant_id = a.tenant_id AND b.object_id = a.object_id AND b.object_type = :to "
        "WHERE a.object_type = :name "
        "AND COALESCE(a.sequence, -1) {compare} COALESCE(b.sequence, -1)"
    )
    for keep, compare in (("a", "<="), ("b", ">")):
        losers = twin.format(keep=keep, compare=compare)
        _run(f"DELETE FROM mirror_links WHERE object_key IN ({losers})", name=name, to=to)
        _run(f"DELETE FROM mirror_objects WHERE object_key IN ({losers})", name=name, to=to)
    for table in ("mirror_objects", *_NAMING):
        _run(f"UPDATE {table} SET object_type = :to WHERE object_type = :name", name=name, to=to)


def _move_sweep_types(connection: sa.Connection) -> None:
    """Each sync's list of the types it swept or would sweep, in this version's names
    (a held sweep approved after the upgrade sweeps the types its objects are under)."""
    for generation, listed in connection.execute(
        sa.select(syncs.c.generation, syncs.c.types).where(syncs.c.types.is_not(None))
    ).all():
        if not isinstance(listed, list):
            continue
        moved = sorted({object_type_of(t) if isinstance(t, str) else t for t in listed})
        if moved != listed:
            connection.execute(
                sa.update(syncs).where(syncs.c.generation == generation).values(types=moved)
            )
