"""Calling a client method whatever it returns: a value, a coroutine, or a pager to walk."""

from __future__ import annotations

from typing import Any

from kimono_interop import AsyncPager, SyncPager


def settle(result: Any) -> Any:
    """What a call of the sync client gives: its result, or every item if it is a pager.

    Lets one table of calls (``lambda kimono: kimono.clouds.get(ID)``) serve methods that
    return a value and methods that return a pager. The sync twin of :func:`asettle`
    (scripts/unasync.py turns one name into the other).
    """
    if isinstance(result, SyncPager):
        return list(result)
    return result


async def asettle(result: Any) -> Any:
    """What a call of the async client gives: its result awaited, or every item of a pager."""
    if isinstance(result, AsyncPager):
        return [item async for item in result]
    return await result
