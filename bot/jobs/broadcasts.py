"""Tell coordinators how their /omroep went, once every message has been delivered or given up on."""

from __future__ import annotations

from bot.context import BotContext
from bot.services.coordination import broadcasts


async def report_finished_broadcasts(context: BotContext) -> None:
    async with context.db.begin() as session:
        reports = await broadcasts.report_finished(session, now=context.deps.clock.now())
    if reports:
        context.deps.wake_sender()
