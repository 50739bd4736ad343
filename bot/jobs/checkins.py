"""The check-in sweep: send what is due, take due ladder steps, and forget old answers.

Everything it needs to know is in the database, so it runs on every instance: the services claim rows
(SKIP LOCKED on PostgreSQL), which makes a second instance, or a restart mid-way, harmless.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.context import BotContext, Dependencies
from bot.services.checkins import ladder, plans, sending

log = logging.getLogger(__name__)


async def sweep(deps: Dependencies, *, batch: int = sending.BATCH) -> tuple[int, int]:
    """Until nothing is due: check-ins sent or skipped, and ladder steps taken (one batch per transaction)."""
    zone, sent, steps = deps.settings.zone, 0, 0
    while True:
        async with deps.db.begin() as session:
            claimed = await sending.send_due(session, now=deps.clock.now(), zone=zone, batch=batch)
        sent += claimed
        if claimed < batch:
            break
    while True:
        async with deps.db.begin() as session:
            taken = await ladder.take_due_steps(session, now=deps.clock.now(), zone=zone, batch=batch)
        steps += taken
        if taken == 0:  # a step may make the next one due at once (a contact who cannot be reached)
            break
    if sent or steps:
        deps.wake_sender()
    return sent, steps


async def send_due_checkins(context: BotContext) -> None:
    await sweep(context.deps)


async def forget_old_moods(context: BotContext) -> None:
    deps = context.deps
    async with deps.db.begin() as session:
        forgotten = await plans.forget_old_moods(
            session, now=deps.clock.now(), keep=timedelta(days=deps.settings.checkin_mood_days)
        )
    if forgotten:
        log.info("forgot %d check-ins older than %d days", forgotten, deps.settings.checkin_mood_days)
