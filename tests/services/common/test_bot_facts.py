"""The bot remembers its own username, so that the command line can print invite links offline."""

from __future__ import annotations

from bot.db.database import Database
from bot.runtime import Runtime
from bot.services.common import bot_facts
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_server import FakeTelegram


async def test_a_fact_is_remembered_and_replaced(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        assert await bot_facts.recall(session, bot_facts.USERNAME) is None
        await bot_facts.remember(session, bot_facts.USERNAME, "buurtbot_oost_bot", now=clock.now())
    clock.advance(60)
    async with db.begin() as session:
        await bot_facts.remember(session, bot_facts.USERNAME, "buurtbot_west_bot", now=clock.now())
    async with db.begin() as session:
        assert await bot_facts.recall(session, bot_facts.USERNAME) == "buurtbot_west_bot"


async def test_the_running_bot_stores_its_username(buurtbot: Runtime, telegram: FakeTelegram) -> None:
    async with buurtbot.db.begin() as session:
        assert await bot_facts.recall(session, bot_facts.USERNAME) == telegram.bot_username
