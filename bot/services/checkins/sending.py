"""Sending the check-ins that are due: claimed in batches, sent or skipped, and the plans moved on.

The claim (rows locked with SKIP LOCKED on PostgreSQL; SQLite has one writer at a time), the plans'
new moments, the check-in rows and their outbox messages commit together, so a restart, or a second
instance, neither loses nor repeats a check-in. A unique key on (member, due_at) and the outbox dedupe
keys guard once more.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, any_, bindparam, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import tally
from bot.db.enums import CheckinStatus, Frequency
from bot.db.models import Base, Checkin, CheckinPlan, Member, TelegramChat
from bot.db.upsert import dialect_insert
from bot.delivery import outbox
from bot.delivery.outbox import Queued
from bot.services.checkins import messages, schedule
from bot.services.people import membership

log = logging.getLogger(__name__)

BATCH = 100  # plans (or, for the ladder, check-ins) claimed per transaction


@dataclass(slots=True)
class _Due:
    """One claimed plan with what is needed of its member: plain columns, so no ORM flush is involved."""

    member_id: int
    frequency: Frequency
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
    .where(
        Checkin.member_id == any_(bindparam("members", type_=ARRAY(BigInteger))),
        Checkin.status == CheckinStatus.OPEN,
    )
    .values(status=CheckinStatus.CLOSED, next_step_at=None)
)
_CLOSE_OPEN = (
    update(Checkin)
    .where(Checkin.member_id.in_(bindparam("members", expanding=True)), Checkin.status == CheckinStatus.OPEN)
    .values(status=CheckinStatus.CLOSED, next_step_at=None)
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
            "status": CheckinStatus.OPEN,
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
