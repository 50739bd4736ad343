"""Waiting for what nothing announces: a condition checked again and again until it holds, or the test fails.

For the fake Bot API's own requests, `FakeTelegram.wait_for` wakes on every request instead; this is for
the rest (a row in the database, a loop of the runtime that went round).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable

PAUSE = 0.02  # seconds between two looks: short next to a handler's work, long enough not to hog the loop


async def eventually(condition: Callable[[], bool | Awaitable[bool]], *, within: float = 20.0) -> None:
    """Until `condition()` holds (a plain or an async function), for at most `within` seconds of real time.

    Real time, not the bot's clock: the bot works meanwhile, and a FakeClock only moves when told.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await _holds(condition):
        if loop.time() >= deadline:
            raise AssertionError(f"not so within {within} s: {_source(condition)}")
        await asyncio.sleep(PAUSE)


async def _holds(condition: Callable[[], bool | Awaitable[bool]]) -> bool:
    result = condition()
    return bool(await result) if inspect.isawaitable(result) else bool(result)


def _source(condition: Callable[[], object]) -> str:
    try:
        return inspect.getsource(condition).strip()
    except (OSError, TypeError):
        return repr(condition)
