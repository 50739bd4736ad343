"""News reaches members through the outbox, except while they take a break."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import OutboxMessage
from bot.services.common import notify
from bot.services.people import members, membership
from tests.fakes.clock import FakeClock


async def queued(db: Database) -> list[int]:
    async with db.begin() as session:
        return list((await session.scalars(select(OutboxMessage.chat_id))).all())


async def test_a_member_gets_news(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        await members.register(session, 11, language="nl", now=clock.now())
        assert await notify.to_member(session, 11, {"text": "Nieuws"}, now=clock.now())
    assert await queued(db) == [11]


async def test_a_paused_member_gets_nothing_until_the_pause_ends(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        await members.register(session, 11, language="nl", now=clock.now())
        await membership.pause(session, 11, now=clock.now(), until=clock.now() + timedelta(days=1))
        assert not await notify.to_member(session, 11, {"text": "Nieuws"}, now=clock.now())
    clock.advance(24 * 3600 + 1)
    async with db.begin() as session:
        assert await notify.to_member(session, 11, {"text": "Later nieuws"}, now=clock.now())
    assert await queued(db) == [11]


async def test_a_pause_until_i_say_so_lasts_until_resumed(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        await members.register(session, 11, language="nl", now=clock.now())
        await membership.pause(session, 11, now=clock.now(), until=None)
    clock.advance(365 * 24 * 3600)
    async with db.begin() as session:
        assert not await notify.to_member(session, 11, {"text": "Nieuws"}, now=clock.now())
        await membership.resume(session, 11)
        assert await notify.to_member(session, 11, {"text": "Nieuws"}, now=clock.now())
