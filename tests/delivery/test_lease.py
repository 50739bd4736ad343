"""One instance polls, dispatches and sends; another sharing the database takes over when it stops."""

from __future__ import annotations

from datetime import timedelta

from bot.db.database import Database
from bot.delivery import lease
from bot.runtime import Runtime
from tests.conftest import make_settings
from tests.fakes.clock import FakeClock
from tests.fakes.telegram_server import FakeTelegram
from tests.waiting import eventually

TTL = timedelta(seconds=30)


async def test_the_lease_is_held_renewed_and_refused_to_others(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        assert await lease.acquire(session, "worker", "a", now=clock.now(), ttl=TTL)
        assert await lease.acquire(session, "worker", "a", now=clock.now(), ttl=TTL)
        assert not await lease.acquire(session, "worker", "b", now=clock.now(), ttl=TTL)


async def test_an_expired_lease_goes_to_whoever_asks(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        await lease.acquire(session, "worker", "a", now=clock.now(), ttl=TTL)
    clock.advance(31)
    async with db.begin() as session:
        assert await lease.acquire(session, "worker", "b", now=clock.now(), ttl=TTL)
        assert await lease.holder_of(session, "worker") == "b"


async def test_a_released_lease_is_free_at_once(db: Database, clock: FakeClock) -> None:
    async with db.begin() as session:
        await lease.acquire(session, "worker", "a", now=clock.now(), ttl=TTL)
        await lease.release(session, "worker", "a")
        assert await lease.acquire(session, "worker", "b", now=clock.now(), ttl=TTL)


async def test_a_second_instance_stands_by_and_takes_over_when_the_first_stops(
    database_url: str, telegram: FakeTelegram, clock: FakeClock
) -> None:
    settings = make_settings(database_url, telegram.base_url, polling_timeout=1)
    ttl = timedelta(seconds=0.6)  # renewed every 0.2 s, so the test does not wait long
    first = Runtime(settings, clock=clock, lease_ttl=ttl)
    await first.start()
    await eventually(lambda: first.leading)
    second = Runtime(settings, clock=clock, lease_ttl=ttl)
    await second.start()
    try:
        rounds = second.lease_rounds
        await eventually(lambda: second.lease_rounds >= rounds + 3)  # asked three times, refused each time
        assert first.leading
        assert not second.leading

        await first.stop()
        await eventually(lambda: second.leading)
        telegram.user_message(4242, "/help")
        await telegram.wait_for(lambda: bool(telegram.calls("sendMessage", chat_id=4242)))
    finally:
        await second.stop()
