"""The one place that answers what someone just did.

A button tap gets exactly one answer to its query: Telegram refuses a second `answerCallbackQuery` with
400, and a handler that answered twice used to fail after the person's change was made, telling them
nothing. So every handler answers through these functions, which acknowledge a tap once (`AppBot`
remembers it) and then edit the tapped message where that can work, or send a new one where it cannot:
a reply keyboard, a message Telegram no longer shows the bot (an `InaccessibleMessage`), or an edit
that Telegram refuses.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable

from telegram import InlineKeyboardMarkup, Message, ReplyKeyboardMarkup, Update
from telegram.constants import CallbackQueryLimit, ParseMode
from telegram.error import BadRequest

from bot.delivery.app_bot import AppBot

log = logging.getLogger(__name__)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | None


async def answer(update: Update, text: str, markup: Markup = None) -> None:
    """After a tap: the tapped message becomes `text`. After a typed message: a new message."""
    query = update.callback_query
    if query is None:
        await send(update, text, markup)
        return
    await acknowledge(update)
    message = query.message
    # A tap on a message Telegram no longer shows the bot (deleted, or too old) brings only its chat, id
    # and date 0; python-telegram-bot 22 reads that as a Message without text, so ask is_accessible.
    tapped = message if isinstance(message, Message) and message.is_accessible else None
    if isinstance(markup, ReplyKeyboardMarkup) or tapped is None:
        # A reply keyboard cannot be put on an edited message, and an inaccessible one cannot be edited
        # at all: close the old question where we can, and say it anew.
        if tapped is not None and tapped.reply_markup is not None:
            await _edit(query.edit_message_reply_markup(None))
        await send(update, text, markup)
        return
    # A voice message or photo with buttons: its caption is what can be edited.
    edited = (
        query.edit_message_caption(text, parse_mode=ParseMode.HTML, reply_markup=markup)
        if tapped.text is None
        else query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    )
    if not await _edit(edited):
        await send(update, text, markup)


async def send(update: Update, text: str, markup: Markup = None) -> None:
    """A new message, also after a tap (when the tapped message must stay as it is)."""
    await acknowledge(update)
    if update.effective_chat is None:
        return
    await _bot(update).send(
        "sendMessage",
        chat_id=update.effective_chat.id,
        text=text,
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
    )


async def popup(update: Update, text: str) -> None:
    """A short note over the chat after a tap, and nothing else changes. Typed: the note as a message.

    When Telegram no longer takes an answer to the tap, or the note is too long for one, it comes as a
    message instead, so that it is never lost.
    """
    if update.callback_query is None or len(text) > CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH:
        await send(update, text)
        return
    if not await acknowledge(update, text):
        await send(update, text)


async def acknowledge(update: Update, note: str | None = None) -> bool:
    """Answer a tap's query (its spinner stops), at most once; with a `note`, as a pop-up.

    True when this call answered it. A typed message has nothing to acknowledge (False).
    """
    query = update.callback_query
    if query is None:
        return False
    if _bot(update).has_answered(query.id):
        return False
    try:
        await query.answer(note, show_alert=note is not None)
    except BadRequest as error:
        # Telegram takes an answer only for a few seconds after the tap: after a restart, say, it is
        # too late. What the handler does next still happens.
        log.info("a button tap could not be answered: %s", error.message)
        return False
    return True


async def _edit(edit: Awaitable[object]) -> bool:
    """Await an edit of the tapped message; False when Telegram refused it (then say it anew)."""
    try:
        await edit
    except BadRequest as error:
        if "not modified" in error.message.lower():
            return True  # the same button tapped twice: the message already says this
        log.info("the tapped message could not be edited: %s", error.message)
        return False
    return True


def _bot(update: Update) -> AppBot:
    bot = update.get_bot()
    if not isinstance(bot, AppBot):  # every update is read with the Application's bot (bot.app)
        raise TypeError(f"expected the Application's AppBot, got {type(bot).__name__}")
    return bot
