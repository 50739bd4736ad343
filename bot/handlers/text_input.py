"""Messages in a private chat: a menu button, an answer to the question we asked, a message for the
neighbour one is introduced to, or something else."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update

from bot.context import BotContext
from bot.handlers import checkins, fallback
from bot.handlers.admin import activities, moderation
from bot.handlers.admin import text as admin_text
from bot.handlers.help import matching as helping
from bot.handlers.help import offers as offering
from bot.handlers.help import relay as talking
from bot.handlers.help import requests as asking
from bot.handlers.people import menu, onboarding, settings
from bot.services.checkins import questions as checkin_service
from bot.services.common import conversations
from bot.services.help import requests as asking_service
from bot.services.people import onboarding as joining
from bot.services.people import settings as member_settings
from bot.services.people.menu import (
    ACTIVITIES,
    ASK,
    CHECKIN,
    HELP,
    MINE,
    OFFER,
    REQUESTS,
    SETTINGS,
    which_button,
)

_MENU = {
    ASK: asking.begin,
    OFFER: offering.show_offer,
    REQUESTS: helping.show_list,
    MINE: helping.show_mine,
    CHECKIN: checkins.show,
    ACTIVITIES: activities.show_upcoming,
    SETTINGS: settings.show_settings,
    HELP: menu.help_command,
}


async def on_text(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or message.text is None or user is None:
        return
    button = which_button(message.text, context.t)
    if button is not None:
        await _MENU[button](update, context)
        return
    if await admin_text.handles(update, context, message.text):
        return
    now = context.deps.clock.now()
    ctx = joining.Context(user.id, now, context.deps.settings.admin_ids)
    async with context.db.begin() as session:
        state = await conversations.current(session, user.id, now=now)
    if state is not None and state.flow == asking_service.FLOW and state.step == "what":
        await asking.described(update, context, text=message.text, voice=None)
        return
    if state is not None and state.flow == asking_service.FLOW and state.step == "behalf_name":
        await asking.behalf_name(update, context, message.text)
        return
    if state is not None and state.flow == asking_service.FLOW and state.step == "thanks":
        await helping.thanks_typed(update, context, message.text)
        return
    if state is not None and state.flow == moderation.FLOW:
        await moderation.typed(update, context, state, message.text)
        return
    if state is not None and state.flow == checkin_service.FLOW:
        await checkins.typed(update, context, state, message.text)
        return
    if state is not None and state.flow == member_settings.FLOW:
        async with context.unit_of_work() as session:
            outcome = await member_settings.name_typed(session, user.id, message.text, now=now)
        await settings.show_name_outcome(update, context, outcome)
        return
    if state is not None and state.flow == joining.FLOW:
        async with context.unit_of_work() as session:
            if state.step == "postcode":
                step = await joining.postcode_given(session, ctx, state, message.text)
            elif state.step in ("name", "typing_name"):
                step = await joining.name_given(session, ctx, state, message.text)
            else:
                step = joining.Step(joining.USE_BUTTONS)
        await onboarding.show(update, context, step)
        return
    if await talking.pass_on(update, context):
        return
    if state is not None:
        await answer_with_buttons(update, context)
        return
    await fallback.not_understood(update, context)


async def answer_with_buttons(update: Update, context: BotContext) -> None:
    await onboarding.show(update, context, joining.Step(joining.USE_BUTTONS))


async def on_media(update: Update, context: BotContext) -> None:
    """A voice message, photo, location, ...: the spoken answer to 'what do you need', or a message for
    the neighbour one talks with; otherwise a kind pointer to /help."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    if message.voice is not None:
        now = context.deps.clock.now()
        async with context.db.begin() as session:
            state = await conversations.current(session, user.id, now=now)
        if state is not None and state.flow == asking_service.FLOW and state.step == "what":
            duration = message.voice.duration
            seconds = duration.total_seconds() if isinstance(duration, timedelta) else duration
            voice = (message.voice.file_id, int(seconds))
            await asking.described(update, context, text=None, voice=voice)
            return
    if await talking.pass_on(update, context):
        return
    await fallback.not_understood(update, context)
