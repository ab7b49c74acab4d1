"""The synchronous client, written from ``_async/`` by scripts/unasync.py."""
