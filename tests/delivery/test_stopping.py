"""Stopping lets the work in flight finish: a handler halfway completes, what waited behind it stays
pending for the next start without counting as an attempt, and a slow Telegram cannot hold it up."""

from __future__ import annotations

import time

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import InboxUpdate, OutboxMessage
from bot.delivery import outbox
from bot.delivery.sender import STOP_GRACE_SECONDS
from bot.runtime import Runtime
from tests.conftest import make_settings
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_server import FakeTelegram
from tests.waiting import eventually


async def inbox_rows(db: Database) -> dict[int, tuple[str, int]]:
    async with db.begin() as session:
        rows = await session.execute(select(InboxUpdate.update_id, InboxUpdate.status, InboxUpdate.attempts))
        return {int(update_id): (str(status), int(attempts)) for update_id, status, attempts in rows}


async def test_a_handler_halfway_finishes_and_the_update_behind_it_waits_for_the_next_start(
    database_url: str, db: Database, telegram: FakeTelegram, clock: FakeClock
) -> None:
    runtime = Runtime(make_settings(database_url, telegram.base_url), clock=clock)
    await runtime.start()
    await eventually(lambda: runtime.leading)
    telegram.delay_next("sendMessage", seconds=1)  # the answer to /start takes a second
    first = telegram.user_message(4001, "/start")
    second = telegram.user_message(4001, "/help")  # same chat: handled after the first
    await telegram.wait_for(lambda: bool(telegram.calls("sendMessage", chat_id=4001, ok=None)))

    began = time.monotonic()
    await runtime.stop()
    took = time.monotonic() - began
    rows = await inbox_rows(db)

    assert rows[first["update_id"]] == ("done", 1), "its handler finished, and that was written down"
    assert rows[second["update_id"]] == ("pending", 0), "never started: not an attempt"
    assert 0.5 < took < 5
    assert [r.params["text"][:5] for r in telegram.calls("sendMessage", chat_id=4001)] == ["Hallo"]


async def test_a_message_telegram_does_not_answer_in_time_is_sent_again_after_the_next_start(
    database_url: str, db: Database, telegram: FakeTelegram, clock: FakeClock
) -> None:
    runtime = Runtime(make_settings(database_url, telegram.base_url), clock=clock)
    await runtime.start()
    await eventually(lambda: runtime.leading)
    telegram.delay_next("sendMessage", seconds=30)
    async with db.begin() as session:
        await outbox.enqueue(session, chat_id=4002, now=clock.now(), payload={"text": "Een buur vraagt hulp"})
    runtime.sender.wake()
    await telegram.wait_for(lambda: bool(telegram.calls("sendMessage", chat_id=4002, ok=None)))

    began = time.monotonic()
    await runtime.stop()
    took = time.monotonic() - began
    async with db.begin() as session:
        status = await session.scalar(select(OutboxMessage.status).where(OutboxMessage.chat_id == 4002))

    assert STOP_GRACE_SECONDS <= took < STOP_GRACE_SECONDS + 2
    assert status == "pending", "at least once: it goes out again, never lost"
