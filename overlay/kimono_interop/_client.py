"""The two clients: :class:`KimonoClient` (sync) and :class:`AsyncKimonoClient`.

Both are defined in ``_async/_client.py``; the sync one is written from it by
``scripts/unasync.py`` into ``_sync/_client.py``.
"""

from ._async._client import AsyncKimonoClient
from ._sync._client import KimonoClient

__all__ = ["AsyncKimonoClient", "KimonoClient"]
