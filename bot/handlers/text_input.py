"""Messages in a private chat, routed: a menu button, the answer to the question a feature asked, a
message for the neighbour one is introduced to, or a kind pointer to /help.

Each feature answers typed text for its own conversation flow; this module only knows which flow is
open, never a feature's steps.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from telegram import Update, Voice

from bot.context import BotContext
from bot.handlers import checkins, fallback
from bot.handlers.admin import activities
from bot.handlers.help import matching, offers, relay
from bot.handlers.help import requests as asking
from bot.handlers.people import menu, onboarding, settings
from bot.services.common import conversations
from bot.services.common.conversations import State
from bot.services.people import onboarding as joining
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
    OFFER: offers.show_offer,
    REQUESTS: matching.show_list,
    MINE: matching.show_mine,
    CHECKIN: checkins.show,
    ACTIVITIES: activities.show_upcoming,
    SETTINGS: settings.show_settings,
    HELP: menu.help_command,
}


TypedAnswer = Callable[[Update, BotContext, State, str], Awaitable[bool]]
"""A feature's answer to text typed while its own question is open (its conversation flow); False when
the step it is at wants a tap, not text."""
SpokenAnswer = Callable[[Update, BotContext, State, Voice], Awaitable[bool]]
"""A feature's answer to a voice message while its question is open; False when it was not asked for."""


class TypedText:
    """Typed text in a private chat, routed: a menu button, the answer to the open question of the flow
    that asked it (each feature registers its own, in bot/handlers/__init__.py), a message for the
    neighbour one is introduced to, or a kind pointer."""

    def __init__(self, typed: Mapping[str, TypedAnswer], spoken: Mapping[str, SpokenAnswer]) -> None:
        self._typed = dict(typed)
        self._spoken = dict(spoken)

    async def on_text(self, update: Update, context: BotContext) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or message.text is None or user is None:
            return
        button = which_button(message.text, context.t)
        if button is not None:
            await _MENU[button](update, context)
            return
        async with context.db.begin() as session:
            state = await conversations.current(session, user.id, now=context.deps.clock.now())
        typed = self._typed.get(state.flow) if state is not None else None
        if state is not None and typed is not None and await typed(update, context, state, message.text):
            return
        if await relay.pass_on(update, context):
            return
        if state is not None:
            await answer_with_buttons(update, context)
            return
        await fallback.not_understood(update, context)

    async def on_media(self, update: Update, context: BotContext) -> None:
        """A voice message, photo, location, ...: the spoken answer to the open question, or a message
        for the neighbour one talks with; otherwise a kind pointer to /help."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        if message.voice is not None:
            async with context.db.begin() as session:
                state = await conversations.current(session, user.id, now=context.deps.clock.now())
            spoken = self._spoken.get(state.flow) if state is not None else None
            if (
                state is not None
                and spoken is not None
                and await spoken(update, context, state, message.voice)
            ):
                return
        if await relay.pass_on(update, context):
            return
        await fallback.not_understood(update, context)


def always(typed: Callable[[Update, BotContext, State, str], Awaitable[None]]) -> TypedAnswer:
    """For a flow whose every step takes typed text."""

    async def answered(update: Update, context: BotContext, state: State, text: str) -> bool:
        await typed(update, context, state, text)
        return True

    return answered


async def answer_with_buttons(update: Update, context: BotContext) -> None:
    """Typed text where the open question wants a tap."""
    await onboarding.show(update, context, joining.Step(joining.USE_BUTTONS))
