"""Where someone is in a multi-step conversation. Kept in the database: a restart loses nothing.

A conversation left alone for a day is forgotten, so that an old half-finished question never
surprises someone weeks later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Conversation
from bot.db.upsert import insert_or_update

FORGET_AFTER = timedelta(days=1)


@dataclass
class State:
    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)


async def current(session: AsyncSession, telegram_user_id: int, *, now: datetime) -> State | None:
    row = await session.get(Conversation, telegram_user_id)
    if row is None:
        return None
    if now - row.updated_at > FORGET_AFTER:
        await session.delete(row)
        return None
    return State(row.flow, row.step, dict(row.data))


async def go_to(session: AsyncSession, telegram_user_id: int, state: State, *, now: datetime) -> None:
    """Start a conversation, or move an ongoing one to its next step."""
    loaded = session.identity_map.get(session.identity_key(Conversation, telegram_user_id))
    if isinstance(loaded, Conversation) and loaded not in session.deleted:
        loaded.flow, loaded.step, loaded.data = state.flow, state.step, dict(state.data)
        loaded.updated_at = now
        return
    # Not read in this transaction: one INSERT ... ON CONFLICT instead of a SELECT and then a write.
    # (A deletion of the row still pending in the session is flushed before it.)
    row = {
        "telegram_user_id": telegram_user_id,
        "flow": state.flow,
        "step": state.step,
        "data": dict(state.data),
        "updated_at": now,
    }
    await insert_or_update(session, Conversation, row, key=["telegram_user_id"])


async def end(session: AsyncSession, telegram_user_id: int) -> bool:
    """Forget the ongoing conversation; True when there was one."""
    result = await session.execute(
        delete(Conversation).where(Conversation.telegram_user_id == telegram_user_id)
    )
    return bool(getattr(result, "rowcount", 0))


async def forget_stale(session: AsyncSession, *, now: datetime) -> int:
    result = await session.execute(delete(Conversation).where(Conversation.updated_at < now - FORGET_AFTER))
    return int(getattr(result, "rowcount", 0) or 0)
