"""Scheduled sweeps. They only ask services and delivery what is due; their state lives in the database."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.config import Settings
from bot.context import BotContext
from bot.jobs.activities import forget_past_activities
from bot.jobs.broadcasts import report_finished_broadcasts
from bot.jobs.checkins import forget_old_moods, send_due_checkins
from bot.jobs.digest import send_due_digests
from bot.jobs.help import sweep_requests
from bot.jobs.housekeeping import forget_old_traffic
from bot.ops import heartbeats

log = logging.getLogger(__name__)

JobCallback = Callable[[BotContext], Coroutine[Any, Any, None]]


@dataclass(frozen=True, slots=True)
class Sweep:
    name: str
    callback: JobCallback
    every: timedelta
    first: timedelta


def sweeps(settings: Settings) -> list[Sweep]:
    """Every sweep with how often it runs: the job queue runs them, the watchdog checks they did."""
    checkins = timedelta(seconds=settings.checkin_sweep_seconds)
    return [
        Sweep("forget-old-traffic", forget_old_traffic, timedelta(hours=1), timedelta(minutes=1)),
        Sweep("omroep-reports", report_finished_broadcasts, timedelta(seconds=30), timedelta(seconds=30)),
        Sweep("past-activities", forget_past_activities, timedelta(hours=1), timedelta(minutes=2)),
        Sweep("checkins", send_due_checkins, checkins, checkins),
        Sweep("forget-old-moods", forget_old_moods, timedelta(hours=1), timedelta(minutes=2)),
        # Rounds of helpers are counted in hours; a minute late is never noticed, a minute of work is small.
        Sweep("help-requests", sweep_requests, timedelta(minutes=1), timedelta(seconds=30)),
        # The digest's moment is a minute of the day; a sweep that finds nothing is one small query.
        Sweep("weekly-digest", send_due_digests, timedelta(minutes=1), timedelta(seconds=40)),
    ]


def recorded(sweep: Sweep) -> JobCallback:
    """The sweep, then a note in the database that it finished without an error (for the watchdog)."""

    async def run(context: BotContext) -> None:
        await sweep.callback(context)
        try:
            async with context.db.begin() as session:
                await heartbeats.sweep_finished(session, sweep.name, now=context.deps.clock.now())
        except Exception:  # the sweep's own work is done; a missing note makes the watchdog look closer
            log.warning("could not note that the %s sweep ran", sweep.name, exc_info=True)

    run.__name__ = run.__qualname__ = sweep.callback.__name__
    return run
