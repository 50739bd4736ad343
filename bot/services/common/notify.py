"""News for a member, through the outbox, unless they asked for a break."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Member
from bot.delivery import outbox
from bot.delivery.outbox import Priority


def is_paused(member: Member, now: datetime) -> bool:
    return member.paused_since is not None and (member.paused_until is None or member.paused_until > now)


async def to_member(
    session: AsyncSession,
    telegram_user_id: int,
    payload: dict[str, Any],
    *,
    now: datetime,
    priority: Priority = Priority.NOTIFICATION,
    dedupe_key: str | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Queue a message for a member. A paused member gets nothing (news is not saved up for later).

    Answers to their own actions (an approval they asked for) do not go through here.
    """
    member = await session.scalar(select(Member).where(Member.telegram_user_id == telegram_user_id))
    if member is not None and is_paused(member, now):
        return False
    return await outbox.enqueue(
        session,
        chat_id=telegram_user_id,
        now=now,
        payload=payload,
        priority=priority,
        dedupe_key=dedupe_key,
        not_before=not_before,
    )
