"""The types of the fixtures of ``tests/conftest.py``, for the tests' annotations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: The ``serve`` fixture: serves an ASGI app on a free loopback port, returns its origin.
Serve = Callable[[Any], str]
