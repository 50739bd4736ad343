"""A member's check-in plan: their own yes, how often and when, pausing, stopping, and their own answers.

Sending a check-in is in `sending`, the ladder when nobody answers in `ladder`, the answers in
`answers`; contacts in `contacts`; a coordinator's invitation in `invites`; the questions that wait
for typed text in `questions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.enums import CheckinStatus, Frequency, Mood
from bot.db.models import Checkin, CheckinPlan, Member
from bot.services.checkins import schedule
from bot.services.checkins.schedule import SLOTS, Slot
from bot.services.people import membership

PAUSES = {"week": timedelta(weeks=1), "twee": timedelta(weeks=2), "maand": timedelta(weeks=4)}


class InQuietHours(ValueError):
    """The chosen time falls in the quiet hours."""


class NoPlan(LookupError):
    """The member has no check-ins (any more)."""


@dataclass(frozen=True, slots=True)
class PlanView:
    frequency: Frequency
    at_minute: int
    quiet_start_minute: int
    quiet_end_minute: int
    ladder: tuple[int, int, int]
    next_due_at: datetime
    paused_until: datetime | None


async def _active_member(session: AsyncSession, telegram_user_id: int) -> Member:
    member = await membership.find(session, telegram_user_id)
    if member is None or member.membership != membership.ACTIVE:
        raise membership.NotAMember(telegram_user_id)  # only an active member of a buurt has check-ins
    return member


def _view(plan: CheckinPlan) -> PlanView:
    ladder = (plan.reminder_after_minutes, plan.first_alert_after_minutes, plan.next_alert_after_minutes)
    return PlanView(
        plan.frequency,
        plan.at_minute,
        plan.quiet_start_minute,
        plan.quiet_end_minute,
        ladder,
        plan.next_due_at,
        plan.paused_until,
    )


async def plan_of(session: AsyncSession, telegram_user_id: int) -> PlanView | None:
    member = await membership.find(session, telegram_user_id)
    plan = await session.get(CheckinPlan, member.id) if member is not None else None
    return _view(plan) if plan is not None else None


def slot_for(choice: str, exact_minute: int | None = None) -> Slot:
    if choice == schedule.EXACT:
        if exact_minute is None:
            raise ValueError("an exact time needs the minute")
        return Slot(exact_minute, schedule.EXACT_WINDOW_MINUTES)
    return SLOTS[choice]


async def start(
    session: AsyncSession,
    telegram_user_id: int,
    *,
    frequency: Frequency,
    slot: Slot,
    now: datetime,
    zone: ZoneInfo,
) -> PlanView:
    """The member's yes: check-ins from now on (or changed, when they had them already)."""
    frequency = Frequency(frequency)  # a ValueError for anything else
    member = await _active_member(session, telegram_user_id)
    plan = await session.get(CheckinPlan, member.id, with_for_update=True)
    if plan is None:
        reminder, first, following = schedule.LADDERS["standard"]
        plan = CheckinPlan(
            member_id=member.id,
            quiet_start_minute=schedule.QUIET_START,
            quiet_end_minute=schedule.QUIET_END,
            reminder_after_minutes=reminder,
            first_alert_after_minutes=first,
            next_alert_after_minutes=following,
            created_at=now,
        )
        session.add(plan)
    plan.frequency, plan.weekday = frequency, now.astimezone(zone).weekday()
    plan.at_minute, plan.window_minutes = slot.at_minute, slot.window_minutes
    if _in_quiet(plan, slot.at_minute):
        raise InQuietHours(slot.at_minute)
    plan.next_due_at = schedule.next_due(plan, now, zone)
    return _view(plan)


def _in_quiet(plan: CheckinPlan, minute: int) -> bool:
    start, end = plan.quiet_start_minute, plan.quiet_end_minute
    if start == end:
        return False
    return (start <= minute < end) if start < end else (minute >= start or minute < end)


async def _plan(session: AsyncSession, telegram_user_id: int) -> CheckinPlan:
    member = await membership.find(session, telegram_user_id)
    plan = await session.get(CheckinPlan, member.id, with_for_update=True) if member else None
    if plan is None:
        raise NoPlan(telegram_user_id)
    return plan


async def set_quiet_hours(
    session: AsyncSession, telegram_user_id: int, start: int, end: int, *, now: datetime, zone: ZoneInfo
) -> PlanView:
    plan = await _plan(session, telegram_user_id)
    previous = plan.quiet_start_minute, plan.quiet_end_minute
    plan.quiet_start_minute, plan.quiet_end_minute = start, end
    if _in_quiet(plan, plan.at_minute):
        plan.quiet_start_minute, plan.quiet_end_minute = previous
        raise InQuietHours(plan.at_minute)
    return _view(plan)


async def set_ladder(session: AsyncSession, telegram_user_id: int, choice: str) -> PlanView:
    plan = await _plan(session, telegram_user_id)
    (
        plan.reminder_after_minutes,
        plan.first_alert_after_minutes,
        plan.next_alert_after_minutes,
    ) = schedule.LADDERS[choice]
    return _view(plan)


async def pause(session: AsyncSession, telegram_user_id: int, choice: str, *, now: datetime) -> datetime:
    """No check-ins until a moment ('ik ben op vakantie'); an open one stops asking anyone."""
    plan = await _plan(session, telegram_user_id)
    plan.paused_until = now + PAUSES[choice]
    await _close_open(session, plan.member_id)
    return plan.paused_until


async def resume(session: AsyncSession, telegram_user_id: int) -> None:
    plan = await _plan(session, telegram_user_id)
    plan.paused_until = None


async def stop(session: AsyncSession, telegram_user_id: int) -> bool:
    """No more check-ins; their contacts stay, in case they start again."""
    member = await membership.find(session, telegram_user_id)
    if member is None:
        return False
    await _close_open(session, member.id)
    result = await session.execute(delete(CheckinPlan).where(CheckinPlan.member_id == member.id))
    return bool(getattr(result, "rowcount", 0))


async def _close_open(session: AsyncSession, member_id: int) -> None:
    await session.execute(
        update(Checkin)
        .where(Checkin.member_id == member_id, Checkin.status == CheckinStatus.OPEN)
        .values(status=CheckinStatus.CLOSED, next_step_at=None)
    )


@dataclass(frozen=True, slots=True)
class Answer:
    at: datetime
    mood: Mood


async def history(session: AsyncSession, telegram_user_id: int) -> list[Answer]:
    """The member's own answers, newest first (only what the retention keeps)."""
    member = await membership.find(session, telegram_user_id)
    if member is None:
        return []
    rows = await session.execute(
        select(Checkin.answered_at, Checkin.mood)
        .where(Checkin.member_id == member.id, Checkin.mood.is_not(None))
        .order_by(Checkin.answered_at.desc())
    )
    return [Answer(at, mood) for at, mood in rows.all() if at is not None and mood is not None]


async def forget_old_moods(session: AsyncSession, *, now: datetime, keep: timedelta) -> int:
    """Check-ins (with their answers) older than `keep` are deleted; an open one is kept."""
    result = await session.execute(
        delete(Checkin).where(Checkin.sent_at < now - keep, Checkin.status != CheckinStatus.OPEN)
    )
    return int(getattr(result, "rowcount", 0) or 0)
