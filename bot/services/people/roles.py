"""Who coordinates which buurt: the role itself. Who may hand it out is decided in services/buurt_admin.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Buurt, BuurtRole, Member
from bot.services.people import members, membership

COORDINATOR = "coordinator"


async def appoint(session: AsyncSession, buurt_name: str, telegram_user_id: int, *, now: datetime) -> None:
    """Make someone coordinator of a buurt (registering them if they never wrote to the bot)."""
    buurt = await session.scalar(select(Buurt).where(func.lower(Buurt.name) == buurt_name.strip().lower()))
    if buurt is None:
        raise membership.UnknownBuurt(buurt_name)
    await members.register(session, telegram_user_id, language="nl", now=now)
    member = await membership.member_of(session, telegram_user_id)
    existing = await session.get(BuurtRole, (member.id, buurt.id, COORDINATOR))
    if existing is None:
        session.add(BuurtRole(member_id=member.id, buurt_id=buurt.id, role=COORDINATOR, granted_at=now))


@dataclass(frozen=True, slots=True)
class Coordinator:
    telegram_user_id: int
    name: str | None  # the name neighbours see; None when they never joined themselves
    since: datetime


async def find_buurt(session: AsyncSession, name: str) -> Buurt:
    """A buurt by name, regardless of case; UnknownBuurt otherwise."""
    wanted = " ".join(name.split()).casefold()
    for buurt in await session.scalars(select(Buurt)):
        if buurt.name.casefold() == wanted:
            return buurt
    raise membership.UnknownBuurt(name)


async def make_coordinator(
    session: AsyncSession, buurt_id: int, telegram_user_id: int, *, now: datetime
) -> bool:
    """Give someone the coordinator role (registering them if they never wrote); False if they had it."""
    await members.register(session, telegram_user_id, language="nl", now=now)
    member = await membership.member_of(session, telegram_user_id)
    if await session.get(BuurtRole, (member.id, buurt_id, COORDINATOR)) is not None:
        return False
    session.add(BuurtRole(member_id=member.id, buurt_id=buurt_id, role=COORDINATOR, granted_at=now))
    await session.flush()
    return True


async def remove_coordinator(session: AsyncSession, buurt_id: int, telegram_user_id: int) -> bool:
    """Take the role away; False when they did not have it."""
    member_id = await session.scalar(select(Member.id).where(Member.telegram_user_id == telegram_user_id))
    if member_id is None:
        return False
    result = await session.execute(
        delete(BuurtRole).where(
            BuurtRole.member_id == member_id, BuurtRole.buurt_id == buurt_id, BuurtRole.role == COORDINATOR
        )
    )
    return bool(getattr(result, "rowcount", 0))


async def coordinators_of(session: AsyncSession, buurt_id: int) -> list[Coordinator]:
    rows = await session.execute(
        select(Member.telegram_user_id, Member.display_name, BuurtRole.granted_at)
        .join(BuurtRole, BuurtRole.member_id == Member.id)
        .where(BuurtRole.buurt_id == buurt_id, BuurtRole.role == COORDINATOR)
        .order_by(BuurtRole.granted_at, Member.telegram_user_id)
    )
    return [Coordinator(int(user_id), name, since) for user_id, name, since in rows.all()]
