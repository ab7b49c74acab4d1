"""The paths the reliability suite matches, faults and serves: from the SDK's own tables.

Nothing here restates the service: the base paths and the token path come from
``kimono_interop._constants``, operation paths from ``OPERATIONS`` (through
``scripts/service.py``). Only :data:`CONTROL` is the suite's own: the prefix of the
paths through which the load scenario's client steers the server.
"""

from __future__ import annotations

from kimono_interop._constants import DATA_API_PATH, INTEROP_API_PATH, TASK_BATCH, TOKEN_PATH
from scripts.service import path_of, pattern_of

__all__ = [
    "ACK_PATHS",
    "CONTROL",
    "DATA_API_PATH",
    "INTEROP_API_PATH",
    "TASKS_PATH",
    "TASK_BATCH",
    "TOKEN_PATH",
]

#: ``GET`` here hands out a batch of tasks.
TASKS_PATH = path_of("listTasks")
#: The two ways to acknowledge tasks (``PUT /tasks/ack``, ``PUT /tasks/{id}/ack``), a regex.
ACK_PATHS = pattern_of("acknowledgeTasks", "acknowledgeTask")
#: Requests below this prefix go to the middleware's control callback, not the sandbox.
CONTROL = "/_reliability"
