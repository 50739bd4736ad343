"""When a handler fails: log it without personal data, tell the person kindly, keep running."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.context import BotContext
from bot.handlers.replies import send
from bot.i18n import N_

log = logging.getLogger("bot.handlers")
APOLOGY = N_("Sorry, something went wrong on our side. Please try again in a moment.")


async def on_error(update: object, context: BotContext) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    # Only the update id and the exception: the update itself holds names and texts.
    log.error("handling update %s failed", update_id, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        # send() answers a tapped button only if the handler had not answered it yet.
        await send(update, context.t(APOLOGY))
    except TelegramError:
        log.warning("could not tell the person about the error in update %s", update_id)
