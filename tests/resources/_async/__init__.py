"""The resource tests, written once for AsyncKimonoClient; ``_sync/`` holds their twins.

One module per resource (``test_clouds.py``, ``test_rollovers.py``, ...) for what its
calls send and parse; one table each, across every resource, for what all calls share:
``test_bodies.py`` (bad bodies refused unsent), ``test_ids.py`` (bad ids refused unsent),
``test_errors.py`` (error statuses as exceptions), ``test_deletes.py`` and ``test_counts.py``.
"""
