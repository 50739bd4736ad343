"""What coordination keeps about people: in their export, and gone (or anonymous) when they are forgotten."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Activity, AuditEntry, Broadcast
from bot.services.buurten import buurten
from bot.services.common.conversations import State
from bot.services.coordination import activities
from bot.services.coordination import buurten as buurt_admin
from bot.services.people import members, membership, privacy
from bot.services.people.authority import Actor
from tests.fakes.clock import FakeClock

OPERATOR, CARLA = 900, 21
ZONE = ZoneInfo("Europe/Amsterdam")


async def test_the_export_lists_ones_admin_actions_and_forgetting_leaves_the_log_anonymous(
    db: Database, clock: FakeClock
) -> None:
    operator = Actor(OPERATOR, frozenset({OPERATOR}))
    async with db.begin() as session:
        buurt = await buurten.add_buurt(session, "Transvaal", ["2571"], "open", now=clock.now())
        await buurt_admin.appoint(session, operator, buurt.id, CARLA, now=clock.now())
        await buurt_admin.appoint(session, Actor(None), buurt.id, OPERATOR, now=clock.now())
        session.add(Broadcast(buurt_id=buurt.id, author_telegram_id=CARLA, created_at=clock.now()))

    async with db.begin() as session:
        exported = await privacy.export(session, OPERATOR, now=clock.now())
    assert exported["activities"] == []
    assert exported["admin_actions"] == [
        {"at": clock.now().isoformat(), "action": "coordinator.appoint", "buurt": "Transvaal"}
    ]

    async with db.begin() as session:
        await privacy.forget(session, CARLA, now=clock.now())
    async with db.begin() as session:
        targets = sorted(str(t) for t in await session.scalars(select(AuditEntry.target)))
        assert targets == ["forgotten", f"user:{OPERATOR}"]
        assert (await session.scalars(select(Broadcast))).all() == []


async def test_the_export_lists_the_activities_one_organises_or_comes_to(
    db: Database, clock: FakeClock
) -> None:
    coordinator, anna = Actor(CARLA, frozenset()), 31
    async with db.begin() as session:
        buurt = await buurten.add_buurt(session, "Transvaal", ["2571"], "open", now=clock.now())
        await buurt_admin.appoint(session, Actor(None), buurt.id, CARLA, now=clock.now())
        for person in (CARLA, anna):
            await members.register(session, person, language="nl", now=clock.now())
            joined = await membership.member_of(session, person)
            joined.buurt_id, joined.membership = buurt.id, membership.ACTIVE
        state = State(activities.FLOW, "title", {"buurt_id": buurt.id})
        for answer in ("Wandeling", "30-11 14:00", "Bij de kerk", "-"):
            activity = await activities.answer_given(
                session, coordinator, state, answer, now=clock.now(), zone=ZONE
            )
        assert isinstance(activity, Activity)
        await activities.set_coming(session, anna, activity.id, coming=True, now=clock.now())

    async with db.begin() as session:
        organised = (await privacy.export(session, CARLA, now=clock.now()))["activities"]
        coming = (await privacy.export(session, anna, now=clock.now()))["activities"]
    assert [(a["title"], a["you"]) for a in organised] == [("Wandeling", "organise")]
    assert [(a["title"], a["you"]) for a in coming] == [("Wandeling", "are coming")]
