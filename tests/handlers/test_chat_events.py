"""When someone blocks the bot, or a group becomes a supergroup, delivery adapts without a failed send."""

from __future__ import annotations

import pytest

from bot.db.models import OutboxMessage, TelegramChat
from bot.delivery import outbox
from bot.runtime import Runtime
from tests.conversation import People
from tests.fakes.telegram_server import FakeTelegram
from tests.waiting import eventually


async def chat(runtime: Runtime, chat_id: int) -> TelegramChat | None:
    async with runtime.db.begin() as session:
        return await session.get(TelegramChat, chat_id)


async def test_someone_who_blocks_the_bot_gets_no_notifications_until_they_write_again(
    buurtbot: Runtime, telegram: FakeTelegram, people: People
) -> None:
    anna = people("Anna")
    await anna.sends("/start")
    telegram.chat_member_update(anna.user_id, anna.user_id, old_status="member", new_status="kicked")

    async def blocked() -> bool:
        found = await chat(buurtbot, anna.user_id)
        return found is not None and found.unreachable_since is not None

    await eventually(blocked)
    async with buurtbot.db.begin() as session:
        await outbox.enqueue(
            session, chat_id=anna.user_id, now=buurtbot.clock.now(), payload={"text": "Nieuws"}
        )
    buurtbot.sender.wake()
    async with buurtbot.db.begin() as session:
        row = await session.get(OutboxMessage, 1)
        assert row is not None
        assert row.status == "unreachable"

    telegram.chat_member_update(anna.user_id, anna.user_id, old_status="kicked", new_status="member")
    assert "Hallo Anna" in await anna.sends("/start")
    assert not await blocked()


@pytest.mark.usefixtures("buurtbot")
async def test_a_group_that_becomes_a_supergroup_keeps_getting_its_messages(
    buurtbot: Runtime, telegram: FakeTelegram
) -> None:
    telegram.migrate_group(-700, -1000700)

    async def recorded() -> bool:
        found = await chat(buurtbot, -700)
        return found is not None and found.migrated_to_chat_id == -1000700

    await eventually(recorded)
    async with buurtbot.db.begin() as session:
        await outbox.enqueue(
            session, chat_id=-700, now=buurtbot.clock.now(), payload={"text": "Weekoverzicht"}
        )
    buurtbot.sender.wake()
    await telegram.wait_for(lambda: telegram.sent_texts(-1000700) == ["Weekoverzicht"])
    assert telegram.calls("sendMessage", chat_id=-700, ok=None) == []
