"""What the check-in screens share: how a moment and a plan's frequency read, and the kind answers to
a button that no longer works."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime
from telegram import Update

from bot.context import BotContext
from bot.db.enums import Frequency
from bot.handlers.replies import answer, popup
from bot.i18n import N_

FREQUENCY_LABELS = {
    Frequency.DAILY: N_("Every day"),
    Frequency.THRICE: N_("Three times a week"),
    Frequency.WEEKLY: N_("Once a week"),
}


def when(context: BotContext, moment: datetime) -> str:
    return format_datetime(
        moment, "EEEE d MMMM, HH:mm", tzinfo=context.deps.settings.zone, locale=context.language or "nl"
    )


async def no_longer_works(update: Update, context: BotContext) -> None:
    """A settings button we did not make this way (old, or forged): start again from /checkin."""
    await answer(update, context.t("That button no longer works. Send /checkin to start again."))


async def no_plan(update: Update, context: BotContext) -> None:
    """A settings button from before check-ins were stopped (or a forged one)."""
    await answer(update, context.t("First choose your check-ins: send /checkin."))


async def kindly(update: Update, text: str) -> None:
    """An old or forged button of a check-in: a small note on the screen; the message and everything
    else stay."""
    if update.callback_query is not None:
        await popup(update, text)


async def passed(update: Update, context: BotContext) -> None:
    await kindly(
        update, context.t("This check-in has passed. Nothing changed. You will get a new one soon. 🌷")
    )
