"""Old inbox and outbox rows, and conversations left halfway, hold personal data we no longer need."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.context import BotContext
from bot.delivery import inbox, outbox
from bot.services.common import conversations

log = logging.getLogger(__name__)

KEEP_HANDLED_UPDATES = timedelta(days=2)
KEEP_FINISHED_MESSAGES = timedelta(days=14)


async def forget_old_traffic(context: BotContext) -> None:
    now = context.deps.clock.now()
    async with context.db.begin() as session:
        updates = await inbox.purge_handled(session, before=now - KEEP_HANDLED_UPDATES)
        messages = await outbox.purge_finished(session, before=now - KEEP_FINISHED_MESSAGES)
        stale = await conversations.forget_stale(session, now=now)
    if updates or messages or stale:
        log.info(
            "forgot %d handled updates, %d finished messages, %d conversations left halfway",
            updates,
            messages,
            stale,
        )
