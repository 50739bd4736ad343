"""/checkin <name>: a coordinator finds a member of their own buurt by name, and the invitation is logged."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Buurt, OutboxMessage
from bot.services.buurten import buurten
from bot.services.checkins import invites
from bot.services.common import audit
from bot.services.people import membership, roles
from bot.services.people.authority import Actor, NotAllowed
from tests.fakes.clock import FakeClock
from tests.services.checkin_helpers import resident

ANNA, OTHER_ANNA, BRAM, COORDINATOR, OTHER_COORDINATOR, OPERATOR = 11, 12, 22, 44, 55, 900
OPERATORS = frozenset({OPERATOR})


async def two_buurten(db: Database, clock: FakeClock, oost: Buurt) -> None:
    """Anna and Bram live in Oost, another Anna in West; each buurt has its coordinator."""
    async with db.begin() as session:
        west = await buurten.add_buurt(session, "West", ["5678"], "open", now=clock.now())
    await resident(db, clock, oost, ANNA, "Anna")
    await resident(db, clock, oost, BRAM, "Bram")
    await resident(db, clock, west, OTHER_ANNA, "Anna")
    async with db.begin() as session:
        await roles.appoint(session, "Oost", COORDINATOR, now=clock.now())
        await roles.appoint(session, "West", OTHER_COORDINATOR, now=clock.now())


async def test_a_coordinator_finds_the_member_of_their_own_buurt_by_name(
    db: Database, clock: FakeClock, oost: Buurt
) -> None:
    await two_buurten(db, clock, oost)
    async with db.begin() as session:
        found = await invites.find(session, Actor(COORDINATOR, OPERATORS), " anna ")
        anna = await membership.member_of(session, ANNA)
    assert found == anna.id


async def test_nobody_learns_who_lives_in_another_buurt(db: Database, clock: FakeClock, oost: Buurt) -> None:
    await two_buurten(db, clock, oost)
    async with db.begin() as session:
        with pytest.raises(invites.NoSuchMember):
            await invites.find(session, Actor(OTHER_COORDINATOR, OPERATORS), "Bram")


async def test_a_resident_may_not_invite_anyone(db: Database, clock: FakeClock, oost: Buurt) -> None:
    await two_buurten(db, clock, oost)
    async with db.begin() as session:
        with pytest.raises(NotAllowed):
            await invites.find(session, Actor(BRAM, OPERATORS), "Anna")


async def test_two_members_with_one_name_are_nobody_to_invite_even_for_an_operator(
    db: Database, clock: FakeClock, oost: Buurt
) -> None:
    await two_buurten(db, clock, oost)
    async with db.begin() as session:
        with pytest.raises(invites.NoSuchMember):
            await invites.find(session, Actor(OPERATOR, OPERATORS), "Anna")


async def test_the_invitation_is_queued_and_logged_as_who_whom_when_and_which_buurt(
    db: Database, clock: FakeClock, oost: Buurt
) -> None:
    await two_buurten(db, clock, oost)
    coordinator = Actor(COORDINATOR, OPERATORS)
    async with db.begin() as session:
        anna = await invites.find(session, coordinator, "Anna")
        assert await invites.invite(session, coordinator, anna, now=clock.now()) == "Anna"
    async with db.begin() as session:
        [entry] = await audit.entries(session)
        queued = (await session.scalars(select(OutboxMessage.chat_id))).all()
    assert (entry.actor_telegram_id, entry.action, entry.buurt_id, entry.target, entry.at) == (
        COORDINATOR,
        invites.INVITE,
        oost.id,
        f"member:{anna}",
        clock.now(),
    )
    assert queued == [ANNA]
