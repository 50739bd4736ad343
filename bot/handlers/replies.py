"""Answering in the same place: a button tap edits its message, a typed message gets a new one."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest


async def answer(
    update: Update, text: str, markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None
) -> None:
    query = update.callback_query
    if query is not None:
        await query.answer()
        if isinstance(markup, ReplyKeyboardMarkup):
            # A reply keyboard cannot be put on an edited message: close the old question, send anew.
            await query.edit_message_reply_markup(None)
        else:
            try:
                await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
            except BadRequest as error:
                # The same button tapped twice: the message already says this.
                if "not modified" not in error.message.lower():
                    raise
            return
    if update.effective_chat is not None:
        await update.get_bot().send_message(
            update.effective_chat.id, text, parse_mode=ParseMode.HTML, reply_markup=markup
        )
