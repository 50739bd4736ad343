"""Registering on first contact: once per person, whole, and with the language they first came with."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, text

from bot.db.database import Database
from bot.db.models import Member
from bot.services.people import members
from tests.fakes.clock import FakeClock

PERSON = 77


async def test_someone_new_is_registered_whole_and_told_apart_from_someone_known(
    db: Database, clock: FakeClock
) -> None:
    async with db.begin() as session:
        first = await members.register(session, PERSON, language="en", now=clock.now())
        member, _ = await members.find_or_add(session, PERSON, language="en", now=clock.now())
        # The row came back from the INSERT itself: it carries the database's id and defaults.
        assert (member.id, member.membership, member.weekly_digest) == (first.member_id, "none", False)
    async with db.begin() as session:
        again = await members.register(session, PERSON, language="nl", now=clock.now())
    assert first.is_new
    assert not again.is_new
    assert (again.member_id, again.language) == (first.member_id, "en")  # someone known keeps theirs


async def test_two_first_messages_at_once_register_one_member(db: Database, clock: FakeClock) -> None:
    if db.is_sqlite:
        pytest.skip("PostgreSQL only: SQLite runs one transaction at a time (Database.begin)")
    inserted, commit = asyncio.Event(), asyncio.Event()

    async def first_contact(language: str, *, hold: bool) -> members.Registration:
        async with db.begin() as session:
            registration = await members.register(session, PERSON, language=language, now=clock.now())
            if hold:
                inserted.set()
                await commit.wait()
            return registration

    first = asyncio.create_task(first_contact("nl", hold=True))
    await inserted.wait()
    second = asyncio.create_task(first_contact("en", hold=False))
    await _until_a_transaction_waits_for_a_lock(db)  # the second INSERT, on the first one's new row
    commit.set()
    registrations = await asyncio.gather(first, second)
    async with db.begin() as session:
        assert await session.scalar(select(func.count()).select_from(Member)) == 1
    assert [(r.is_new, r.language) for r in registrations] == [(True, "nl"), (False, "nl")]
    assert registrations[0].member_id == registrations[1].member_id


async def _until_a_transaction_waits_for_a_lock(db: Database) -> None:
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    for _ in range(1000):
        async with db.begin() as session:
            if await session.scalar(waiting):
                return
        await asyncio.sleep(0.005)
    raise AssertionError("the second first contact never waited for the first")
