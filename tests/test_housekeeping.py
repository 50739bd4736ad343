"""What is no longer needed is deleted by the hourly housekeeping job."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from bot.db.models import Conversation, InboxUpdate, OutboxMessage
from bot.delivery import inbox, outbox
from bot.jobs.housekeeping import forget_old_traffic
from bot.runtime import Runtime
from bot.services.common import conversations
from bot.services.common.conversations import State
from tests.neighbours import JobContext, count


async def test_old_updates_messages_and_half_conversations_are_deleted(buurtbot: Runtime) -> None:
    clock = buurtbot.clock
    async with buurtbot.db.begin() as session:
        await inbox.store(session, [{"update_id": 999001, "message": {"chat": {"id": 5}}}], clock.now())
        await inbox.mark_done(session, [999001], clock.now())
        await outbox.enqueue(session, chat_id=5, now=clock.now(), payload={"text": "oud"})
        await conversations.go_to(session, 5, State("join", "postcode"), now=clock.now())
    async with buurtbot.db.begin() as session:
        await session.execute(update(OutboxMessage).values(status="sent"))

    clock.advance(timedelta(days=15).total_seconds())  # type: ignore[attr-defined]
    await forget_old_traffic(JobContext(buurtbot))  # type: ignore[arg-type]

    assert await count(buurtbot, InboxUpdate) == 0
    assert await count(buurtbot, OutboxMessage) == 0
    assert await count(buurtbot, Conversation) == 0
