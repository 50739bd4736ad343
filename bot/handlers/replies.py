"""Answering in the same place: a button tap edits its message, a typed message gets a new one."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, ReplyKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | None


async def answer(update: Update, text: str, markup: Markup = None) -> None:
    query = update.callback_query
    if query is not None:
        await query.answer()
        if isinstance(markup, ReplyKeyboardMarkup):
            # A reply keyboard cannot be put on an edited message: close the old question, send anew.
            await query.edit_message_reply_markup(None)
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
    if update.effective_chat is not None:
        await update.get_bot().send_message(
            update.effective_chat.id, text, parse_mode=ParseMode.HTML, reply_markup=markup
        )
