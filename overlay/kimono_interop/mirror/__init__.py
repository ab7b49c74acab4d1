"""The roster mirror: a durable, exactly-once local copy of each district's roster.

Install with ``pip install 'kimono-interop[mirror]'`` (SQLAlchemy, Alembic and psycopg 3).

    from kimono_interop import KimonoClient
    from kimono_interop.mirror import Mirror

    with KimonoClient() as kimono, Mirror.open("district.db") as mirror:
        mirror.run(kimono, stop_when_empty=True)

Objects are stored generically (tenant, type, id, the object as JSON, the sequence of the
event that last wrote it, the full sync that last saw it, a tombstone flag). Each chunk
of tasks is applied in one transaction with each task's outcome; acks go out after the
commit, and a redelivered task is acked with its recorded outcome, never applied twice.
docs/mirror.md states the model, the guarantees and their limits.
"""

from ._apply import UPSERTS, OnChange, OnOther, object_type_of
from ._mirror import COLLECTIONS, Mirror, OnCommit
from ._model import (
    Change,
    Difference,
    MirrorStats,
    NoMirror,
    ParkedTask,
    Result,
    SchemaNotRecorded,
    SchemaTooNew,
    StoredObject,
    Sync,
    TaskOutcome,
    VerifyReport,
)
from ._store import database_url, head, migration_sql

__all__ = [
    "COLLECTIONS",
    "UPSERTS",
    "Change",
    "Difference",
    "Mirror",
    "MirrorStats",
    "NoMirror",
    "OnChange",
    "OnCommit",
    "OnOther",
    "ParkedTask",
    "Result",
    "SchemaNotRecorded",
    "SchemaTooNew",
    "StoredObject",
    "Sync",
    "TaskOutcome",
    "VerifyReport",
    "database_url",
    "head",
    "migration_sql",
    "object_type_of",
]
