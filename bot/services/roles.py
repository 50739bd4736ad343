"""Who coordinates which buurt. (Appointing in the chat and on the command line comes with the
coordinator issue; joining needs to know who approves.)"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Buurt, BuurtRole
from bot.services import members, membership

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
