"""Anything we do not understand gets a short, kind pointer to /help."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.handlers.replies import popup


async def not_understood(update: Update, context: BotContext) -> None:
    if update.effective_message is None:
        return
    await update.effective_message.reply_text(
        context.t("Sorry, I did not understand that. Send /help to see what I can do.")
    )


async def old_button(update: Update, context: BotContext) -> None:
    """A button we no longer know (an old message, or a forged one)."""
    if update.callback_query is not None:
        await popup(update, context.t("This button no longer works. Send /help to see what I can do."))
