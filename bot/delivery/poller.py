"""Long polling that stores every update before Telegram is told we have it.

Telegram forgets an update once getUpdates is called with a higher offset. We only ask with a higher
offset after the updates are committed to the inbox, so a crash at any moment loses nothing: at worst
Telegram sends an update again and the inbox keeps it once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.clock import Clock
from bot.db.database import Database
from bot.delivery import chats, inbox
from bot.delivery.bot_api import DeliveryBot
from bot.delivery.signals import DeliverySignals

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]


class Poller:
    def __init__(
        self,
        bot: DeliveryBot,
        db: Database,
        clock: Clock,
        *,
        on_stored: Callable[[], None],
        timeout: int = 30,
        signals: DeliverySignals | None = None,
    ) -> None:
        self._bot = bot
        self._signals = signals or DeliverySignals()
        self._db = db
        self._clock = clock
        self._on_stored = on_stored
        self._timeout = timeout
        self._offset: int | None = None

    async def run(self) -> None:
        async with self._db.begin() as session:
            self._offset = await inbox.next_offset(session)
        # A webhook left from another setup makes getUpdates fail; pending updates are kept.
        try:
            await self._bot.delete_webhook(drop_pending_updates=False)
        except InvalidToken:
            raise
        except TelegramError as exc:
            log.warning("could not remove a webhook (%s); polling anyway", type(exc).__name__)
        failures = 0
        while True:
            self._signals.progressed("poller")
            try:
                updates = await self._fetch()
            except InvalidToken:
                raise  # nothing will work; let the runtime stop with a clear message
            except RetryAfter as exc:
                await asyncio.sleep(_seconds(exc.retry_after))
                continue
            except Conflict:
                log.warning("another process is polling with this token; waiting before trying again")
                await asyncio.sleep(5)
                continue
            except (NetworkError, TelegramError) as exc:
                failures += 1
                delay = min(2.0**failures, 60.0)
                log.warning("getUpdates failed (%s); trying again in %.0f s", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            if updates:
                await self._store_until_it_works(updates)

    async def _fetch(self) -> list[dict[str, Any]]:
        return await self._bot.raw_updates(
            offset=self._offset,
            limit=100,
            long_poll_seconds=self._timeout,
            allowed_updates=ALLOWED_UPDATES,
            # Telegram may hold the request for `timeout` seconds before it answers.
            read_timeout=2 * self._timeout + 10,
        )

    async def _store_until_it_works(self, updates: list[dict[str, Any]]) -> None:
        """Without storing them we must not ask for more: that would confirm them to Telegram."""
        while True:
            try:
                await self._store(updates)
                return
            except Exception:
                log.exception("could not store %d updates; trying again in a second", len(updates))
                await asyncio.sleep(1)

    async def _store(self, updates: list[dict[str, Any]]) -> None:
        private_chats = {chat for chat in map(inbox.chat_of, updates) if chat is not None and chat > 0}
        async with self._db.begin() as session:
            await inbox.store(session, updates, self._clock.now())
            # Someone who blocked us and now writes again can be reached again.
            await chats.mark_reachable(session, private_chats)
        self._offset = max(int(u["update_id"]) for u in updates) + 1
        self._signals.updates_taken(updates, via="polling")
        self._on_stored()


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
