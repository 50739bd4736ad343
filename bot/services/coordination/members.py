"""/leden: a coordinator sees the members of their buurt and lets newcomers in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import BuurtRole, HelperOffer, Member
from bot.services.common import audit, notify
from bot.services.people import membership
from bot.services.people.authority import COORDINATOR, Actor, check_manages

VIEW, APPROVE, DECLINE = "members.view", "member.approve", "member.decline"


@dataclass(frozen=True, slots=True)
class MemberRow:
    member_id: int
    name: str
    since: datetime
    coordinator: bool
    pending: bool
    paused: bool
    helper: bool | None  # None: not known (yet); see helper_ids
    blocked: bool = False


@dataclass(frozen=True, slots=True)
class Members:
    buurt_name: str
    active: list[MemberRow]
    pending: list[MemberRow]


async def helper_ids(session: AsyncSession, buurt_id: int) -> set[int] | None:
    """The ids of the buurt's members who offer help (paused or not)."""
    rows = await session.scalars(
        select(HelperOffer.member_id)
        .join(Member, Member.id == HelperOffer.member_id)
        .where(Member.buurt_id == buurt_id)
    )
    return set(rows.all())


async def members_of(session: AsyncSession, actor: Actor, buurt_id: int, *, now: datetime) -> Members:
    buurt = await check_manages(session, actor, buurt_id)
    rows = (
        await session.scalars(
            select(Member)
            .where(Member.buurt_id == buurt_id, Member.membership != membership.NONE)
            .order_by(Member.joined_at, Member.id)
        )
    ).all()
    coordinators = set(
        await session.scalars(
            select(BuurtRole.member_id).where(BuurtRole.buurt_id == buurt_id, BuurtRole.role == COORDINATOR)
        )
    )
    helpers = await helper_ids(session, buurt_id)
    listed = [
        MemberRow(
            member_id=member.id,
            name=member.display_name or "?",
            since=member.joined_at,
            coordinator=member.id in coordinators,
            pending=member.membership == membership.PENDING,
            paused=notify.is_paused(member, now),
            helper=None if helpers is None else member.id in helpers,
            blocked=member.blocked_at is not None,
        )
        for member in rows
    ]
    await audit.record(session, actor=actor.telegram_user_id, action=VIEW, buurt_id=buurt_id, now=now)
    return Members(
        buurt.name, [row for row in listed if not row.pending], [row for row in listed if row.pending]
    )


async def decide(
    session: AsyncSession, actor: Actor, member_id: int, *, approve: bool, now: datetime
) -> membership.Decision:
    """Let a newcomer in or not (membership.decide checks the right), and write it to the audit log."""
    assert actor.telegram_user_id is not None
    buurt_id = await session.scalar(select(Member.buurt_id).where(Member.id == member_id))
    decision = await membership.decide(
        session,
        approver_telegram_id=actor.telegram_user_id,
        member_id=member_id,
        approve=approve,
        now=now,
        operators=actor.operators,
    )
    await audit.record(
        session,
        actor=actor.telegram_user_id,
        action=APPROVE if approve else DECLINE,
        buurt_id=buurt_id,
        target=f"member:{member_id}",
        now=now,
    )
    return decision
