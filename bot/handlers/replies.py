"""Answering in the same place: a button tap edits its message, a typed message gets a new one."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, ReplyKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.delivery.app_bot import AppBot

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | None


async def answer(update: Update, text: str, markup: Markup = None) -> None:
    query = update.callback_query
    # A message the bot can no longer see (Telegram sends its id and date 0) cannot be edited: send anew.
    if query is not None and query.message is not None and query.message.is_accessible:
        await query.answer()
        if isinstance(markup, ReplyKeyboardMarkup):
            # A reply keyboard cannot be put on an edited message: close the old question, send anew.
            try:
                await query.edit_message_reply_markup(None)
            except BadRequest as error:
                if "not modified" not in error.message.lower():  # no buttons left to take away
                    raise
        else:
            try:
                if isinstance(query.message, Message) and query.message.text is None:
                    # A voice message or photo with buttons: its caption is what can be edited.
                    await query.edit_message_caption(text, parse_mode=ParseMode.HTML, reply_markup=markup)
                else:
                    await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
            except BadRequest as error:
                # The same button tapped twice: the message already says this.
                if "not modified" not in error.message.lower():
                    raise
            return
    await send(update, text, markup)


async def send(update: Update, text: str, markup: Markup = None) -> None:
    """A new message, also after a tap (when the tapped message must stay as it is)."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    if update.effective_chat is None:
        return
    bot = update.get_bot()
    if not isinstance(bot, AppBot):  # every update is read with the Application's bot (bot.app)
        raise TypeError(f"expected the Application's AppBot, got {type(bot).__name__}")
    await bot.send(
        "sendMessage",
        chat_id=update.effective_chat.id,
        text=text,
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
    )
