"""/start and /help: the first conversation."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType

from bot.handlers.context import BotContext
from bot.services import members


async def start(update: Update, context: BotContext) -> None:
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is None or user is None or chat is None:
        return
    if chat.type != ChatType.PRIVATE:
        # Getting to know someone happens in a private chat, never in front of the whole group.
        button = InlineKeyboardButton(
            context.t("Open a private chat with me"), url=f"https://t.me/{context.bot.username}?start=hallo"
        )
        await message.reply_text(
            context.t("Hello! Talk to me in a private chat to get started."),
            reply_markup=InlineKeyboardMarkup([[button]]),
        )
        return
    async with context.unit_of_work() as session:
        registration = await members.register(
            session,
            user.id,
            language=context.language or context.deps.settings.default_language,
            now=context.deps.clock.now(),
        )
    name = escape(user.first_name)
    if registration.is_new:
        text = context.t(
            "Hello {name}! 👋\n"
            "I am Buurtbot. I help neighbours to help each other.\n"
            "Send /help to see what I can do.\n"
            "Send /taal to choose another language."
        ).format(name=name)
    else:
        text = context.t("Welcome back, {name}! 👋\nSend /help to see what I can do.").format(name=name)
    await message.reply_html(text)


async def help_command(update: Update, context: BotContext) -> None:
    if update.effective_message is None:
        return
    await update.effective_message.reply_text(
        context.t(
            "This is what I can do now:\n"
            "/start – start, or start again\n"
            "/help – this list\n"
            "/taal – choose your language\n\n"
            "Soon you can also ask a neighbour for help, and offer help yourself."
        )
    )
