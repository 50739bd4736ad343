"""A lease in the database decides which instance polls, dispatches and sends.

Telegram allows one getUpdates caller per token, and the overall rate limit only holds if one sender
counts. Several instances can share one database: one holds the lease, the others wait to take over.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Lease
from bot.db.upsert import insert_ignoring_duplicates


async def acquire(session: AsyncSession, name: str, holder: str, *, now: datetime, ttl: timedelta) -> bool:
    """Take or renew the lease; True when `holder` has it until now + ttl."""
    expires = now + ttl
    if await insert_ignoring_duplicates(
        session, Lease, [{"name": name, "holder": holder, "expires_at": expires}]
    ):
        return True
    result = await session.execute(
        update(Lease)
        .where(Lease.name == name, (Lease.holder == holder) | (Lease.expires_at < now))
        .values(holder=holder, expires_at=expires)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def holder_of(session: AsyncSession, name: str) -> str | None:
    return await session.scalar(select(Lease.holder).where(Lease.name == name))


async def take_over(
    session: AsyncSession, name: str, *, from_holder: str, holder: str, now: datetime, ttl: timedelta
) -> bool:
    """Take the lease from a holder known to be dead, without waiting for it to expire."""
    result = await session.execute(
        update(Lease)
        .where(Lease.name == name, Lease.holder == from_holder)
        .values(holder=holder, expires_at=now + ttl)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def release(session: AsyncSession, name: str, holder: str) -> None:
    await session.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))
