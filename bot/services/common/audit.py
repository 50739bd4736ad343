"""The audit log: every admin action, with who, what, when and which buurt; never what a message said."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditEntry


@dataclass(frozen=True, slots=True)
class Entry:
    at: datetime
    actor_telegram_id: int | None  # None: the operator's command line
    action: str
    buurt_id: int | None
    target: str | None


async def record(
    session: AsyncSession,
    *,
    actor: int | None,
    action: str,
    buurt_id: int | None,
    now: datetime,
    target: str | None = None,
) -> None:
    """Write one line, in the same transaction as the action itself."""
    session.add(AuditEntry(at=now, actor_telegram_id=actor, action=action, buurt_id=buurt_id, target=target))


async def entries(session: AsyncSession, *, buurt_id: int | None = None, limit: int = 100) -> list[Entry]:
    """The latest entries first, for one buurt or all."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if buurt_id is not None:
        query = query.where(AuditEntry.buurt_id == buurt_id)
    return [
        Entry(row.at, row.actor_telegram_id, row.action, row.buurt_id, row.target)
        for row in await session.scalars(query)
    ]
