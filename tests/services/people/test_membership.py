"""Joining a buurt with approval: who is asked, and who may decide."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Buurt, OutboxMessage
from bot.services.buurten import buurten
from bot.services.people import members, membership, roles
from tests.fakes.clock import FakeClock

OPERATOR = 900
NEWCOMER, COORDINATOR, OTHER_COORDINATOR, RESIDENT = 11, 21, 31, 41


@pytest.fixture
async def approval_buurt(db: Database, clock: FakeClock) -> Buurt:
    async with db.begin() as session:
        buurt = await buurten.add_buurt(session, "Transvaal", ["2571"], "approval", now=clock.now())
        await buurten.add_buurt(session, "Schilderswijk", ["2525"], "open", now=clock.now())
        await roles.appoint(session, "Transvaal", COORDINATOR, now=clock.now())
        await roles.appoint(session, "Schilderswijk", OTHER_COORDINATOR, now=clock.now())
        await members.register(session, RESIDENT, language="nl", now=clock.now())
        return buurt


async def newcomer_applies(db: Database, clock: FakeClock, buurt: Buurt) -> int:
    async with db.begin() as session:
        await members.register(session, NEWCOMER, language="en", now=clock.now())
        await membership.give_consent(session, NEWCOMER, now=clock.now())
        await membership.set_name(session, NEWCOMER, "Anna")
        joined = await membership.join(session, NEWCOMER, buurt.id, now=clock.now(), operators={OPERATOR})
        assert joined.status == membership.PENDING
        return (await membership.member_of(session, NEWCOMER)).id


async def asked(db: Database) -> list[int]:
    async with db.begin() as session:
        return sorted((await session.scalars(select(OutboxMessage.chat_id))).all())


async def test_the_coordinators_are_asked(db: Database, clock: FakeClock, approval_buurt: Buurt) -> None:
    await newcomer_applies(db, clock, approval_buurt)
    assert await asked(db) == [COORDINATOR]


async def test_when_the_coordinators_take_a_break_the_operators_are_asked(
    db: Database, clock: FakeClock, approval_buurt: Buurt
) -> None:
    async with db.begin() as session:
        await membership.pause(session, COORDINATOR, now=clock.now(), until=None)
    await newcomer_applies(db, clock, approval_buurt)
    assert await asked(db) == [OPERATOR]


@pytest.mark.parametrize(
    ("who", "allowed"),
    [(RESIDENT, False), (OTHER_COORDINATOR, False), (COORDINATOR, True), (OPERATOR, True)],
)
async def test_only_this_buurts_coordinators_and_the_operators_decide(
    db: Database, clock: FakeClock, approval_buurt: Buurt, who: int, allowed: bool
) -> None:
    member_id = await newcomer_applies(db, clock, approval_buurt)
    async with db.begin() as session:
        if allowed:
            decision = await membership.decide(
                session,
                approver_telegram_id=who,
                member_id=member_id,
                approve=True,
                now=clock.now(),
                operators={OPERATOR},
            )
            assert decision.approved
        else:
            with pytest.raises(membership.NotAllowed):
                await membership.decide(
                    session,
                    approver_telegram_id=who,
                    member_id=member_id,
                    approve=True,
                    now=clock.now(),
                    operators={OPERATOR},
                )
    async with db.begin() as session:
        status = (await membership.member_of(session, NEWCOMER)).membership
    assert status == (membership.ACTIVE if allowed else membership.PENDING)


async def test_a_request_is_decided_once(db: Database, clock: FakeClock, approval_buurt: Buurt) -> None:
    member_id = await newcomer_applies(db, clock, approval_buurt)
    async with db.begin() as session:
        await membership.decide(
            session,
            approver_telegram_id=COORDINATOR,
            member_id=member_id,
            approve=False,
            now=clock.now(),
            operators={OPERATOR},
        )
    async with db.begin() as session:
        with pytest.raises(membership.AlreadyDecided):
            await membership.decide(
                session,
                approver_telegram_id=OPERATOR,
                member_id=member_id,
                approve=True,
                now=clock.now(),
                operators={OPERATOR},
            )
