"""The life of one check-in: sent when due, a reminder, then contacts, then the coordinators.

Every step is claimed in the database (rows locked with SKIP LOCKED on PostgreSQL; SQLite has one
writer at a time) and takes effect in the same transaction as its outbox messages, so a restart, or a
second instance, never loses or repeats a step. Outbox dedupe keys guard the messages once more.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, any_, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import tally
from bot.db.models import (
    Base,
    BuurtRole,
    Checkin,
    CheckinAlert,
    CheckinContact,
    CheckinPlan,
    Member,
    TelegramChat,
)
from bot.db.upsert import dialect_insert
from bot.delivery import chats, outbox
from bot.delivery.outbox import Queued
from bot.services.checkins import messages, schedule
from bot.services.common import notify
from bot.services.people import membership
from bot.services.people.roles import COORDINATOR

log = logging.getLogger(__name__)

BATCH = 100
COORDINATORS = None  # the last rung of every ladder
OPEN, ANSWERED, CLOSED = "open", "answered", "closed"


class StaleButton(LookupError):
    """A button of a check-in that does not exist, is not theirs, or has passed."""


class AlreadyAnswered(Exception):
    """The member answered this check-in before."""


class AllWell(Exception):
    """A contact answers for a check-in the member has answered meanwhile."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@dataclass(frozen=True, slots=True)
class Answered:
    mood: str
    told_all_is_well: int  # how many people who were asked to look now hear that all is well


@dataclass(frozen=True, slots=True)
class ReachOut:
    names: list[str]
    coordinators: bool


# --- sending check-ins that are due ---------------------------------------------------------------------


@dataclass(slots=True)
class _Due:
    """One claimed plan with what is needed of its member: plain columns, so no ORM flush is involved."""

    member_id: int
    frequency: str
    weekday: int
    at_minute: int
    window_minutes: int
    quiet_start_minute: int
    quiet_end_minute: int
    reminder_after_minutes: int
    first_alert_after_minutes: int
    next_alert_after_minutes: int
    paused_until: datetime | None
    next_due_at: datetime
    last_phrasing: int | None
    telegram_user_id: int
    language: str
    membership: str
    member_paused_since: datetime | None
    member_paused_until: datetime | None
    unreachable_since: datetime | None


_DUE_COLUMNS = (
    *(getattr(CheckinPlan, name) for name in _Due.__slots__[:13]),
    Member.telegram_user_id,
    Member.language,
    Member.membership,
    Member.paused_since.label("member_paused_since"),
    Member.paused_until.label("member_paused_until"),
    TelegramChat.unreachable_since,
)
# Built once: constructing and compiling this statement anew would cost more than running it.
_CLAIM_DUE = (
    select(*_DUE_COLUMNS)
    .join(Member, Member.id == CheckinPlan.member_id)
    .outerjoin(TelegramChat, TelegramChat.chat_id == Member.telegram_user_id)
    .where(CheckinPlan.next_due_at <= bindparam("now"))
    .order_by(CheckinPlan.next_due_at)
    .limit(bindparam("batch"))
    .with_for_update(skip_locked=True, of=CheckinPlan)
)


# One array parameter on PostgreSQL instead of an IN list of a hundred (cheaper to plan and to render).
_CLOSE_OPEN_PG = (
    update(Checkin)
    .where(Checkin.member_id == any_(bindparam("members", type_=ARRAY(BigInteger))), Checkin.status == OPEN)
    .values(status=CLOSED, next_step_at=None)
)
_CLOSE_OPEN = (
    update(Checkin)
    .where(Checkin.member_id.in_(bindparam("members", expanding=True)), Checkin.status == OPEN)
    .values(status=CLOSED, next_step_at=None)
)


