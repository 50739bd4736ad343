"""Every minute: ask the request service what is due (next helpers, expiry, follow-ups) and do it."""

from __future__ import annotations

import logging

from bot.context import BotContext
from bot.services.help import sweeps as request_sweeps

log = logging.getLogger(__name__)


async def sweep_requests(context: BotContext) -> None:
    deps = context.deps
    while True:
        async with deps.db.begin() as session:
            swept = await request_sweeps.sweep(
                session,
                now=deps.clock.now(),
                zone=deps.settings.zone,
                round_hours=deps.settings.match_round_hours,
            )
        deps.wake_sender()
        total = swept.rounds + swept.warned + swept.expired + swept.followed_up
        if total:
            log.info(
                "help requests: %d next rounds, %d expiry warnings, %d expired, %d follow-ups",
                swept.rounds,
                swept.warned,
                swept.expired,
                swept.followed_up,
            )
        if total < request_sweeps.BATCH:
            return
