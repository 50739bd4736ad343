"""Scheduled sweeps. They only ask services and delivery what is due; their state lives in the database."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram.ext import Application

from bot.jobs.activities import forget_past_activities
from bot.jobs.broadcast_reports import report_finished_broadcasts
from bot.jobs.checkins import forget_old_moods, send_due_checkins
from bot.jobs.digest import send_due_digests
from bot.jobs.help_requests import sweep_requests
from bot.jobs.housekeeping import forget_old_traffic


def schedule_jobs(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    if application.job_queue is None:
        raise RuntimeError("python-telegram-bot was installed without its job-queue extra")
    application.job_queue.run_repeating(
        forget_old_traffic, interval=timedelta(hours=1), first=timedelta(minutes=1), name="forget-old-traffic"
    )
    application.job_queue.run_repeating(
        report_finished_broadcasts,
        interval=timedelta(seconds=30),
        first=timedelta(seconds=30),
        name="omroep-reports",
    )
    application.job_queue.run_repeating(
        forget_past_activities,
        interval=timedelta(hours=1),
        first=timedelta(minutes=2),
        name="past-activities",
    )
    every = timedelta(seconds=application.bot_data.deps.settings.checkin_sweep_seconds)
    application.job_queue.run_repeating(send_due_checkins, interval=every, first=every, name="checkins")
    application.job_queue.run_repeating(
        forget_old_moods, interval=timedelta(hours=1), first=timedelta(minutes=2), name="forget-old-moods"
    )
    # Rounds of helpers are counted in hours; a minute late is never noticed, a minute of work is small.
    application.job_queue.run_repeating(
        sweep_requests, interval=timedelta(minutes=1), first=timedelta(seconds=30), name="help-requests"
    )
    # The digest's moment is a minute of the day; a sweep that finds nothing is one small query.
    application.job_queue.run_repeating(
        send_due_digests, interval=timedelta(minutes=1), first=timedelta(seconds=40), name="weekly-digest"
    )
