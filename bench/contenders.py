"""The two bots of the throughput benchmark, each run once against its own fake Bot API server.

Both answer N people who each send /start once. The clock starts just before the first update is
pushed into the fake server and stops when every one of them has had an answer.
"""

from __future__ import annotations

import asyncio
import cProfile
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from bench.common import TOKEN, bench_settings
from bench.replies import Replies
from bench.sql_counter import SqlCounter
from bot.db.database import Database
from bot.db.models import InboxUpdate
from bot.runtime import Runtime
from tests.fakes.telegram_server import FakeTelegram

# Warm-up people have ids far away from the measured ones, so nobody is counted twice.
WARMUP_FIRST_ID = 900_000_000
MEASURED_FIRST_ID = 100_000_000


@dataclass(frozen=True)
class Run:
    updates: int
    answered_seconds: float  # first push until everyone has an answer
    cpu_seconds: float  # CPU time of this process meanwhile (all threads): the fake server's included
    recorded_seconds: float | None = None  # first push until no inbox row is pending (Buurtbot only)
    transactions: int | None = None  # database work meanwhile (Buurtbot only)
    statements: int | None = None

    @property
    def per_second(self) -> float:
        return self.updates / self.answered_seconds


@dataclass(frozen=True)
class _Window:
    started: float
    answered: float
    cpu_seconds: float


async def _exchange(
    fake: FakeTelegram,
    replies: Replies,
    first_id: int,
    count: int,
    within: float,
    profiler: cProfile.Profile | None = None,
) -> _Window:
    """Push `count` /starts from different people and wait until each has an answer."""
    already = replies.count()
    if profiler is not None:
        profiler.enable()
    cpu, started = time.process_time(), time.perf_counter()
    for user_id in range(first_id, first_id + count):
        fake.user_message(user_id, "/start", first_name="Buur")
    await replies.wait_for(already + count, within=within)
    window = _Window(started, time.perf_counter(), time.process_time() - cpu)
    if profiler is not None:
        profiler.disable()
    return window


async def buurtbot_once(
    database_url: str, updates: int, warmup: int, within: float, profiler: cProfile.Profile | None = None
) -> Run:
    """`within`: seconds a step may take before the run counts as stuck. `profiler` sees the measured part."""
    async with FakeTelegram() as fake, Runtime(bench_settings(database_url, fake.base_url)) as runtime:
        sql = SqlCounter(runtime.db.engine)
        await _until(lambda: runtime.leading, within)
        replies = Replies(fake)
        await _exchange(fake, replies, WARMUP_FIRST_ID, warmup, within)
        await _until_inbox_done(runtime.db, warmup, within)
        sql.counting = True
        window = await _exchange(fake, replies, MEASURED_FIRST_ID, updates, within, profiler)
        sql.counting = False
        await _until_inbox_done(runtime.db, warmup + updates, within)
        recorded = time.perf_counter()
        if runtime.failure is not None:
            raise RuntimeError("a part of Buurtbot stopped by itself") from runtime.failure
    return Run(
        updates,
        window.answered - window.started,
        window.cpu_seconds,
        recorded_seconds=recorded - window.started,
        transactions=sql.transactions,
        statements=sql.statements,
    )


async def echo_once(
    updates: int, warmup: int, within: float, profiler: cProfile.Profile | None = None
) -> Run:
    async with FakeTelegram() as fake:
        application = ApplicationBuilder().token(TOKEN).base_url(f"{fake.base_url}/bot").build()
        application.add_handler(MessageHandler(filters.TEXT, _echo))
        async with application:
            await application.start()
            assert application.updater is not None  # the builder makes one unless told not to
            await application.updater.start_polling(poll_interval=0, timeout=1)
            replies = Replies(fake)
            await _exchange(fake, replies, WARMUP_FIRST_ID, warmup, within)
            window = await _exchange(fake, replies, MEASURED_FIRST_ID, updates, within, profiler)
            await application.updater.stop()
            await application.stop()
    return Run(updates, window.answered - window.started, window.cpu_seconds)


async def _echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.message is not None and update.message.text is not None:
        await update.message.reply_text(update.message.text)


async def _until(condition: Callable[[], bool], within: float) -> None:
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110 (the runtime offers no event to wait on)
            await asyncio.sleep(0.01)


async def _until_inbox_done(db: Database, expected: int, within: float) -> None:
    async with asyncio.timeout(within):
        while True:
            async with db.begin() as session:
                finished = await session.scalar(
                    select(func.count()).select_from(InboxUpdate).where(InboxUpdate.status != "pending")
                )
            if finished == expected:
                return
            await asyncio.sleep(0.01)
