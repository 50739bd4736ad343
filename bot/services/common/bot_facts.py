"""What the running bot knows about itself, kept for tools that must not call Telegram (the command line)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import BotFact
from bot.db.upsert import insert_or_update

USERNAME = "username"  # the bot's @username without the @, stored at every start


async def remember(session: AsyncSession, key: str, value: str, now: datetime) -> None:
    await insert_or_update(session, BotFact, {"key": key, "value": value, "updated_at": now}, key=["key"])


async def recall(session: AsyncSession, key: str) -> str | None:
    return await session.scalar(select(BotFact.value).where(BotFact.key == key))
