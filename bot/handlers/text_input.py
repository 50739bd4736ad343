"""Typed text in a private chat: a menu button, an answer to the question we asked, or something else."""

from __future__ import annotations

from telegram import Update

from bot.handlers import admin_text, fallback, menu, onboarding, settings
from bot.handlers.context import BotContext
from bot.services import conversations
from bot.services import onboarding as joining
from bot.services import settings as member_settings
from bot.services.menu import HELP, SETTINGS, which_button


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
    if await admin_text.handles(update, context, message.text):
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
        elif state.flow == member_settings.FLOW:
            outcome = await member_settings.name_typed(session, user.id, message.text, now=now)
            await settings.show_name_outcome(update, context, outcome)
            return
        else:
            step = joining.Step(joining.USE_BUTTONS)
    if step is None:
        await fallback.not_understood(update, context)
        return
    await onboarding.show(update, context, step)
