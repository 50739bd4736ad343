"""Every minute: ask the digest service which groups and members are due for their weekly digest."""

from __future__ import annotations

import logging

from bot.context import BotContext
from bot.services.digest import sending as digest

log = logging.getLogger(__name__)


async def send_due_digests(context: BotContext) -> None:
    deps = context.deps
    while True:
        async with deps.db.begin() as session:
            sent = await digest.send_due(session, now=deps.clock.now(), zone=deps.settings.zone)
        if sent.groups or sent.members:
            deps.wake_sender()
            log.info("weekly digest queued for %d groups and %d members", sent.groups, sent.members)
        if not sent.more:
            return
