"""A unit of work inside a handler: its state change commits at most once per update, even after a crash.

The dispatcher marks which inbox update is being handled (a context variable). Each `unit_of_work`
in that handler is numbered; its transaction also records the number on the inbox row. When the same
update is handled again after a crash, the steps already committed are rolled back instead of applied
twice, while the handler still runs to the end and sends its reply: at worst a reply goes out twice,
never zero times.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import Database
from bot.delivery import inbox

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class KnownSender:
    """The sender's stored language (None: none stored), read when the dispatcher took the update.

    It is read only while no other update of the same person is being handled or waiting, and their
    language changes only while one of their updates is handled, so it is still what is stored.
    """

    user_id: int
    language: str | None


@dataclass
class HandlingUpdate:
    update_id: int
    steps: int = 0
    sender: KnownSender | None = None


handling_update: ContextVar[HandlingUpdate | None] = ContextVar("handling_update", default=None)


class _AlreadyApplied(Exception):
    """Raised inside the transaction to roll back a step that was committed before a crash."""


@contextlib.asynccontextmanager
async def unit_of_work(db: Database) -> AsyncIterator[AsyncSession]:
    current = handling_update.get()
    try:
        async with db.begin() as session:
            first_time = True
            if current is not None:
                current.steps += 1
                first_time = await inbox.begin_step(session, current.update_id, current.steps)
            yield session
            if not first_time:
                raise _AlreadyApplied
    except _AlreadyApplied:
        log.info(
            "update %s step %s was applied before a restart; not applying it again",
            current.update_id if current else "?",
            current.steps if current else "?",
        )
