"""Where the service's endpoints are, for the scripts: read from the SDK, never restated.

The SDK defines the fixed facts of the service once (``kimono_interop._constants``: the
base paths, the token path, page and batch sizes) and every operation's method and path
(``kimono_interop._operations.OPERATIONS``, generated from spec/). The benchmark
servers, the reliability suite and the drift checks take paths from here, so that a
path changed in the spec changes what they serve and match.
"""

from __future__ import annotations

import re

from kimono_interop._constants import API_PATHS
from kimono_interop._operations import OPERATIONS

#: A ``{name}`` placeholder of a path template.
_PLACEHOLDER = re.compile(r"\{[^/{}]+\}")


def path_of(operation_id: str, **values: str) -> str:
    """The path of an operation below the origin, its placeholders filled from ``values``.

    ``path_of("findPerson", id=pid)`` -> ``/v2/interop/data/rostering/persons/<pid>``.
    """
    operation = OPERATIONS[operation_id]
    return API_PATHS[operation.api] + operation.path.format(**values)


def pattern_of(*operation_ids: str) -> str:
    """A regular expression that fully matches the paths of these operations (any ids)."""
    alternatives = []
    for operation_id in operation_ids:
        operation = OPERATIONS[operation_id]
        pieces = _PLACEHOLDER.split(API_PATHS[operation.api] + operation.path)
        alternatives.append("[^/]+".join(re.escape(piece) for piece in pieces))
    return f"(?:{'|'.join(alternatives)})"
