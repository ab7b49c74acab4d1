"""The async implementation: the source of truth for the client and its resources.

Every module here is written once, for asyncio; ``scripts/unasync.py`` writes the
synchronous twin of each into ``kimono_interop/_sync/`` (``make generate``), and
``make check-generated`` fails when the two have drifted apart. Edit the files
here, never the ones in ``_sync/``.
"""
