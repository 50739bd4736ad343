"""The update queue behind getUpdates, with Telegram's offset, limit, long-poll and conflict semantics."""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Callable, Iterable
from typing import Any

from tests.fakes.api_errors import conflict

# With no allowed_updates (or an empty list) Telegram sends every type except these.
NOT_SENT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class _Wake(enum.Enum):
    UPDATE = "update"
    SUPERSEDED = "superseded"
    CLOSED = "closed"


_CONFLICT = "terminated by other getUpdates request; make sure that only one bot instance is running"


def update_type(update: dict[str, Any]) -> str:
    for key in update:
        if key != "update_id":
            return key
    return ""


class UpdateQueue:
    def __init__(self, on_change: Callable[[], None]) -> None:
        self._on_change = on_change
        self.pending: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._allowed: frozenset[str] | None = None  # None: Telegram's default set
        self._held_poll: asyncio.Future[_Wake] | None = None
        self._latest_poll = 0
        self._closed = False

    def push(self, update_without_id: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self._next_update_id, **update_without_id}
        self._next_update_id += 1
        self.pending.append(update)
        self._wake(_Wake.UPDATE)
        self._on_change()
        return update

    def drop_pending(self) -> None:
        """deleteWebhook/setWebhook with drop_pending_updates=True."""
        self.pending.clear()
        self._on_change()

    def open(self) -> None:
        self._closed = False

    def close(self) -> None:
        """Server shutdown: a held long poll answers at once instead of holding up the shutdown."""
        self._closed = True
        self._wake(_Wake.CLOSED)

    def begin_poll(self) -> int:
        """Call as a getUpdates request arrives; returns its ticket for get_updates().

        Only one bot instance may poll: the newcomer wins and an earlier request still in progress answers
        409. Tickets are handed out on arrival so that "earlier" means earlier on the wire.
        """
        self._latest_poll += 1
        self._wake(_Wake.SUPERSEDED)
        return self._latest_poll

    async def get_updates(
        self,
        ticket: int,
        *,
        offset: int | None,
        limit: int,
        poll_seconds: float,
        allowed_updates: Iterable[str] | None,
    ) -> list[dict[str, Any]]:
        if ticket != self._latest_poll:
            raise conflict(_CONFLICT)
        if allowed_updates is not None:
            # "If not specified, the previous setting will be used."
            self._allowed = frozenset(allowed_updates) or None
        if offset:
            self._confirm(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + poll_seconds
        while True:
            batch = self._take(limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._closed:
                return batch
            wake = await self._hold(loop, remaining)
            if ticket != self._latest_poll:
                raise conflict(_CONFLICT)
            if wake is _Wake.CLOSED or wake is None:
                return []

    async def _hold(self, loop: asyncio.AbstractEventLoop, seconds: float) -> _Wake | None:
        poll: asyncio.Future[_Wake] = loop.create_future()
        self._held_poll = poll
        try:
            async with asyncio.timeout(seconds):
                return await poll
        except TimeoutError:
            return None
        finally:
            if self._held_poll is poll:
                self._held_poll = None

    def _wake(self, reason: _Wake) -> None:
        poll = self._held_poll
        if poll is not None and not poll.done():
            poll.set_result(reason)

    def _confirm(self, offset: int) -> None:
        before = len(self.pending)
        if offset > 0:
            # Pending ids only grow, so the confirmed ones are a prefix.
            confirmed = 0
            while confirmed < before and self.pending[confirmed]["update_id"] < offset:
                confirmed += 1
            del self.pending[:confirmed]
        else:
            # A negative offset keeps only the last -offset updates and forgets the rest.
            del self.pending[: max(0, before + offset)]
        if len(self.pending) != before:
            self._on_change()

    def _take(self, limit: int) -> list[dict[str, Any]]:
        allowed = self._allowed
        if any(not _is_allowed(update, allowed) for update in self.pending):
            # Telegram does not keep updates of types the bot did not ask for: they are never delivered.
            self.pending = [update for update in self.pending if _is_allowed(update, allowed)]
            self._on_change()
        return self.pending[:limit]


def _is_allowed(update: dict[str, Any], allowed: frozenset[str] | None) -> bool:
    kind = update_type(update)
    return kind not in NOT_SENT_BY_DEFAULT if allowed is None else kind in allowed