async def send_due(session: AsyncSession, *, now: datetime, zone: ZoneInfo, batch: int = BATCH) -> int:
    """Claim up to `batch` plans whose check-in is due, send or skip each, and move them on.

    Returns how many plans were claimed (the caller asks again while that equals `batch`). A batch is a
    handful of statements whatever its size: this runs for every member at the same minute.
    """
    rows = (await session.execute(_CLAIM_DUE, {"now": now, "batch": batch})).all()
    if not rows:
        return 0
    plans = [_Due(**row._mapping) for row in rows]
    to_send: list[tuple[_Due, datetime]] = []
    for plan in plans:
        due = schedule.latest_missed(plan, plan.next_due_at, now, zone)
        plan.next_due_at = schedule.next_due(plan, now, zone)
        reason = _reason_to_skip(plan, due, now, zone)
        if reason is not None:
            log.info("check-in of member %d due %s skipped: %s", plan.member_id, due.isoformat(), reason)
            continue
        plan.last_phrasing = messages.next_phrasing(plan.last_phrasing)
        to_send.append((plan, due))
    table = Base.metadata.tables[CheckinPlan.__tablename__]
    await session.execute(
        update(table)
        .where(table.c.member_id == bindparam("plan"))
        .values(
            next_due_at=bindparam("next_due"),
            last_phrasing=bindparam("phrasing"),
            paused_until=bindparam("paused"),
        ),
        [
            {
                "plan": p.member_id,
                "next_due": p.next_due_at,
                "phrasing": p.last_phrasing,
                "paused": p.paused_until,
            }
            for p in plans
        ],
    )
    if to_send:
        await _send(session, to_send, now=now, zone=zone)
    return len(plans)


def _reason_to_skip(plan: _Due, due: datetime, now: datetime, zone: ZoneInfo) -> str | None:
    if plan.paused_until is not None:
        if plan.paused_until > now:
            return "paused"
        plan.paused_until = None
    if plan.membership != membership.ACTIVE:
        return "not an active member"
    if plan.member_paused_since is not None and (
        plan.member_paused_until is None or plan.member_paused_until > now
    ):
        return "on a break from all messages"
    if plan.unreachable_since is not None:
        return "blocked the bot"
    if (now - due).total_seconds() > plan.window_minutes * 60:
        return "too late (the bot was not running in time)"
    if schedule.in_quiet_hours(plan, now, zone):
        return "quiet hours"
    return None


async def _send(
    session: AsyncSession, due: Sequence[tuple[_Due, datetime]], *, now: datetime, zone: ZoneInfo
) -> None:
    # A check-in still open from last time has passed: its buttons get a kind word from now on.
    members = [plan.member_id for plan, _ in due]
    await session.execute(
        _CLOSE_OPEN_PG if session.get_bind().dialect.name == "postgresql" else _CLOSE_OPEN,
        {"members": members},
    )
    table = Base.metadata.tables[Checkin.__tablename__]
    statement = (
        dialect_insert(session, table)
        .on_conflict_do_nothing()
        .returning(table.c.id, table.c.member_id, table.c.due_at)
    )
    rows = [
        {
            "member_id": plan.member_id,
            "due_at": at,
            "sent_at": now,
            "status": OPEN,
            "step": 0,
            "next_step_at": schedule.step_due(plan, now, 1, zone),
            "mood": None,
            "answered_at": None,
        }
        for plan, at in due
    ]
    created = {
        member_id: (checkin_id, at)
        for checkin_id, member_id, at in (await session.execute(statement, rows)).all()
    }
    queued = []
    for plan, _ in due:
        if plan.member_id not in created:
            continue  # already sent (another instance, or before a crash): never twice
        checkin_id, at = created[plan.member_id]
        assert plan.last_phrasing is not None
        queued.append(
            Queued(
                plan.telegram_user_id,
                messages.checkin_message(plan.language, checkin_id, plan.last_phrasing),
                dedupe_key=f"checkin:{plan.member_id}:due:{at.isoformat()}",
            )
        )
    await outbox.enqueue_many(session, queued, now=now, unreachable=())  # checked when claimed
    tally.add(session, "checkins_sent", len(queued))


# --- the ladder when nobody answers ---------------------------------------------------------------------


async def take_due_steps(session: AsyncSession, *, now: datetime, zone: ZoneInfo, batch: int = BATCH) -> int:
    """Claim up to `batch` open check-ins whose next ladder step is due and take that step."""
    rows = (
        await session.execute(
            select(Checkin, CheckinPlan, Member)
            .join(CheckinPlan, CheckinPlan.member_id == Checkin.member_id)
            .join(Member, Member.id == Checkin.member_id)
            .where(Checkin.status == OPEN, Checkin.next_step_at <= now)
            .order_by(Checkin.next_step_at)
            .limit(batch)
            .with_for_update(skip_locked=True, of=Checkin)
        )
    ).all()
    for checkin, plan, member in rows:
        await _next_step(session, checkin, plan, member, now=now, zone=zone)
    return len(rows)


