"""Every admin action, tried by a resident, a coordinator of another buurt, a coordinator of this buurt
and an operator: checked on the server, and written to the audit log only when it happened."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.database import Database
from bot.db.models import Activity, AuditEntry, Member, Report
from bot.services.buurten import buurten, invites
from bot.services.checkins import invites as checkin_invites
from bot.services.common import audit, conversations
from bot.services.common.conversations import State
from bot.services.coordination import activities, broadcasts, groups, moderation
from bot.services.coordination import buurten as buurt_admin
from bot.services.coordination import invites as invite_admin
from bot.services.coordination import members as member_admin
from bot.services.digest import sending as digest
from bot.services.figures import statistics
from bot.services.help import requests
from bot.services.people import members, membership, roles
from bot.services.people.authority import Actor, NotAllowed
from tests.fakes.clock import FakeClock
from tests.neighbours import joins

OPERATOR, COORDINATOR, OTHER_COORDINATOR, RESIDENT, NEWCOMER, LATER_COORDINATOR = 900, 21, 31, 41, 51, 61
BLOCKED = 71
GROUP = -100500
OPERATORS = frozenset({OPERATOR})
ZONE = ZoneInfo("Europe/Amsterdam")


@dataclass
class World:
    buurt_id: int
    newcomer_id: int
    invite_id: int
    activity_id: int
    resident_id: int
    blocked_id: int
    report_id: int


async def _world(db: Database, clock: FakeClock) -> World:
    now = clock.now()
    async with db.begin() as session:
        buurt = await buurten.add_buurt(session, "Transvaal", ["2571"], "approval", now=now)
        await buurten.add_buurt(session, "Schilderswijk", ["2525"], "open", now=now)
        await roles.appoint(session, "Transvaal", COORDINATOR, now=now)
        await roles.appoint(session, "Schilderswijk", OTHER_COORDINATOR, now=now)
        await roles.appoint(session, "Transvaal", LATER_COORDINATOR, now=now)
        await members.register(session, OPERATOR, language="nl", now=now)  # has started the bot
        for person, name in ((RESIDENT, "Rik"), (NEWCOMER, "Nina"), (BLOCKED, "Bob")):
            await joins(session, person, buurt.id, name, now=now, operators=OPERATORS)
        resident = await membership.member_of(session, RESIDENT)
        resident.membership = membership.ACTIVE
        newcomer = await membership.member_of(session, NEWCOMER)
        blocked = await membership.member_of(session, BLOCKED)
        blocked.membership, blocked.blocked_at, blocked.blocked_reason = membership.ACTIVE, now, "spam"
        report = Report(
            buurt_id=buurt.id, reporter_id=resident.id, reported_id=blocked.id, status="open", created_at=now
        )
        session.add(report)
        invite = await invites.create_invite(session, buurt.id, now)
        await groups.link(session, Actor(COORDINATOR, OPERATORS), GROUP, buurt.id, language="nl", now=now)
        activity = Activity(
            buurt_id=buurt.id,
            organiser_telegram_id=COORDINATOR,
            title="Koffieochtend",
            starts_at=now + timedelta(days=3),
            place="Buurthuis",
            text="",
            created_at=now,
        )
        session.add(activity)
        await session.flush()
        return World(buurt.id, newcomer.id, invite.id, activity.id, resident.id, blocked.id, report.id)


Action = Callable[[AsyncSession, Actor, World, FakeClock], Awaitable[object]]


async def _broadcast(session: AsyncSession, actor: Actor, world: World, clock: FakeClock) -> object:
    state = State(broadcasts.FLOW, "text", {"buurt_id": world.buurt_id})
    await broadcasts.text_given(session, actor, state, "Koffie om 10 uur!", now=clock.now())
    return await broadcasts.confirm(session, actor, now=clock.now())


async def _plan(session: AsyncSession, actor: Actor, world: World, clock: FakeClock) -> object:
    state = State(activities.FLOW, "title", {"buurt_id": world.buurt_id})
    for answer in ("Wandeling", "30-11 14:00", "Bij de kerk", "-"):
        await activities.answer_given(session, actor, state, answer, now=clock.now(), zone=ZONE)
    return state


async def _on_behalf(session: AsyncSession, actor: Actor, world: World, clock: FakeClock) -> object:
    """/namens: choose the buurt, then (the typed steps skipped) post for Truus."""
    assert actor.telegram_user_id is not None
    await requests.begin_on_behalf(session, actor, world.buurt_id, now=clock.now())
    draft = requests.Draft(
        category="boodschappen", text="Soep", when="vandaag", on_behalf_of="Truus", buurt_id=world.buurt_id
    )
    await conversations.go_to(
        session, actor.telegram_user_id, State(requests.FLOW, "preview", draft.as_data()), now=clock.now()
    )
    return await requests.post(
        session, actor.telegram_user_id, now=clock.now(), zone=ZONE, round_hours=4, operators=OPERATORS
    )


# (audit action, who may do it, how)
ACTIONS: list[tuple[str, str, Action]] = [
    (
        buurt_admin.ADD,
        "operator",
        lambda s, a, w, c: buurt_admin.add(s, a, "Duindorp", ["2583"], "open", now=c.now()),
    ),
    (
        buurt_admin.RENAME,
        "operator",
        lambda s, a, w, c: buurt_admin.rename(s, a, w.buurt_id, "Nieuw", now=c.now()),
    ),
    (
        buurt_admin.POSTCODES,
        "operator",
        lambda s, a, w, c: buurt_admin.set_postcodes(s, a, w.buurt_id, ["2572"], now=c.now()),
    ),
    (
        buurt_admin.POLICY,
        "operator",
        lambda s, a, w, c: buurt_admin.set_policy(s, a, w.buurt_id, "open", now=c.now()),
    ),
    (
        buurt_admin.APPOINT,
        "operator",
        lambda s, a, w, c: buurt_admin.appoint(s, a, w.buurt_id, 77, now=c.now()),
    ),
    (
        buurt_admin.DISMISS,
        "operator",
        lambda s, a, w, c: buurt_admin.dismiss(s, a, w.buurt_id, LATER_COORDINATOR, now=c.now()),
    ),
    (
        member_admin.VIEW,
        "coordinator",
        lambda s, a, w, c: member_admin.members_of(s, a, w.buurt_id, now=c.now()),
    ),
    (
        member_admin.APPROVE,
        "coordinator",
        lambda s, a, w, c: member_admin.decide(s, a, w.newcomer_id, approve=True, now=c.now()),
    ),
    (
        member_admin.DECLINE,
        "coordinator",
        lambda s, a, w, c: member_admin.decide(s, a, w.newcomer_id, approve=False, now=c.now()),
    ),
    (
        invite_admin.CREATE,
        "coordinator",
        lambda s, a, w, c: invite_admin.create(
            s, a, w.buurt_id, single_use=True, validity="week", now=c.now()
        ),
    ),
    (
        invite_admin.REVOKE,
        "coordinator",
        lambda s, a, w, c: invite_admin.revoke(s, a, w.invite_id, now=c.now()),
    ),
    (
        groups.LINK,
        "coordinator",
        lambda s, a, w, c: groups.link(s, a, -100600, w.buurt_id, language="nl", now=c.now()),
    ),
    (groups.UNLINK, "coordinator", lambda s, a, w, c: groups.unlink(s, a, GROUP, now=c.now())),
    (broadcasts.SEND, "coordinator", _broadcast),
    (activities.CREATE, "coordinator", _plan),
    (
        statistics.VIEW,
        "coordinator",
        lambda s, a, w, c: statistics.figures(
            s, a, w.buurt_id, statistics.FOUR_WEEKS, now=c.now(), zone=ZONE
        ),
    ),
    (
        statistics.EXPORT,
        "coordinator",
        lambda s, a, w, c: statistics.weekly(s, a, w.buurt_id, statistics.YEAR, now=c.now(), zone=ZONE),
    ),
    (
        activities.CANCEL,
        "coordinator",
        lambda s, a, w, c: activities.cancel(s, a, w.activity_id, now=c.now(), zone=ZONE),
    ),
    (
        moderation.DISMISS,
        "coordinator",
        lambda s, a, w, c: moderation.dismiss(s, a, w.report_id, now=c.now()),
    ),
    (moderation.WARN, "coordinator", lambda s, a, w, c: moderation.warn(s, a, w.report_id, now=c.now())),
    (
        moderation.BLOCK,
        "coordinator",
        lambda s, a, w, c: moderation.block(s, a, w.resident_id, "Scheldwoorden", now=c.now()),
    ),
    (
        moderation.UNBLOCK,
        "coordinator",
        lambda s, a, w, c: moderation.unblock(s, a, w.blocked_id, now=c.now()),
    ),
    (requests.ON_BEHALF, "coordinator", _on_behalf),
    (
        checkin_invites.INVITE,
        "coordinator",
        lambda s, a, w, c: checkin_invites.invite(s, a, w.resident_id, now=c.now()),
    ),
    (
        digest.MOMENT,
        "coordinator",
        lambda s, a, w, c: digest.set_moment(s, a, w.buurt_id, digest.Moment(4, 17 * 60), now=c.now()),
    ),
]

CALLERS = [("resident", RESIDENT), ("coordinator of another buurt", OTHER_COORDINATOR)]
CALLERS += [("coordinator of this buurt", COORDINATOR), ("operator", OPERATOR)]


def _allowed(caller: str, who_may: str) -> bool:
    return caller == "operator" or (caller == "coordinator of this buurt" and who_may == "coordinator")


@pytest.mark.parametrize(("caller", "telegram_id"), CALLERS, ids=[c for c, _ in CALLERS])
@pytest.mark.parametrize(("action", "who_may", "act"), ACTIONS, ids=[a for a, _, _ in ACTIONS])
async def test_who_may_do_what(
    db: Database, clock: FakeClock, action: str, who_may: str, act: Action, caller: str, telegram_id: int
) -> None:
    world = await _world(db, clock)
    async with db.begin() as session:
        before = len(await audit.entries(session))
    actor = Actor(telegram_id, OPERATORS)
    clock.advance(60)

    if _allowed(caller, who_may):
        async with db.begin() as session:
            await act(session, actor, world, clock)
        async with db.begin() as session:
            latest = await audit.entries(session, limit=1)
        assert [(e.actor_telegram_id, e.action, e.at) for e in latest] == [(telegram_id, action, clock.now())]
        assert latest[0].buurt_id is not None
    else:
        with pytest.raises(NotAllowed):
            async with db.begin() as session:
                await act(session, actor, world, clock)
        async with db.begin() as session:
            assert len(await audit.entries(session)) == before


async def test_the_audit_log_never_holds_what_a_message_said(db: Database, clock: FakeClock) -> None:
    world = await _world(db, clock)
    coordinator = Actor(COORDINATOR, OPERATORS)
    async with db.begin() as session:
        await _broadcast(session, coordinator, world, clock)
        await moderation.block(session, coordinator, world.resident_id, "Scheldwoorden", now=clock.now())
        await _on_behalf(session, coordinator, world, clock)
        rik = await checkin_invites.find(session, coordinator, "rik")
        await checkin_invites.invite(session, coordinator, rik, now=clock.now())
        rows = (await session.scalars(select(AuditEntry))).all()
    written = " ".join(f"{row.action} {row.target}" for row in rows)
    assert all(words not in written.lower() for words in ("koffie", "scheldwoorden", "truus", "soep", "rik"))


async def test_the_command_line_is_logged_as_nobody_in_particular(db: Database, clock: FakeClock) -> None:
    world = await _world(db, clock)
    async with db.begin() as session:
        assert await buurt_admin.appoint(session, Actor(None), world.buurt_id, 88, now=clock.now())
        assert not await buurt_admin.appoint(session, Actor(None), world.buurt_id, 88, now=clock.now())
        [entry] = await audit.entries(session, limit=1)
        appointed = await session.scalar(select(Member).where(Member.telegram_user_id == 88))
    assert (entry.actor_telegram_id, entry.action, entry.target) == (None, buurt_admin.APPOINT, "user:88")
    assert appointed is not None
