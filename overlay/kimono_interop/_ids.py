"""The SDK's one id type: a plain ``str``, a UUID always in its canonical spelling.

Every id the SDK hands out (model fields, task views, references, stats) is a ``str``,
as stripe and openai hand theirs out. Where the contract says uuid, the generated models
parse the value into the canonical form (lowercase, hyphenated: ``types.parse_id``) and
refuse anything that is not a UUID. Where the service's ids are not always UUIDs (a
task's ``object_id``, ``tenant_id``), a UUID in any spelling is made canonical and any
other string is kept as sent. So ``task.object_id == person.sys.id`` and both work as the
same dict key, whoever wrote the id in which case. A task's own id is the exception: it
is kept exactly as the service sent it, since its acknowledgement must name it so.
"""

from __future__ import annotations

from kimono_interop_data_api.types import parse_id

__all__ = ["canonical_id"]


def canonical_id(value: str) -> str:
    """``value`` in the canonical UUID form if it is a UUID in any spelling; else as it is."""
    try:
        return parse_id(value)
    except ValueError:
        return value