async def _next_step(
    session: AsyncSession,
    checkin: Checkin,
    plan: CheckinPlan,
    member: Member,
    *,
    now: datetime,
    zone: ZoneInfo,
) -> None:
    if notify.is_paused(member, now) or member.membership != membership.ACTIVE:
        # They asked for a break from all messages (or left their buurt) meanwhile: nobody is asked.
        checkin.status, checkin.next_step_at = CLOSED, None
        return
    step = checkin.step + 1
    if step == 1:
        await outbox.enqueue(
            session,
            chat_id=member.telegram_user_id,
            now=now,
            payload=messages.reminder_message(member.language, checkin.id),
            dedupe_key=f"checkin:{member.id}:reminder:{checkin.id}",
        )
        checkin.step, checkin.next_step_at = 1, schedule.step_due(plan, checkin.sent_at, 2, zone)
        tally.add(session, "checkin_escalations", step="1")
        return
    rungs = await _rungs(session, member)
    while step - 2 < len(rungs):
        if await _alert(session, checkin, member, rungs[step - 2], step, now=now, zone=zone):
            tally.add(session, "checkin_escalations", step=str(step))
            break
        step += 1
    checkin.step = min(step, len(rungs) + 1)
    more = step - 1 < len(rungs)
    checkin.next_step_at = schedule.step_due(plan, checkin.sent_at, step + 1, zone) if more else None


async def _rungs(session: AsyncSession, member: Member) -> list[Member | None]:
    """The member's accepted contacts in the order they accepted, then the coordinators."""
    contacts = (
        await session.scalars(
            select(Member)
            .join(CheckinContact, CheckinContact.contact_id == Member.id)
            .where(CheckinContact.member_id == member.id, CheckinContact.status == "accepted")
            .order_by(CheckinContact.accepted_at, CheckinContact.contact_id)
        )
    ).all()
    return [*contacts, COORDINATORS]


async def _alert(
    session: AsyncSession,
    checkin: Checkin,
    member: Member,
    rung: Member | None,
    step: int,
    *,
    now: datetime,
    zone: ZoneInfo,
) -> bool:
    """Ask one rung to look in on the member; False when nobody there could be asked."""
    if rung is COORDINATORS:
        targets = await _coordinators(session, member)
    elif not await _reachable_contact(session, rung, member):
        log.info("check-in %d: contact %d skipped (left, or blocked the bot)", checkin.id, rung.id)
        await outbox.enqueue(
            session,
            chat_id=member.telegram_user_id,
            now=now,
            payload=messages.contact_gone_message(member.language, rung.display_name or "?"),
            dedupe_key=f"checkin:{rung.id}:gone:{member.id}:{checkin.id}",
        )
        return False
    else:
        targets = [rung]
    last = await last_answered(session, member.id)
    asked = 0
    for target in targets:
        if await session.get(CheckinAlert, (checkin.id, target.id)) is not None:
            continue  # a contact who is also a coordinator is asked once
        payload = messages.alert_message(target.language, checkin.id, member.display_name or "?", last, zone)
        key = f"checkin:{member.id}:alert:{checkin.id}:{target.id}"
        if await notify.to_member(session, target.telegram_user_id, payload, now=now, dedupe_key=key):
            session.add(CheckinAlert(checkin_id=checkin.id, contact_id=target.id, step=step, alerted_at=now))
            asked += 1
    return asked > 0


async def _reachable_contact(session: AsyncSession, contact: Member, member: Member) -> bool:
    return (
        contact.membership == membership.ACTIVE
        and contact.buurt_id == member.buurt_id
        and not await chats.is_unreachable(session, contact.telegram_user_id)
    )


async def _coordinators(session: AsyncSession, member: Member) -> list[Member]:
    if member.buurt_id is None:
        return []
    return list(
        (
            await session.scalars(
                select(Member)
                .join(BuurtRole, BuurtRole.member_id == Member.id)
                .where(
                    BuurtRole.buurt_id == member.buurt_id,
                    BuurtRole.role == COORDINATOR,
                    Member.id != member.id,
                )
                .order_by(Member.id)
            )
        ).all()
    )


