"""The real `buurtbot run` process, killed with SIGKILL in the middle of a burst, loses nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.clock import SystemClock
from bot.db.database import Database
from bot.db.models import InboxUpdate, Member, OutboxMessage
from bot.delivery import outbox
from tests.buttons import TEST_TOKEN
from tests.fakes.telegram_server import FakeTelegram

RESIDENTS = range(3001, 3061)  # 60 people who each send /start
NOTIFIED = range(5001, 5041)  # 40 people with a notification waiting in the outbox


@pytest.fixture
async def processes() -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """Bot processes a test starts; whatever happens in the test, none outlives it."""
    started: list[asyncio.subprocess.Process] = []
    yield started
    for process in started:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def start_bot(
    database_url: str, telegram: FakeTelegram, log: Path, processes: list[asyncio.subprocess.Process]
) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUURTBOT_")}
    env.update(
        BUURTBOT_TOKEN=TEST_TOKEN,
        BUURTBOT_DATABASE_URL=database_url,
        BUURTBOT_API_BASE_URL=telegram.base_url,
        BUURTBOT_POLLING_TIMEOUT="2",
        BUURTBOT_LOG_LEVEL="DEBUG",
    )
    with log.open("ab") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, stdout=stderr, stderr=stderr, cwd=log.parent
        )
    processes.append(process)
    return process


def greeted(telegram: FakeTelegram) -> set[int]:
    return {r.params["chat_id"] for r in telegram.calls("sendMessage") if r.params["chat_id"] in RESIDENTS}


def notified(telegram: FakeTelegram) -> Counter[int]:
    return Counter(
        r.params["chat_id"] for r in telegram.calls("sendMessage") if r.params["chat_id"] in NOTIFIED
    )


async def test_sigkill_mid_burst_then_restart_handles_every_update_once_and_delivers_everything(
    database_url: str,
    db: Database,
    telegram: FakeTelegram,
    tmp_path: Path,
    processes: list[asyncio.subprocess.Process],
) -> None:
    now = SystemClock().now()  # the bot process runs on the real clock
    async with db.begin() as session:
        for chat_id in NOTIFIED:
            telegram.user_started(chat_id)  # someone with news waiting has talked to the bot before
            await outbox.enqueue(session, chat_id=chat_id, now=now, payload={"text": "Een buur vraagt hulp"})
    for user_id in RESIDENTS:
        telegram.user_message(user_id, "/start", first_name=f"Buur{user_id}")
    log = tmp_path / "bot.log"

    first = await start_bot(database_url, telegram, log, processes)
    # The outbox sends at most ~29 per second, so after 10 notifications the burst is surely half-way.
    await telegram.wait_for(lambda: len(notified(telegram)) >= 10, timeout=60)
    first.send_signal(signal.SIGKILL)
    assert await first.wait() == -signal.SIGKILL
    assert len(notified(telegram)) < len(NOTIFIED), "the kill should land in the middle of the burst"

    second = await start_bot(database_url, telegram, log, processes)
    await telegram.wait_for(
        lambda: greeted(telegram) == set(RESIDENTS) and set(notified(telegram)) == set(NOTIFIED), timeout=90
    )
    await telegram.wait_until_confirmed(timeout=30)

    async def everything_recorded() -> bool:
        async with db.begin() as session:
            unhandled = await session.scalar(
                select(func.count()).select_from(InboxUpdate).where(InboxUpdate.status != "done")
            )
            unsent = await session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status != "sent")
            )
        return unhandled == 0 and unsent == 0

    for _ in range(600):  # at most ~30 s; normally a few rounds
        if await everything_recorded():
            break
        await asyncio.sleep(0.05)
    second.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(second.wait(), 30) == 0

    async with db.begin() as session:
        updates = (await session.scalars(select(InboxUpdate))).all()
        members = (await session.scalars(select(Member.telegram_user_id))).all()
        statuses = Counter((await session.scalars(select(OutboxMessage.status))).all())

    assert len(updates) == len(RESIDENTS)
    assert {u.status for u in updates} == {"done"}
    # Each /start has one unit of work; a state change applied twice would show as a second step.
    assert {u.applied_steps for u in updates} == {1}
    assert sorted(members) == list(RESIDENTS)
    assert statuses == {"sent": len(NOTIFIED)}
    # At worst a message goes out twice (killed between sending and recording it), never zero times.
    assert max(notified(telegram).values()) <= 2
    assert TEST_TOKEN not in log.read_text()
