"""Hands stored updates to the handlers: each once, one chat's updates in order, chats side by side."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import Application

from bot.clock import Clock
from bot.db.database import Database
from bot.delivery import inbox
from bot.delivery.batching import Coalescer
from bot.delivery.buttons import ButtonSeal
from bot.delivery.inbox import PendingUpdate
from bot.delivery.signals import DeliverySignals, kind_of
from bot.delivery.work import HandlingUpdate, KnownSender, handling_update

log = logging.getLogger(__name__)

# The stored language of each of these Telegram users who has one (services.members.languages_of).
LanguageLookup = Callable[[AsyncSession, Collection[int]], Awaitable[Mapping[int, str]]]

# Chats handled at once. Each may hold a database connection; Runtime sizes the pool for it.
CHATS_AT_ONCE = 32
# Updates taken from the inbox and not yet handled, at most. A burst from a few chats would otherwise be
# taken whole into memory, and the ids left out of the next take (one query parameter each) would pass
# PostgreSQL's limit of 32,767 parameters, after which nothing more is taken, from any chat.
MAX_TAKEN = 2_000
# Update ids remembered as handled, for `handled()`: far more than are ever in flight at once.
_REMEMBERED_HANDLED = 10_000
# Seconds a stopping dispatcher lets the handlers that are running finish (see stop()).
STOP_GRACE_SECONDS = 5.0


class Dispatcher:
    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        db: Database,
        clock: Clock,
        *,
        buttons: ButtonSeal,
        concurrency: int = CHATS_AT_ONCE,
        batch: int = 200,
        max_attempts: int = 5,
        idle_poll: float = 1.0,
        max_taken: int | None = None,
        languages: LanguageLookup | None = None,
        signals: DeliverySignals | None = None,
    ) -> None:
        self._application = application
        self._signals = signals or DeliverySignals()
        self._db = db
        self._clock = clock
        self._buttons = buttons
        self._batch = batch
        self._max_attempts = max_attempts
        self._idle_poll = idle_poll
        self._max_taken = MAX_TAKEN if max_taken is None else max_taken
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(concurrency)
        self._chats: dict[object, deque[PendingUpdate]] = {}
        self._taken: set[int] = set()  # handed to a chat worker; not yet recorded as done
        self._languages = languages
        self._senders_busy: Counter[int] = Counter()  # people with an update taken and not yet handled
        self._workers: set[asyncio.Task[None]] = set()
        self._done: Coalescer[int] = Coalescer(self._write_done, self._forget)
        self._handled: dict[int, None] = {}  # the latest handled update ids, oldest first
        self._handled_waiters: dict[int, list[asyncio.Future[None]]] = {}
        self._stopping = False
        self._not_started: list[int] = []  # taken, then left when stopping: given back to the inbox

    def wake(self) -> None:
        self._wake.set()

    async def handled(self, update_id: int) -> None:
        """Until the update with this id has been handled by this dispatcher (its handlers have returned).

        For whoever must know that every answer to an update has been given: the conversation tests.
        """
        if update_id in self._handled:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._handled_waiters.setdefault(update_id, []).append(waiter)
        await waiter

    async def run(self) -> None:
        writer = asyncio.create_task(self._done.run(), name="inbox-done")
        try:
            while True:
                self._signals.progressed("dispatcher")
                try:
                    taken = await self._take()
                except Exception:
                    log.exception("could not read the inbox; trying again in a second")
                    await asyncio.sleep(1)
                    continue
                if not taken:
                    # Not wait_for: on Python 3.11 it can swallow a cancellation that arrives together with
                    # the wake-up, and then stop() waits for this loop forever. timeout() cannot.
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(self._idle_poll):
                            await self._wake.wait()
                    self._wake.clear()
        finally:
            writer.cancel()
            await asyncio.gather(writer, return_exceptions=True)

    async def stop(self, *, grace: float = STOP_GRACE_SECONDS) -> None:
        """Let the handlers that are running finish their update, and record them as done.

        Call it after cancelling run(). No worker starts another update. A handler still running after
        `grace` seconds is cancelled: its transaction rolls back and its update stays pending, as do the
        updates that were waiting behind it in its chat; they are handled at the next start (or by the
        instance that takes over), and the ones that never started do not count as an attempt.
        """
        self._stopping = True
        workers = list(self._workers)
        if workers:
            _finished, late = await asyncio.wait(workers, timeout=grace)
            for worker in late:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        await self._done.drain()
        if self._not_started:
            with contextlib.suppress(Exception):  # at worst they count one attempt too many
                async with self._db.begin() as session:
                    await inbox.give_back(session, self._not_started)
            self._not_started = []

    async def _take(self) -> int:
        room = self._max_taken - len(self._taken)
        if room <= 0:
            return 0  # the workers first; a finished chat wakes us
        async with self._db.begin() as session:
            ready, given_up = await inbox.take_pending(
                session,
                exclude=self._taken,
                limit=min(self._batch, room),
                max_attempts=self._max_attempts,
                now=self._clock.now(),
            )
            senders = await self._read_senders(session, ready)
        for update_id in given_up:
            log.error(
                "update %s stopped the bot %d times; set aside as failed", update_id, self._max_attempts
            )
        for index, pending in enumerate(ready):
            self._taken.add(pending.update_id)
            key: object = pending.chat_id if pending.chat_id is not None else ("update", pending.update_id)
            queue = self._chats.get(key)
            if queue is not None:
                queue.append(pending)  # that chat's worker takes it after the ones before it
                continue
            self._chats[key] = deque([pending])
            try:
                await self._slots.acquire()
            except asyncio.CancelledError:  # stopping while every slot is busy: these never start
                self._not_started.extend(p.update_id for p in ready[index:])
                raise
            worker = asyncio.create_task(self._work_through(key, senders))
            self._workers.add(worker)
            worker.add_done_callback(self._workers.discard)
        return len(ready)

    async def _read_senders(
        self, session: AsyncSession, ready: list[PendingUpdate]
    ) -> dict[int, KnownSender]:
        """The language of each sender with no other update in flight, read along with taking the batch.

        This saves the handlers a transaction per update. Someone with an earlier update still being
        handled (in this batch or before) is left out: that update may change their language, and the
        handler reads it itself when its turn comes.
        """
        first_of_sender: dict[int, int] = {}  # sender -> the one update of theirs that may use the read
        for pending in ready:
            sender = inbox.sender_of(pending.payload)
            if sender is None:
                continue
            if self._senders_busy[sender] == 0 and sender not in first_of_sender:
                first_of_sender[sender] = pending.update_id
            self._senders_busy[sender] += 1
        if self._languages is None or not first_of_sender:
            return {}
        languages = await self._languages(session, list(first_of_sender))
        return {
            update_id: KnownSender(sender, languages.get(sender))
            for sender, update_id in first_of_sender.items()
        }

    async def _work_through(self, key: object, senders: dict[int, KnownSender]) -> None:
        queue = self._chats[key]
        current: PendingUpdate | None = None
        try:
            while queue and not self._stopping:
                current = pending = queue[0]
                try:
                    await self._handle(pending, senders.get(pending.update_id))
                except Exception:
                    # Handler errors never get here (the error handler has them). This is an update we
                    # cannot even read: trying again would fail the same way.
                    log.exception("update %s could not be handled; skipping it", pending.update_id)
                queue.popleft()
                current = None
                self._finished(pending)
        finally:
            self._not_started.extend(p.update_id for p in queue if p is not current)
            self._chats.pop(key, None)
            self._slots.release()
            self._wake.set()

    def _finished(self, pending: PendingUpdate) -> None:
        sender = inbox.sender_of(pending.payload)
        if sender is not None:
            self._senders_busy[sender] -= 1
            if self._senders_busy[sender] <= 0:
                del self._senders_busy[sender]
        self._done.add(pending.update_id)
        self._handled[pending.update_id] = None
        if len(self._handled) > _REMEMBERED_HANDLED:
            del self._handled[next(iter(self._handled))]
        for waiter in self._handled_waiters.pop(pending.update_id, ()):
            if not waiter.done():
                waiter.set_result(None)

    async def _handle(self, pending: PendingUpdate, sender: KnownSender | None) -> None:
        payload, ours = self._buttons.opened_update(pending.payload)
        if not ours:
            log.info("update %s: a tap on a button this bot did not make for that chat", pending.update_id)
        update = Update.de_json(payload, self._application.bot)
        marker = handling_update.set(HandlingUpdate(pending.update_id, sender=sender))
        started = self._clock.monotonic()
        try:
            # Handler errors are caught inside process_update and reach our error handler.
            await self._application.process_update(update)
        finally:
            handling_update.reset(marker)
        self._signals.update_handled(kind_of(pending.payload), self._clock.monotonic() - started)

    async def _write_done(self, update_ids: list[int]) -> None:
        async with self._db.begin() as session:
            await inbox.mark_done(session, update_ids, self._clock.now())

    def _forget(self, update_ids: list[int]) -> None:
        was_full = len(self._taken) >= self._max_taken
        self._taken.difference_update(update_ids)
        if was_full:
            self._wake.set()  # there is room to take more
