"""Typed text in a private chat: a menu button, an answer to the question we asked, or something else."""

from __future__ import annotations

from telegram import Update

from bot.handlers import checkins, fallback, menu, onboarding, settings
from bot.handlers.context import BotContext
from bot.services import checkins as checkin_service
from bot.services import conversations
from bot.services import onboarding as joining
from bot.services import settings as member_settings
from bot.services.menu import CHECKIN, HELP, SETTINGS, which_button


async def on_text(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or message.text is None or user is None:
        return
    button = which_button(message.text, context.t)
    if button == SETTINGS:
        await settings.show_settings(update, context)
        return
    if button == HELP:
        await menu.help_command(update, context)
        return
    if button == CHECKIN:
        await checkins.show(update, context)
        return
    now = context.deps.clock.now()
    ctx = joining.Context(user.id, now, context.deps.settings.admin_ids)
    async with context.unit_of_work() as session:
        state = await conversations.current(session, user.id, now=now)
        if state is None:
            step = None
        elif state.flow == joining.FLOW and state.step == "postcode":
            step = await joining.postcode_given(session, ctx, state, message.text)
        elif state.flow == joining.FLOW and state.step in ("name", "typing_name"):
            step = await joining.name_given(session, ctx, state, message.text)
        elif state.flow == checkin_service.FLOW:
            step = None
        elif state.flow == member_settings.FLOW:
            outcome = await member_settings.name_typed(session, user.id, message.text, now=now)
            await settings.show_name_outcome(update, context, outcome)
            return
        else:
            step = joining.Step(joining.USE_BUTTONS)
    if state is not None and state.flow == checkin_service.FLOW:
        await checkins.typed(update, context, state, message.text)
        return
    if step is None:
        await fallback.not_understood(update, context)
        return
    await onboarding.show(update, context, step)
