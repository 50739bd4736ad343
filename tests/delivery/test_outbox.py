"""The outbox keeps messages for other people until they are delivered, once."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import OutboxMessage
from bot.delivery import chats, outbox
from bot.delivery.outbox import Priority
from tests.fakes.clock import FakeClock


async def test_a_message_with_the_same_dedupe_key_is_queued_once(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        first = await outbox.enqueue(
            session,
            chat_id=5,
            now=clock.now(),
            payload={"text": "Hoe gaat het?"},
            dedupe_key="checkin:5:2026-11-25",
        )
        again = await outbox.enqueue(
            session,
            chat_id=5,
            now=clock.now(),
            payload={"text": "Hoe gaat het?"},
            dedupe_key="checkin:5:2026-11-25",
        )
    assert (first, again) == (True, False)


async def test_answers_go_before_notifications_and_bulk(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        await outbox.enqueue(
            session, chat_id=1, now=clock.now(), payload={"text": "digest"}, priority=Priority.BULK
        )
        await outbox.enqueue(session, chat_id=2, now=clock.now(), payload={"text": "melding"})
        await outbox.enqueue(
            session, chat_id=3, now=clock.now(), payload={"text": "antwoord"}, priority=Priority.ANSWER
        )
    async with db.begin() as session:
        due = await outbox.due(session, now=clock.now(), exclude=set(), limit=10)
    assert [m.payload["text"] for m in due] == ["antwoord", "melding", "digest"]


async def test_nothing_is_queued_for_someone_who_blocked_the_bot(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        await chats.mark_unreachable(session, 5, clock.now())
        await outbox.enqueue(session, chat_id=5, now=clock.now(), payload={"text": "Hallo"})
    async with db.begin() as session:
        assert await outbox.due(session, now=clock.now(), exclude=set(), limit=10) == []
        row = await session.scalar(select(OutboxMessage))
        assert row is not None and row.status == "unreachable"


async def test_messages_for_a_migrated_group_go_to_the_supergroup(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        await outbox.enqueue(session, chat_id=-100, now=clock.now(), payload={"text": "eerste"})
        await outbox.follow_migration(session, -100, -1001234)
        await outbox.enqueue(session, chat_id=-100, now=clock.now(), payload={"text": "tweede"})
    async with db.begin() as session:
        due = await outbox.due(session, now=clock.now(), exclude=set(), limit=10)
    assert [m.chat_id for m in due] == [-1001234, -1001234]
