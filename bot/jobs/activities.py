"""Activities that are over disappear by themselves (with who said they would come)."""

from __future__ import annotations

from bot.context import BotContext
from bot.services.coordination import activities


async def forget_past_activities(context: BotContext) -> None:
    async with context.db.begin() as session:
        await activities.forget_past(session, now=context.deps.clock.now())
