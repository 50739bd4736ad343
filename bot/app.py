"""Wiring only: build the python-telegram-bot Application and register handlers and jobs."""

from __future__ import annotations

from typing import Any

from telegram import Bot
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, JobQueue

from bot.context import BotContext, BotState, Dependencies
from bot.delivery.app_bot import AppBot
from bot.delivery.bot_api import api_urls
from bot.delivery.buttons import button_seal
from bot.delivery.http_client import AiohttpRequest
from bot.handlers import register
from bot.jobs import recorded, sweeps

BotApplication = Application[Bot, BotContext, dict[Any, Any], dict[Any, Any], BotState, JobQueue[BotContext]]


def build_application(deps: Dependencies) -> BotApplication:
    base_url, base_file_url = api_urls(deps.settings)
    token = deps.settings.require_token()
    bot = AppBot(
        token,
        base_url=base_url,
        base_file_url=base_file_url,
        request=AiohttpRequest(connection_pool_size=64, buttons=button_seal(token)),
        get_updates_request=AiohttpRequest(),  # never used: bot.delivery.poller polls
        # Direct answers to the person who just wrote: wait out a 429 instead of failing the answer.
        # The overall limit is left to the outbox sender, which carries the bulk of our messages.
        rate_limiter=AIORateLimiter(overall_max_rate=0, max_retries=2),
    )
    application = (
        ApplicationBuilder()
        .bot(bot)
        # We poll ourselves (bot.delivery.poller) so that updates are stored before they are confirmed.
        .updater(None)
        .context_types(ContextTypes(context=BotContext, bot_data=BotState))
        .build()
    )
    application.bot_data.attach(deps)
    register(application)
    schedule_jobs(application)
    return application  # type: ignore[return-value]


def schedule_jobs(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The sweeps (bot/jobs) on python-telegram-bot's job queue, each noting in the database that it ran."""
    if application.job_queue is None:
        raise RuntimeError("python-telegram-bot was installed without its job-queue extra")
    for sweep in sweeps(application.bot_data.deps.settings):
        application.job_queue.run_repeating(
            recorded(sweep), interval=sweep.every, first=sweep.first, name=sweep.name
        )
