"""What every handler gets: typed dependencies, the person's language, and a unit of work."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.ext import CallbackContext, ExtBot

from bot.clock import Clock
from bot.config import Settings
from bot.db.database import Database
from bot.delivery import outbox
from bot.delivery.work import unit_of_work
from bot.i18n import Translator, translator


@dataclass(frozen=True)
class Dependencies:
    settings: Settings
    db: Database
    clock: Clock
    wake_sender: Callable[[], None]


class BotState:
    """The application's bot_data: filled once by the runtime, before the first update."""

    def __init__(self) -> None:
        self._deps: Dependencies | None = None

    def attach(self, deps: Dependencies) -> None:
        self._deps = deps

    @property
    def deps(self) -> Dependencies:
        if self._deps is None:
            raise RuntimeError("the runtime did not attach its dependencies")
        return self._deps


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotState]):
    # Set by the first handler group from the member's choice or Telegram's language_code.
    language: str | None = None

    @property
    def deps(self) -> Dependencies:
        return self.bot_data.deps

    @property
    def db(self) -> Database:
        return self.deps.db

    @property
    def t(self) -> Translator:
        return translator(self.language or self.deps.settings.default_language)

    def unit_of_work(self) -> contextlib.AbstractAsyncContextManager[AsyncSession]:
        """One transaction whose state change is applied once per update, even if the update is replayed.

        A message to someone else is added to the outbox inside it; the sender is woken when it commits.
        """
        return _waking_sender(self.deps)


@contextlib.asynccontextmanager
async def _waking_sender(deps: Dependencies) -> AsyncIterator[AsyncSession]:
    async with unit_of_work(deps.db) as session:
        yield session
        queued = outbox.queued_in(session)
    if queued:  # after the commit, so that the sender finds the new rows
        deps.wake_sender()
