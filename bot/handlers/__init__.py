"""Thin Telegram glue: read the update, call a service, answer. Registered here, top to bottom."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.handlers import chat_events, errors, fallback, language, start


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # Group -1 runs before everything else: it decides the language every later handler speaks.
    application.add_handler(TypeHandler(Update, language.remember_language), group=-1)

    application.add_handler(CommandHandler("start", start.start))
    application.add_handler(CommandHandler(["help", "hulp"], start.help_command))
    application.add_handler(CommandHandler(["taal", "language"], language.ask_language))
    application.add_handler(
        CallbackQueryHandler(language.choose_language, pattern=f"^{language.CALLBACK_PREFIX}")
    )

    application.add_handler(
        ChatMemberHandler(chat_events.membership_changed, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, chat_events.group_migrated))

    # Last: whatever nobody above understood. Only in private chats; in a group we keep quiet.
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE, fallback.not_understood)
    )
    application.add_handler(CallbackQueryHandler(fallback.old_button))

    application.add_error_handler(errors.on_error)
