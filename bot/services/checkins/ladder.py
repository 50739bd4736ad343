"""The ladder when nobody answers a check-in: a reminder, then each contact, then the coordinators.

Step 1 is the reminder; step 2 asks the first rung (the contacts in the order they accepted, then the
buurt's coordinators), each later step the next. Every step is claimed in the database (SKIP LOCKED
on PostgreSQL; SQLite has one writer at a time) and takes effect in the same transaction as its
outbox messages, so a restart, or a second instance, never loses or repeats a step. Outbox dedupe keys
guard the messages once more.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import tally
from bot.db.enums import CheckinStatus, ContactStatus
from bot.db.models import BuurtRole, Checkin, CheckinAlert, CheckinContact, CheckinPlan, Member
from bot.delivery import chats, outbox
from bot.services.checkins import messages, schedule
from bot.services.checkins.sending import BATCH
from bot.services.common import notify
from bot.services.people import membership
from bot.services.people.roles import COORDINATOR

log = logging.getLogger(__name__)

COORDINATORS = None  # the last rung of every ladder


async def take_due_steps(session: AsyncSession, *, now: datetime, zone: ZoneInfo, batch: int = BATCH) -> int:
    """Claim up to `batch` open check-ins whose next ladder step is due and take that step."""
    rows = (
        await session.execute(
            select(Checkin, CheckinPlan, Member)
            .join(CheckinPlan, CheckinPlan.member_id == Checkin.member_id)
            .join(Member, Member.id == Checkin.member_id)
            .where(Checkin.status == CheckinStatus.OPEN, Checkin.next_step_at <= now)
            .order_by(Checkin.next_step_at)
            .limit(batch)
            .with_for_update(skip_locked=True, of=Checkin)
        )
    ).all()
    for checkin, plan, member in rows:
        await next_step(session, checkin, plan, member, now=now, zone=zone)
    return len(rows)


async def next_step(
    session: AsyncSession,
    checkin: Checkin,
    plan: CheckinPlan,
    member: Member,
    *,
    now: datetime,
    zone: ZoneInfo,
) -> None:
    """Take the check-in's next step now (it is due, or the rung asked last said it cannot)."""
    if notify.is_paused(member, now) or member.membership != membership.ACTIVE:
        # They asked for a break from all messages (or left their buurt) meanwhile: nobody is asked.
        checkin.status, checkin.next_step_at = CheckinStatus.CLOSED, None
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
    rungs = [*await accepted_contacts(session, member), COORDINATORS]
    while step - 2 < len(rungs):
        if await _alert(session, checkin, member, rungs[step - 2], step, now=now, zone=zone):
            tally.add(session, "checkin_escalations", step=str(step))
            break
        step += 1
    checkin.step = min(step, len(rungs) + 1)
    more = step - 1 < len(rungs)
    checkin.next_step_at = schedule.step_due(plan, checkin.sent_at, step + 1, zone) if more else None


async def accepted_contacts(session: AsyncSession, member: Member) -> list[Member]:
    """The member's accepted contacts in the order they accepted: the rungs before the coordinators."""
    return list(
        (
            await session.scalars(
                select(Member)
                .join(CheckinContact, CheckinContact.contact_id == Member.id)
                .where(CheckinContact.member_id == member.id, CheckinContact.status == ContactStatus.ACCEPTED)
                .order_by(CheckinContact.accepted_at, CheckinContact.contact_id)
            )
        ).all()
    )


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
        targets = await coordinators(session, member)
    elif not await reachable_contact(session, rung, member):
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


async def reachable_contact(session: AsyncSession, contact: Member, member: Member) -> bool:
    """Still an active member of the member's buurt, and has not blocked the bot."""
    return (
        contact.membership == membership.ACTIVE
        and contact.buurt_id == member.buurt_id
        and not await chats.is_unreachable(session, contact.telegram_user_id)
    )


async def coordinators(session: AsyncSession, member: Member) -> list[Member]:
    """The coordinators of the member's buurt, but never the member themselves."""
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
