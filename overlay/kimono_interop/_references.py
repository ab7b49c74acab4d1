"""Reading references (``$parent``, ``$schools``, ``$course`` ...) in either of their forms.

Since 2020 the vendor's models nest a reference's fields under ``$sys``
(``{"$sys": {"id": ..., "type": ..., "label": ...}}``); the 2019 documents, and
``Person.$sections`` even in kimono-api-java 2.0.3, give them flat (``{"id": ...}``).
The generated models read both (``ref.sys.id`` and ``ref.id``); :func:`ref_id`
answers the question a driver actually has, whichever form arrived.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kimono_interop_data_api.types import Unset

from ._ids import canonical_id

__all__ = ["ref_id"]


def ref_id(ref: Any) -> str | None:
    """The id of the object a reference names, nested or flat; None if it names none.

    ``ref`` is a generated reference model (``OrgRefType``, ``MembershipRefType``...)
    or its dict. The nested ``$sys.id`` wins when both forms are present. The id is the
    SDK's one id type (``_ids``): a UUID in its canonical spelling.
    """
    if isinstance(ref, Mapping):
        sys = ref.get("$sys")
        value = sys.get("id") if isinstance(sys, Mapping) else None
        if value is None:
            value = ref.get("id")
    else:
        sys = getattr(ref, "sys", None)
        value = getattr(sys, "id", None) if sys is not None and not isinstance(sys, Unset) else None
        if value is None or isinstance(value, Unset):
            value = getattr(ref, "id", None)
    if value is None or isinstance(value, Unset):
        return None
    return canonical_id(str(value))
