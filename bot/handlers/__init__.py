"""Thin Telegram glue: read the update, call a service, answer. Registered here, top to bottom."""

from __future__ import annotations

import re
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

from bot.delivery.buttons import NOT_OURS
from bot.handlers import chat_events, errors, fallback, group_chat, text_input
from bot.handlers.admin import activities, approval, digest, groups, moderation
from bot.handlers.admin import broadcasts as broadcast
from bot.handlers.admin import buurten as admin_buurten
from bot.handlers.admin import common as admin_common
from bot.handlers.admin import invites as admin_invites
from bot.handlers.admin import members as admin_leden
from bot.handlers.admin import statistics as admin_stats
from bot.handlers.admin import text as admin_text
from bot.handlers.checkins import answers, contacts, invites, overview, pausing, timing
from bot.handlers.checkins import questions as checkin_questions
from bot.handlers.help import matching as helping
from bot.handlers.help import offers as offering
from bot.handlers.help import requests as asking
from bot.handlers.help import typed_text as help_typed_text
from bot.handlers.people import language, menu, onboarding, privacy, settings
from bot.handlers.text_input import always
from bot.services.checkins import questions as checkin_question_flow
from bot.services.help import requests as request_drafts
from bot.services.people import onboarding as joining
from bot.services.people import settings as member_settings


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # Group -1 runs before everything else: it decides the language every later handler speaks.
    application.add_handler(TypeHandler(Update, language.remember_language), group=-1)

    commands = {
        "start": onboarding.start,
        ("help", "hulp"): menu.help_command,
        "menu": menu.show_menu,
        "stop": menu.stop,
        ("taal", "language"): language.ask_language,
        ("instellingen", "settings"): settings.show_settings,
        "pauze": settings.ask_pause,
        "hervat": settings.resume,
        "verhuizen": onboarding.move,
        "mijngegevens": privacy.send_export,
        "vergeetmij": privacy.ask_to_forget,
        "vraag": asking.begin,
        "aanbod": offering.show_offer,
        "hulpvragen": helping.show_list,
        "mijnvragen": helping.show_mine,
        "namens": asking.on_behalf,
        "melding": moderation.show_reports,
        "blokkeer": moderation.ask_who,
        "deblokkeer": moderation.show_blocked,
        "checkin": overview.show,
        # Coordinators and operators (each checks the caller's role on the server).
        "buurten": admin_buurten.show_buurten,
        "leden": admin_leden.show_members,
        "uitnodigen": admin_invites.start,
        "statistiek": admin_stats.show_statistics,
        "export": admin_stats.export,
        "koppel": groups.link,
        "ontkoppel": groups.unlink,
        "omroep": broadcast.start,
        "activiteit": activities.plan,
        "activiteiten": activities.show_upcoming,
        "digest": digest.show,
        "weekbericht": digest.personal,
    }
    # First: a tap on a button this bot did not make for that chat (forged, or from before the seal).
    application.add_handler(CallbackQueryHandler(fallback.old_button, pattern=f"^{re.escape(NOT_OURS)}$"))
    # Then: in a group, nothing but /koppel, /ontkoppel and their buttons reaches the handlers below;
    # the rest gets at most a pointer to the private chat (see group_chat.py).
    application.add_handler(MessageHandler(group_chat.MESSAGES, group_chat.on_message))
    application.add_handler(group_chat.GroupButtons())
    # Before /start itself: "/start hv_<id>" comes from a request's button in a group's weekly digest.
    from_digest = filters.ChatType.PRIVATE & filters.Regex(helping.FROM_DIGEST)
    application.add_handler(CommandHandler("start", helping.open_from_digest, from_digest))
    for names, callback in commands.items():
        application.add_handler(CommandHandler(names, callback))

    buttons = (
        (language.CALLBACK_PATTERN, language.choose_language),
        (onboarding.CALLBACK_PATTERN, onboarding.on_button),
        (settings.CALLBACK_PATTERN, settings.on_button),
        (privacy.CALLBACK_PATTERN, privacy.on_button),
        (approval.CALLBACK_PATTERN, approval.on_button),
        (asking.CALLBACK_PATTERN, asking.on_button),
        (offering.CALLBACK_PATTERN, offering.on_button),
        (helping.CALLBACK_PATTERN, helping.on_button),
        (moderation.CALLBACK_PATTERN, moderation.on_button),
        # Check-ins: the overview's buttons, then each screen's own, then a check-in's answers.
        (overview.CALLBACK_PATTERN, overview.on_button),
        (timing.CALLBACK_PATTERN, timing.on_button),
        (pausing.CALLBACK_PATTERN, pausing.on_button),
        (contacts.CALLBACK_PATTERN, contacts.on_button),
        (invites.CALLBACK_PATTERN, invites.on_button),
        (answers.CALLBACK_PATTERN, answers.on_button),
        (admin_common.CALLBACK_PATTERN, admin_common.on_page),
        (admin_buurten.CALLBACK_PATTERN, admin_buurten.on_button),
        (admin_leden.CALLBACK_PATTERN, admin_leden.on_button),
        (admin_invites.CALLBACK_PATTERN, admin_invites.on_button),
        (admin_stats.CALLBACK_PATTERN, admin_stats.on_button),
        (groups.CALLBACK_PATTERN, groups.on_button),
        (broadcast.CALLBACK_PATTERN, broadcast.on_button),
        (activities.CALLBACK_PATTERN, activities.on_button),
        (digest.CALLBACK_PATTERN, digest.on_button),
    )
    for pattern, callback in buttons:
        application.add_handler(CallbackQueryHandler(callback, pattern=pattern))

    application.add_handler(
        ChatMemberHandler(chat_events.membership_changed, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, chat_events.group_migrated))

    # Typed text goes to the feature whose question is open: each answers for its own flow.
    typed_text = text_input.TypedText(
        typed={
            joining.FLOW: always(onboarding.typed),
            member_settings.FLOW: always(settings.typed),
            request_drafts.FLOW: help_typed_text.typed,
            checkin_question_flow.FLOW: always(checkin_questions.typed),
            moderation.FLOW: always(moderation.typed),
            **{flow: always(admin_text.typed) for flow in admin_text.FLOWS},
        },
        spoken={request_drafts.FLOW: help_typed_text.spoken},
    )
    private_message = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
    # Typed text: a menu button, or the answer to the question we asked.
    application.add_handler(
        MessageHandler(private_message & filters.TEXT & ~filters.COMMAND, typed_text.on_text)
    )
    # A voice message, photo or location: a spoken request, or a message for one's helper or requester.
    application.add_handler(
        MessageHandler(private_message & ~filters.TEXT & ~filters.COMMAND, typed_text.on_media)
    )
    # Last: whatever nobody above understood. Only in private chats; in a group we keep quiet.
    application.add_handler(MessageHandler(private_message, fallback.not_understood))
    application.add_handler(CallbackQueryHandler(fallback.old_button))

    application.add_error_handler(errors.on_error)
