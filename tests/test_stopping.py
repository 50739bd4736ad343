"""SIGTERM in the middle of a burst: `buurtbot run` finishes what it started, stops taking updates in,
exits 0 within 10 s, and loses nothing it stored; the next start handles the rest, each update once."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import InboxUpdate
from bot.delivery.webhook import SECRET_HEADER
from tests.buttons import TEST_TOKEN
from tests.command_line import Command, closed_port, start
from tests.fakes.telegram_server import FakeTelegram

RESIDENTS = range(3101, 3301)  # 200 people who each send /start
SECRET = "stop-test_secret-0123456789"
WITHIN = 10.0  # what Docker waits after SIGTERM before it kills


@pytest.fixture
async def commands() -> AsyncIterator[list[Command]]:
    started: list[Command] = []
    yield started
    for command in started:
        await command.kill()


async def run_bot(
    commands: list[Command], folder: Path, database_url: str, telegram: FakeTelegram, **settings: str
) -> Command:
    bot = await start(
        "run",
        folder=folder,
        token=TEST_TOKEN,
        database_url=database_url,
        api_base_url=telegram.base_url,
        polling_timeout="2",
        **settings,
    )
    commands.append(bot)
    return bot


def greeted(telegram: FakeTelegram) -> Counter[int]:
    return Counter(
        r.params["chat_id"] for r in telegram.calls("sendMessage") if r.params["chat_id"] in RESIDENTS
    )


async def stored(db: Database) -> list[tuple[int, str, int]]:
    async with db.begin() as session:
        rows = await session.execute(select(InboxUpdate.update_id, InboxUpdate.status, InboxUpdate.attempts))
        return [(int(update_id), str(status), int(attempts)) for update_id, status, attempts in rows]


async def sigterm(bot: Command) -> tuple[int, float, str]:
    """(exit code, seconds from SIGTERM to exit, stderr)."""
    began = time.monotonic()
    finished = await bot.stopped()
    return finished.returncode, time.monotonic() - began, finished.stderr


async def test_sigterm_mid_burst_finishes_what_it_started_exits_0_in_time_and_loses_nothing(
    database_url: str, db: Database, telegram: FakeTelegram, tmp_path: Path, commands: list[Command]
) -> None:
    for user_id in RESIDENTS:
        telegram.user_message(user_id, "/start", first_name=f"Buur{user_id}")
    bot = await run_bot(commands, tmp_path, database_url, telegram, http_port=str(closed_port()))
    await telegram.wait_for(lambda: len(greeted(telegram)) >= 40, timeout=60)

    code, took, stderr = await sigterm(bot)
    after_stop = await stored(db)
    greeted_before_restart = greeted(telegram)

    assert code == 0, stderr
    assert took < WITHIN, f"SIGTERM took {took:.1f} s"
    assert "Traceback" not in stderr
    assert "stopped in " in stderr
    assert len(greeted_before_restart) < len(RESIDENTS), "the signal should land in the middle of the burst"
    # Every update it had started was finished; those it had taken but not started count no attempt.
    assert [row for row in after_stop if row[1] == "pending" and row[2] > 0] == []
    assert {status for _, status, _ in after_stop} <= {"done", "pending"}
    done = {update_id for update_id, status, _ in after_stop if status == "done"}
    assert len(done) == sum(greeted_before_restart.values())

    again = await run_bot(commands, tmp_path, database_url, telegram, http_port=str(closed_port()))
    await telegram.wait_for(lambda: len(greeted(telegram)) == len(RESIDENTS), timeout=90)
    await telegram.wait_until_confirmed(timeout=30)
    code, _, stderr = await sigterm(again)

    assert code == 0, stderr
    assert set(greeted(telegram).values()) == {1}, "each resident answered once, before or after the restart"
    finally_stored = await stored(db)
    assert len(finally_stored) == len(RESIDENTS)
    assert {status for _, status, _ in finally_stored} == {"done"}


async def test_sigterm_while_webhook_posts_arrive_keeps_every_update_it_answered_200(
    database_url: str, db: Database, telegram: FakeTelegram, tmp_path: Path, commands: list[Command]
) -> None:
    port = closed_port()
    bot = await run_bot(
        commands,
        tmp_path,
        database_url,
        telegram,
        http_port=str(port),
        webhook_url="https://bot.example.nl/hook",
        webhook_secret=SECRET,
    )
    await bot.wait_for_line("updates come by webhook")
    updates = [telegram.user_message(user_id, "/start", first_name="Buur") for user_id in RESIDENTS]
    answers: dict[int, int] = {}

    async def deliver(http: aiohttp.ClientSession, queue: asyncio.Queue[dict[str, object]]) -> None:
        while not queue.empty():
            update = queue.get_nowait()
            update_id = int(str(update["update_id"]))
            try:
                async with http.post(
                    f"http://127.0.0.1:{port}/hook", data=json.dumps(update), headers={SECRET_HEADER: SECRET}
                ) as response:
                    answers[update_id] = response.status
            except aiohttp.ClientError:
                answers[update_id] = 0  # no answer: Telegram would send it again

    queue: asyncio.Queue[dict[str, object]] = asyncio.Queue()
    for update in updates:
        queue.put_nowait(update)
    async with aiohttp.ClientSession() as http:
        posting = [asyncio.create_task(deliver(http, queue)) for _ in range(4)]  # 4 connections at once
        await telegram.wait_for(lambda: len(greeted(telegram)) >= 30, timeout=60)
        code, took, stderr = await sigterm(bot)
        await asyncio.gather(*posting)

    kept = {update_id for update_id, _, _ in await stored(db)}
    answered_200 = {update_id for update_id, status in answers.items() if status == 200}
    assert code == 0, stderr
    assert took < WITHIN, f"SIGTERM took {took:.1f} s"
    assert "Traceback" not in stderr
    assert answered_200 <= kept, "an update answered 200 is in the inbox"
    assert len(answered_200) < len(RESIDENTS), "the signal should land in the middle of the POSTs"
    assert max(greeted(telegram).values()) == 1
