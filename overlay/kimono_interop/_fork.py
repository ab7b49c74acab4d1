"""What a process forked from one that used a client must not inherit: sockets and held locks.

After ``os.fork()`` the child holds copies of the parent's pooled connections; if both
processes use them, each reads answers meant for the other (one asks for person A
and gets B). The child must get its own connections, and any lock another thread of
the parent held at the fork would stay held forever in the child. This module counts
forks in the current process (:func:`generation`) and resets registered objects in
the child right after a fork; the transports compare generations on each request.
"""

from __future__ import annotations

import os
import weakref
from typing import Protocol


class _ForkAware(Protocol):
    def _after_fork(self) -> None: ...


_generation = 0
_registered: weakref.WeakSet[_ForkAware] = weakref.WeakSet()


def generation() -> int:
    """How many times this process's ancestors forked to make it (0 in the first one)."""
    return _generation


def reset_after_fork(obj: _ForkAware) -> None:
    """Call ``obj._after_fork()`` in the child of every later fork (held weakly)."""
    _registered.add(obj)


def _in_child() -> None:
    global _generation
    _generation += 1
    for obj in list(_registered):
        obj._after_fork()


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_in_child)
