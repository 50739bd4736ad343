"""The inbox keeps every update once, hands them out oldest first, and never applies a state change twice."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import InboxUpdate, OutboxMessage
from bot.delivery import inbox, outbox
from bot.delivery.work import HandlingUpdate, handling_update, unit_of_work
from tests.fakes.clock import FakeClock


def message(update_id: int, chat_id: int, text: str = "hallo") -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Anna"},
            "text": text,
        },
    }


async def test_an_update_telegram_sends_twice_is_kept_once(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        assert await inbox.store(session, [message(1, 10), message(2, 10)], clock.now()) == 2
    async with db.begin() as session:
        assert await inbox.store(session, [message(2, 10), message(3, 11)], clock.now()) == 1
        assert await session.scalar(select(func.count()).select_from(InboxUpdate)) == 3


async def test_the_offset_confirms_everything_stored(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        assert await inbox.next_offset(session) is None
        await inbox.store(session, [message(41, 10), message(40, 11)], clock.now())
        assert await inbox.next_offset(session) == 42


async def test_updates_come_out_oldest_first_and_remember_the_chat(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        await inbox.store(session, [message(7, 20), message(5, 10), message(6, 10)], clock.now())
    async with db.begin() as session:
        ready, given_up = await inbox.take_pending(
            session, exclude=set(), limit=10, max_attempts=3, now=clock.now()
        )
    assert [(u.update_id, u.chat_id) for u in ready] == [(5, 10), (6, 10), (7, 20)]
    assert ready[0].payload["message"]["text"] == "hallo"
    assert given_up == []


async def test_a_handled_update_loses_its_personal_data(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        await inbox.store(session, [message(1, 10, "mijn adres is Dorpsstraat 1")], clock.now())
    async with db.begin() as session:
        await inbox.mark_done(session, [1], clock.now())
    async with db.begin() as session:
        row = await session.get(InboxUpdate, 1)
        assert row is not None
        assert (row.status, row.payload, row.chat_id) == ("done", None, None)


async def test_an_update_that_keeps_crashing_the_bot_is_set_aside(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        await inbox.store(session, [message(1, 10), message(2, 11)], clock.now())
    for _ in range(3):  # three starts that each died while handling both
        async with db.begin() as session:
            await inbox.take_pending(session, exclude=set(), limit=10, max_attempts=3, now=clock.now())
    async with db.begin() as session:
        ready, given_up = await inbox.take_pending(
            session, exclude=set(), limit=10, max_attempts=3, now=clock.now()
        )
    assert ready == []
    assert given_up == [1, 2]


async def handle_by_queueing_a_notification(db: Database, clock: FakeClock, update_id: int) -> None:
    """A handler whose state change is not idempotent: every run would queue one more message."""
    marker = handling_update.set(HandlingUpdate(update_id))
    try:
        async with unit_of_work(db) as session:
            await outbox.enqueue(
                session, chat_id=99, now=clock.now(), payload={"text": "Er is een hulpvraag"}
            )
    finally:
        handling_update.reset(marker)


async def test_handling_an_update_again_after_a_crash_does_not_apply_its_change_twice(
    db: Database, clock: FakeClock
) -> None:
    async with db.begin() as session:
        await inbox.store(session, [message(1, 10)], clock.now())

    await handle_by_queueing_a_notification(db, clock, 1)
    # The process dies here, before the update is marked done; after the restart it is handled again.
    await handle_by_queueing_a_notification(db, clock, 1)

    async with db.begin() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


async def test_every_unit_of_work_of_one_update_counts_separately(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        await inbox.store(session, [message(1, 10)], clock.now())
    marker = handling_update.set(HandlingUpdate(1))
    try:
        for text in ("eerste", "tweede"):
            async with unit_of_work(db) as session:
                await outbox.enqueue(session, chat_id=99, now=clock.now(), payload={"text": text})
    finally:
        handling_update.reset(marker)

    async with db.begin() as session:
        texts = (await session.scalars(select(OutboxMessage.payload))).all()
    assert [p["text"] for p in texts] == ["eerste", "tweede"]