async def last_answered(session: AsyncSession, member_id: int) -> datetime | None:
    return await session.scalar(select(func.max(Checkin.answered_at)).where(Checkin.member_id == member_id))


# --- answers --------------------------------------------------------------------------------------------


async def _own_checkin(
    session: AsyncSession, telegram_user_id: int, checkin_id: int
) -> tuple[Checkin, Member]:
    member = await membership.find(session, telegram_user_id)
    checkin = await session.get(Checkin, checkin_id, with_for_update=True)
    if member is None or checkin is None or checkin.member_id != member.id:
        raise StaleButton(checkin_id)
    return checkin, member


async def answer(
    session: AsyncSession, telegram_user_id: int, checkin_id: int, mood: str, *, now: datetime
) -> Answered:
    """The member taps how they are. Whoever was asked to look in on them hears that all is well."""
    checkin, member = await _own_checkin(session, telegram_user_id, checkin_id)
    if checkin.status == ANSWERED:
        raise AlreadyAnswered
    if checkin.status != OPEN:
        raise StaleButton(checkin_id)
    checkin.status, checkin.mood, checkin.answered_at, checkin.next_step_at = ANSWERED, mood, now, None
    tally.add(session, "checkins_answered")
    alerted = (
        await session.scalars(
            select(Member)
            .join(CheckinAlert, CheckinAlert.contact_id == Member.id)
            .where(CheckinAlert.checkin_id == checkin.id)
        )
    ).all()
    for person in alerted:
        await outbox.enqueue(
            session,
            chat_id=person.telegram_user_id,
            now=now,
            payload=messages.all_is_well_message(person.language, member.display_name or "?"),
            dedupe_key=f"checkin:{member.id}:well:{checkin.id}:{person.id}",
        )
    return Answered(mood, len(alerted))


async def reach_out(
    session: AsyncSession, telegram_user_id: int, checkin_id: int, *, now: datetime
) -> ReachOut:
    """After 'not so good' and a yes: their contacts (or, without any, the coordinators) get in touch."""
    checkin, member = await _own_checkin(session, telegram_user_id, checkin_id)
    if checkin.status != ANSWERED:
        raise StaleButton(checkin_id)
    contacts = [c for c in await _rungs(session, member) if c is not COORDINATORS]
    reachable = [c for c in contacts if await _reachable_contact(session, c, member)]
    targets = reachable or await _coordinators(session, member)
    for target in targets:
        await notify.to_member(
            session,
            target.telegram_user_id,
            messages.reach_out_message(target.language, member.display_name or "?"),
            now=now,
            dedupe_key=f"checkin:{member.id}:reach:{checkin.id}:{target.id}",
        )
    return ReachOut([c.display_name or "?" for c in reachable], coordinators=not reachable and bool(targets))


async def contact_responds(
    session: AsyncSession,
    contact_telegram_id: int,
    checkin_id: int,
    *,
    looking: bool,
    now: datetime,
    zone: ZoneInfo,
) -> str:
    """'I will go and look' stops the ladder; 'I can't' moves it on at once. Returns the member's name."""
    contact = await membership.find(session, contact_telegram_id)
    checkin = await session.get(Checkin, checkin_id, with_for_update=True)
    alert = await session.get(CheckinAlert, (checkin_id, contact.id)) if contact and checkin else None
    if contact is None or checkin is None or alert is None:
        raise StaleButton(checkin_id)
    member = await session.get(Member, checkin.member_id)
    name = (member.display_name if member else None) or "?"
    if checkin.status != OPEN:
        raise AllWell(name)
    if alert.response is not None:
        return name
    alert.response, alert.responded_at = ("looking" if looking else "cannot"), now
    if looking:
        checkin.next_step_at = None  # a neighbour is on their way; nobody else needs to be asked
        return name
    plan = await session.get(CheckinPlan, checkin.member_id)
    if (
        member is not None
        and plan is not None
        and alert.step == checkin.step
        and checkin.next_step_at is not None
    ):
        await _next_step(session, checkin, plan, member, now=now, zone=zone)
    return name
