"""The sync twins of the tests of ``_async/``, written by scripts/unasync.py."""
