"""The sender: takes due messages from the outbox and delivers them within Telegram's limits."""

from __future__ import annotations

import asyncio
import logging
import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.clock import Clock
from bot.db.database import Database
from bot.delivery import outbox
from bot.delivery.batching import Coalescer
from bot.delivery.bot_api import DeliveryBot
from bot.delivery.limits import RateLimits
from bot.delivery.outbox import Outgoing
from bot.delivery.signals import DeliverySignals

log = logging.getLogger(__name__)

# Seconds a stopping sender waits for the answers to messages already on their way (see stop()).
STOP_GRACE_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class Result:
    """What happened to one message; written to the outbox by the results writer."""

    message: Outgoing
    kind: str  # sent | retry | failed | unreachable | migrated
    error: str = ""
    sent_message_id: int | None = None
    retry_in: float = 0.0
    counts_as_attempt: bool = True
    new_chat_id: int | None = None


@dataclass(frozen=True)
class SenderSettings:
    max_attempts: int = 10  # network errors and 5xx; about half an hour of trying with the backoff below
    backoff_base: float = 2.0
    backoff_cap: float = 600.0
    in_flight: int = 16
    batch: int = 200
    idle_poll: float = 1.0  # wall-clock seconds between looks at the outbox when nobody wakes us


class Sender:
    def __init__(
        self,
        bot: DeliveryBot,
        db: Database,
        clock: Clock,
        *,
        limits: RateLimits | None = None,
        settings: SenderSettings | None = None,
        signals: DeliverySignals | None = None,
    ) -> None:
        self._bot = bot
        self._signals = signals or DeliverySignals()
        self._db = db
        self._clock = clock
        self.limits = limits or RateLimits()
        self._settings = settings or SenderSettings()
        self._wake = asyncio.Event()
        self._answered = asyncio.Event()  # a chat may have become free (its message was answered)
        self._queue: list[Outgoing] = []
        self._more_due = False  # the last look at the outbox filled a whole batch: there may be more
        self._sent_since_refill = False
        self._on_wire: set[int] = set()  # handed to Telegram, result not yet written
        # Chats that blocked us or moved, until that is written to the outbox: send them nothing meanwhile.
        self._held_chats: set[int] = set()
        # Held chats whose rows are now stopped (or moved) in the database: let go at the next refill,
        # whose read begins after that was written. Letting go at once would let a refill whose read
        # began before it put the chat's rows back in the queue (a blocked chat tried twice).
        self._settled_chats: set[int] = set()
        self._slots = asyncio.Semaphore(self._settings.in_flight)
        self._tasks: set[asyncio.Task[None]] = set()
        self._results: Coalescer[Result] = Coalescer(self._write_results, self._forget)

    def wake(self) -> None:
        """Something new is in the outbox (called after the transaction that added it)."""
        self._wake.set()

    async def run(self) -> None:
        writer = asyncio.create_task(self._results.run(), name="outbox-results")
        try:
            while True:
                self._signals.progressed("sender")
                try:
                    await self._send_next()
                except Exception:
                    # Typically the database is briefly away. Nothing is lost: the rows stay pending.
                    log.exception("the sender stumbled; trying again in a second")
                    await asyncio.sleep(1)
        finally:
            writer.cancel()
            await asyncio.gather(writer, return_exceptions=True)

    async def stop(self, *, grace: float = STOP_GRACE_SECONDS) -> None:
        """Let messages already on the wire finish and record what happened to them.

        A request Telegram has not answered within `grace` seconds is given up on: its row stays pending
        and goes out again later (at least once), so that stopping never hangs on a slow answer.
        """
        if self._tasks:
            _answered, late = await asyncio.wait(list(self._tasks), timeout=grace)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        await self._results.drain()

    async def _send_next(self) -> None:
        if self._wake.is_set() or not self._queue:
            self._wake.clear()
            await self._refill()
        if not self._queue:
            await self._idle()
            return
        # Take a free slot before choosing: the limits are judged at the moment the request leaves.
        await self._slots.acquire()
        try:
            message = await self._next_allowed()
        except BaseException:
            self._slots.release()
            raise
        if message is None:
            self._slots.release()
            return
        task = asyncio.create_task(self._deliver(message))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _next_allowed(self) -> Outgoing | None:
        """The first queued message that Telegram's limits allow now; None after waiting a little."""
        if not self._queue:  # emptied while we waited for a slot (a chat blocked us)
            return None
        self._answered.clear()  # before looking: an answer from now on ends the pause below
        now = self._clock.monotonic()
        ready = next((m for m in self._queue if self.limits.chat_ready_at(m.chat_id) <= now), None)
        if ready is None:
            if self._more_due and self._sent_since_refill:
                # What is left of this batch must wait for its chats (the second part of a digest,
                # say): look at the next rows instead of idling until then.
                self._wake.set()
                return None
            soonest = min(self.limits.chat_ready_at(m.chat_id) for m in self._queue)
            await self._pause(soonest - now)
            return None
        wait = self.limits.overall_ready_at() - now
        if wait > 0:
            await self._clock.sleep(wait)
            return None  # look again: a more urgent message may have arrived meanwhile
        self._queue.remove(ready)
        self._sent_since_refill = True
        self._on_wire.add(ready.id)
        self.limits.record(ready.chat_id, now)
        return ready

    async def _pause(self, seconds: float) -> None:
        """Wait on the injected clock, but wake up early when something new is queued or a message is
        answered. `seconds` is infinite when every queued chat has a message on its way."""
        waiters: list[asyncio.Future[Any]] = [
            asyncio.ensure_future(self._wake.wait()),
            asyncio.ensure_future(self._answered.wait()),
        ]
        if math.isfinite(seconds):
            waiters.append(asyncio.ensure_future(self._clock.sleep(seconds)))
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:  # also when we are cancelled while waiting (every shutdown)
            for waiter in waiters:
                waiter.cancel()

    async def _refill(self) -> None:
        settled, self._settled_chats = self._settled_chats, set()
        async with self._db.begin() as session:
            due = await outbox.due(
                session, now=self._clock.now(), exclude=self._on_wire, limit=self._settings.batch
            )
        self._held_chats -= settled
        self._queue = [m for m in due if m.chat_id not in self._held_chats]
        self._more_due, self._sent_since_refill = len(due) == self._settings.batch, False

    async def _idle(self) -> None:
        async with self._db.begin() as session:
            next_at = await outbox.next_due_at(session)
        waiters: list[asyncio.Future[Any]] = [asyncio.ensure_future(self._wake.wait())]
        if next_at is not None:
            # On the injected clock, so that a test can let a retry come due without waiting for it.
            waiters.append(
                asyncio.ensure_future(self._clock.sleep((next_at - self._clock.now()).total_seconds()))
            )
        # The wall-clock timeout also notices rows added by another process (the command line).
        try:
            await asyncio.wait(waiters, timeout=self._settings.idle_poll, return_when=asyncio.FIRST_COMPLETED)
        finally:  # also when we are cancelled while waiting (every shutdown)
            for waiter in waiters:
                waiter.cancel()

    async def _deliver(self, message: Outgoing) -> None:
        try:
            self._results.add(await self._call(message))
        finally:
            self.limits.answered(message.chat_id, self._clock.monotonic())
            self._answered.set()
            self._slots.release()

    async def _call(self, message: Outgoing) -> Result:
        params: dict[str, Any] = {"chat_id": message.chat_id, **message.payload}
        try:
            answer = await self._bot.call(message.method, params)
        except RetryAfter as exc:
            seconds = _seconds(exc.retry_after)
            self.limits.pause_all(self._clock.monotonic() + seconds)
            log.warning("Telegram asked us to slow down for %.0f s", seconds)
            return Result(message, "retry", str(exc), retry_in=seconds, counts_as_attempt=False)
        except ChatMigrated as exc:
            self._hold(message.chat_id)
            return Result(message, "migrated", str(exc), new_chat_id=int(exc.new_chat_id))
        except Forbidden as exc:
            self._hold(message.chat_id)
            return Result(message, "unreachable", exc.message)
        except BadRequest as exc:
            log.warning("outbox message %s refused by Telegram: %s", message.id, exc.message)
            return Result(message, "failed", exc.message)
        except NetworkError as exc:  # includes timeouts and 5xx answers
            return self._backoff(message, exc.message)
        except TelegramError as exc:
            log.error("outbox message %s failed: %s", message.id, exc.message)
            return Result(message, "failed", exc.message)
        except Exception as exc:  # a bug must not stop delivery of everything else
            log.exception("outbox message %s: unexpected error", message.id)
            return self._backoff(message, type(exc).__name__)
        sent_id = answer.get("message_id") if isinstance(answer, dict) else None
        return Result(message, "sent", sent_message_id=sent_id)

    def _backoff(self, message: Outgoing, error: str) -> Result:
        if message.attempts + 1 >= self._settings.max_attempts:
            return Result(message, "failed", f"gave up after {message.attempts + 1} tries: {error}")
        delay = min(self._settings.backoff_base ** (message.attempts + 1), self._settings.backoff_cap)
        return Result(message, "retry", error, retry_in=delay)

    async def _write_results(self, results: list[Result]) -> None:
        now = self._clock.now()
        async with self._db.begin() as session:
            # In id order: a transaction that locks several outbox rows does so in the same order.
            for r in sorted(results, key=lambda result: result.message.id):
                m = r.message
                if r.kind == "sent":
                    await outbox.mark_sent(session, m.id, now=now, sent_message_id=r.sent_message_id)
                elif r.kind == "retry":
                    at = now + timedelta(seconds=r.retry_in)
                    await outbox.retry_later(session, m.id, at=at, error=r.error, count=r.counts_as_attempt)
                elif r.kind == "failed":
                    await outbox.mark_failed(session, m.id, error=r.error)
                elif r.kind == "unreachable":
                    await outbox.mark_chat_unreachable(session, m.chat_id, now=now, error=r.error)
                elif r.kind == "migrated" and r.new_chat_id is not None:
                    await outbox.follow_migration(session, m.chat_id, r.new_chat_id)

    def _hold(self, chat_id: int) -> None:
        self._held_chats.add(chat_id)
        self._queue = [m for m in self._queue if m.chat_id != chat_id]

    def _forget(self, results: list[Result]) -> None:
        self._on_wire.difference_update(r.message.id for r in results)
        # Their queued rows are now stopped, or moved to the new chat id, in the database.
        self._settled_chats.update(
            r.message.chat_id for r in results if r.kind in ("unreachable", "migrated")
        )
        if any(r.kind in ("retry", "migrated") for r in results):
            self._wake.set()


def _seconds(value: timedelta | int | float) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
